"""Previews through LibreOffice (headless): the draft as PDF, a workbook as PDF or xlsx round-trip.

The official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are rarely installed on a Linux
server; LibreOffice would then set everything in one sans font. A private fontconfig file maps each
to the closest face of Debian's fonts-noto-cjk (serif for 宋/仿宋/小标宋, sans for 黑体), so the
preview shows the document's hierarchy. The .docx itself keeps the official font names.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from tasks.delivery.outbox import free_path

SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
FONT_ALIASES: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": (SERIF,), "方正小标宋_GBK": (SERIF,), "小标宋": (SERIF,),
    "仿宋_GB2312": ("FangSong", SERIF), "仿宋": ("FangSong", SERIF),
    "楷体_GB2312": ("AR PL UKai CN", "KaiTi", SERIF), "楷体": ("AR PL UKai CN", "KaiTi", SERIF),
    "黑体": (SANS,), "SimHei": (SANS,), "宋体": (SERIF,), "SimSun": (SERIF,),
    "Times New Roman": ("Liberation Serif", "DejaVu Serif"),
}
BOLD = ("方正小标宋简体", "方正小标宋_GBK", "小标宋")  # 小标宋 is a heavy face: bold Noto Serif is closest
# A converted file is never a reason to reach anything: links to images, templates or data outside the
# document are not loaded (BlockUntrustedRefererLinks: no location is trusted), no macro runs.
OFFLINE = {"/org.openoffice.Office.Common/Security/Scripting": (("BlockUntrustedRefererLinks", "true"),
                                                                 ("DisableMacrosExecution", "true"),
                                                                 ("MacroSecurityLevel", "3"))}


class ConversionError(Exception):
    """LibreOffice ran but produced no file (a damaged input, a timeout); terminal for this file."""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig(folder: Path) -> Path:
    """A fonts.conf that keeps the system's fonts and adds the aliases above."""
    rules = []
    for family, prefer in FONT_ALIASES.items():
        names = "".join(f"<family>{escape(p)}</family>" for p in prefer)
        rules.append(f"<alias binding=\"same\"><family>{escape(family)}</family><prefer>{names}</prefer></alias>")
    for family in BOLD:
        rules.append(f"<match target=\"pattern\"><test name=\"family\"><string>{escape(family)}</string></test>"
                     "<edit name=\"weight\" mode=\"assign\"><const>bold</const></edit></match>")
    path = folder / "fonts.conf"
    path.write_text("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>"
                    "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"
                    + "".join(rules) + "</fontconfig>\n", encoding="utf-8")
    return path


def offline_profile(profile: Path) -> Path:
    """A fresh LibreOffice user profile whose settings load nothing from outside the converted file."""
    items = "".join(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
                    f"<value>{value}</value></prop></item>"
                    for path, props in OFFLINE.items() for name, value in props)
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + items + "</oor:items>\n", encoding="utf-8")
    return profile


@functools.cache
def no_network() -> tuple[str, ...]:
    """The prefix that runs a command in a network namespace of its own — no interface but a loopback
    that is down, so nothing on this machine or beyond is reached: `unshare -n` as root, `unshare -rn`
    where unprivileged user namespaces are allowed; () where neither works (the profile still holds)."""
    tool = shutil.which("unshare")
    for flags in ("-n", "-rn") if tool else ():
        try:
            if subprocess.run([tool, flags, "true"], capture_output=True, timeout=10).returncode == 0:
                return (tool, flags)
        except (OSError, subprocess.SubprocessError):
            continue
    return ()


def convert(src: Path, fmt: str, soffice: str, out: Path | None = None, timeout: float = 180) -> Path:
    """`soffice --headless --convert-to fmt`; the result lands at `out` (default: beside `src`), never
    over an existing file. A private profile, so a LibreOffice the operator has open is not disturbed, that
    fetches nothing; and no network at all where the system allows it (SSRF: the file may link a URL)."""
    target = free_path(out or src.with_suffix(f".{fmt}"))
    with tempfile.TemporaryDirectory(prefix="township-soffice-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(work)), "HOME": str(work)}
        profile = offline_profile(work / "profile")
        cmd = [*no_network(), soffice, "--headless", "--norestore",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", fmt,
               "--outdir", str(work / "out"), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice 转换超时（{timeout:.0f} 秒）：{src.name}") from exc
        produced = work / "out" / f"{src.stem}.{fmt}"
        if not produced.exists():
            raise ConversionError(f"LibreOffice 未能转换 {src.name}：{(done.stderr or done.stdout).strip()[-300:]}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), target)
    return target
