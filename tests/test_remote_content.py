"""Nothing is fetched from elsewhere (issue 22, SSRF): a linked image, an attached template and an
INCLUDEPICTURE field are dropped from adopt's template, from the draft and from the final copy (read back
from the zip); a plain hyperlink stays. LibreOffice, converting a file that still links a URL on a real
HTTP server on loopback, sends that server nothing."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import docx
import pytest

from tasks.adoption.adopt import adopt
from tasks.delivery import pdf
from tasks.delivery.pdf import convert, find_soffice
from tasks.drafts.annual import annual_draft
from tasks.signoff.final_copy import make_final
from templates import ANNUAL_REPORT
from tests.docx_helpers import comments
from tests.hostile_docx import (
    attached_template,
    http_server,
    hyperlink,
    hyperlinks_in,
    include_picture,
    linked_image,
    remote_in,
)
from tests.reports import REPORTS, write_report
from tests.test_adopt import township_home

URL = "http://127.0.0.1:9/"  # the discard port: nothing here is ever meant to be reached
SOFFICE = find_soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def with_remote(doc, url: str = URL):
    """A linked image, an attached template, an INCLUDEPICTURE field — and a hyperlink, which stays."""
    paragraph = next(p for p in doc.paragraphs if len(p.text) > 30)
    linked_image(paragraph, f"{url}logo.png")
    include_picture(paragraph, f"{url}chart.png")
    attached_template(doc, f"{url}normal.dotm")
    doc.paragraphs[-1].add_run("详见")
    hyperlink(doc.paragraphs[-1], "https://www.gov.cn/", "中国政府网")
    return doc


def test_adopt_drops_what_a_report_would_load_and_says_so(tmp_path):
    home = township_home(tmp_path, "城关镇")
    report = write_report(REPORTS["城关镇"][0], tmp_path / "报告.docx")
    doc = docx.Document(str(report))
    with_remote(doc).save(str(report))
    assert len(remote_in(report)) >= 4  # the link, the template, the field, and their relationships
    result = adopt(report, home, "城关")
    assert remote_in(result.template) == [] and hyperlinks_in(result.template) == ["https://www.gov.cn/"]
    said = "\n".join(result.warnings)
    assert "外部链接的图片（http://127.0.0.1:9/logo.png）已删除" in said
    assert "附加模板（http://127.0.0.1:9/normal.dotm）已删除" in said and "INCLUDEPICTURE 域已删除" in said
    assert "[图]" in "\n".join(p.text for p in docx.Document(str(result.template)).paragraphs)


def test_the_draft_drops_what_a_staff_template_would_load_and_lists_it_to_do(home, tmp_path):
    path = home.root / "templates" / "带链接.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ANNUAL_REPORT, path)
    with_remote(docx.Document(str(path))).save(str(path))
    assert remote_in(path)
    out = annual_draft(home, 2024, tmp_path / "d.docx", dt.date(2024, 12, 20), template="带链接")
    assert remote_in(out) == [] and hyperlinks_in(out) == ["https://www.gov.cn/"]
    [todo] = [t for _, t in comments(docx.Document(str(out))) if t.startswith("待完善事项")]
    assert "外部链接的图片（http://127.0.0.1:9/logo.png）已删除" in todo and "附加模板" in todo


def test_the_final_copy_drops_what_an_edited_draft_would_load(demo_draft, tmp_path):
    edited = tmp_path / "修改稿.docx"
    with_remote(docx.Document(str(demo_draft))).save(str(edited))
    assert remote_in(edited)
    doc = docx.Document(str(edited))
    cleaned = make_final(doc, dt.date(2024, 12, 28), "下汤镇关于2024年法治政府建设情况的报告")
    final = tmp_path / "定稿.docx"
    doc.save(str(final))
    assert remote_in(final) == [] and hyperlinks_in(final) == ["https://www.gov.cn/"]
    assert any("外部链接的图片" in line for line in cleaned.remote) and any("附加模板" in r for r in cleaned.remote)


def linked_docx(path, url):
    """A document whose only picture is loaded from `url`, as LibreOffice receives it (nothing stripped)."""
    doc = docx.Document()
    linked_image(doc.add_paragraph("外部图片："), f"{url}/pic.png")
    doc.save(str(path))
    return path


@needs_soffice
def test_libreoffice_as_we_run_it_fetches_nothing(tmp_path, monkeypatch):
    with http_server() as (log, url):
        source = linked_docx(tmp_path / "a.docx", url)
        cmd = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'plain').as_uri()}",
               "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(source)]
        env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
        plain = subprocess.run(cmd, capture_output=True, timeout=180, env=env)
        assert plain.returncode == 0 and log, "LibreOffice left alone loads the linked picture (the attack)"
        log.clear()
        assert convert(linked_docx(tmp_path / "b.docx", url), "pdf", SOFFICE).exists()
        assert log == []
        monkeypatch.setattr(pdf, "no_network", lambda: ())  # where no network namespace can be made
        assert convert(linked_docx(tmp_path / "c.docx", url), "pdf", SOFFICE).exists()
        assert log == []
