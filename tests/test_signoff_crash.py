"""A sign-off killed or starved of disk leaves outbox/ and the ledger in agreement (issue 22, item 9): no
（定稿） file unless the ledger says signed, no half-written file under any name, and the next run
completes. Real `township signoff` processes killed with SIGKILL, a real tmpfs filled to the last page
(root only: skipped elsewhere), real LibreOffice for the PDF."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.procs import BIN, clean_env
from tests.signoff_helpers import SIGN_NOW as NOW
from tests.signoff_helpers import drafted, ledger

runner = CliRunner()


def outbox_agrees(home) -> None:
    """The invariant: a （定稿） file exists only for a signed version, and then it is the one signed."""
    v = ledger(home)
    finals = sorted(p for p in home.outbox.iterdir() if "定稿" in p.name)
    if v.state != "signed":
        assert finals == [], (v.state, finals)
        return
    for path in finals:
        assert str(path) in (v.final_path, v.pdf_path), (path, v)
        recorded = v.final_sha256 if str(path) == v.final_path else v.pdf_sha256
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded


def hidden(home) -> list[str]:
    return sorted(p.name for p in home.outbox.iterdir() if p.name.startswith("."))


def in_session(sid: int, name: str) -> bool:
    """A process of the sign-off's session whose name starts with `name` (LibreOffice's soffice.bin)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if int(fields[3]) == sid and comm.startswith(name):
            return True
    return False


def writing(home, draft: Path) -> bool:
    """The sign-off has begun writing the final copy: a file other than the draft, under any name."""
    try:
        return any(p != draft and p.is_file() and p.stat().st_size for p in home.outbox.iterdir())
    except FileNotFoundError:  # a file renamed while looked at
        return False


def run_until(home, point, log: Path, timeout: float = 120) -> int | None:
    """`township signoff` in a session of its own, SIGKILLed (with its LibreOffice) once `point` holds;
    returns its exit code if it ended first."""
    cmd = [str(BIN / "township"), "signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记", "--accept-open"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, env=clean_env(), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if point(proc):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return None
            time.sleep(0.01)
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_a_sign_off_killed_at_any_point_leaves_no_unsigned_final_copy(tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed: the conversion is the longest step to be killed in")
    home, draft = drafted(tmp_path / "home")
    log = tmp_path / "signoff.log"
    started = time.monotonic()
    points = {"the final copy being written": lambda proc: writing(home, draft),
              "LibreOffice converting": lambda proc: in_session(proc.pid, "soffice"),
              "one second in": lambda proc: time.monotonic() - started > 1.0}
    for what, point in points.items():
        started = time.monotonic()
        ended = run_until(home, point, log)
        assert ended is None, f"{what}: the sign-off ended ({ended}) before it could be killed\n{log.read_text()}"
        outbox_agrees(home)
        assert ledger(home).state == "draft", what
    done = subprocess.run([str(BIN / "township"), "signoff", "--home", str(home.root), "--year", "2024",
                           "--by", "李书记", "--accept-open"], env=clean_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    outbox_agrees(home)
    v = ledger(home)
    assert v.state == "signed" and Path(v.final_path).exists() and Path(v.pdf_path).exists()
    assert hidden(home) == []  # the killed runs' strays were swept by the one that signed


def test_a_sign_off_killed_after_the_record_is_completed_by_the_next_run(tmp_path):
    """The one moment no timing hits reliably — the decision recorded, the files not yet named — made by
    the sign-off's own steps stopped there (the writer gone: its lock released, as a kill does)."""
    import json

    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import record_decision
    from tasks.signoff.decision import Decision
    from tasks.signoff.signable import signable
    from tasks.signoff.steps import write_final
    from tasks.signoff.versions import sha256_of, utc_naive

    home, _ = drafted(tmp_path / "home")
    v = ledger(home)
    checked = signable(v, Decision(True, "李书记"), NOW.date(), "下汤镇关于2024年法治政府建设情况的报告",
                       home.settings.limits)
    made = write_final(home, v, checked, NOW.date(), shutil.which("soffice"))
    staged_files, final, pdf, _ = made
    with open_ledger(home.database_url) as engine:
        assert record_decision(engine, v.id, state="signed", decided_by="李书记", decided_at=utc_naive(NOW),
                               signed_from=v.draft_path, final_path=str(final),
                               final_sha256=sha256_of(staged_files.docx), pdf_path=str(pdf) if pdf else None,
                               pdf_sha256=sha256_of(staged_files.pdf) if pdf else None,
                               figures=json.dumps(checked.figures, ensure_ascii=False))
    staged_files.release()
    assert not final.exists() and len(hidden(home)) == (2 if pdf else 1)
    done = runner.invoke(app, ["signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记", "--accept-open"])
    assert done.exit_code == 0 and "定稿文件已补全" in done.output, done.output
    assert final.exists() and (pdf is None or pdf.exists()) and hidden(home) == []
    outbox_agrees(home)


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of its own, to be filled to the last page."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)],
                      capture_output=True).returncode:
        pytest.skip("no tmpfs can be mounted here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take all the free space but `leave` bytes."""
    st = os.statvfs(disk)
    filler = disk / "filler"
    with open(filler, "ab") as fh:
        fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


@pytest.mark.parametrize("room", ["not for the .docx", "for the .docx only", "none for LibreOffice"])
def test_a_full_disk_leaves_nothing_and_says_so_in_one_line(small_disk, tmp_path, monkeypatch, room):
    """Room enough to open the ledger (its shared memory file), not for the final copy — or for the
    .docx but not its PDF, which LibreOffice makes in its own folder and is then copied in — or a full
    temporary folder (TMPDIR), where LibreOffice fails saying only “source file could not be loaded”."""
    if room != "not for the .docx" and not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed: no PDF to run out of room for")
    if room == "none for LibreOffice":
        home, draft = drafted(tmp_path / "home")
        monkeypatch.setenv("TMPDIR", str(small_disk))
        filler, full = fill(small_disk, 0), small_disk
    else:
        home, draft = drafted(small_disk / "home")
        filler = fill(small_disk, 40 * 1024 if room == "not for the .docx" else draft.stat().st_size + 96 * 1024)
        full = home.outbox
    done = runner.invoke(app, ["signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记", "--accept-open"])
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert done.exit_code == 1 and len(lines) == 1, done.output
    assert f"定稿未能写入（{full}：磁盘已满）" in lines[0], done.output
    assert "Traceback" not in done.output and "内部错误" not in done.output
    assert ledger(home).state == "draft" and hidden(home) == []
    outbox_agrees(home)
    filler.unlink()
    again = runner.invoke(app, ["signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记", "--accept-open"])
    assert again.exit_code == 0, again.output
    outbox_agrees(home)
    assert ledger(home).state == "signed"


def test_a_draft_on_a_full_disk_leaves_no_temporary_file(small_disk):
    from tasks.drafts.annual import render_annual

    home, draft = drafted(small_disk / "home")
    fill(small_disk, 0)
    with pytest.raises(OSError):
        render_annual(home, 2024, None, NOW.date())
    assert hidden(home) == [] and sorted(home.outbox.glob("*.docx")) == [draft]
