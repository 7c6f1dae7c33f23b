"""A draft is a draft, whatever its template (DESIGN §7.1, issue 23 items 7 and 8): an adopted report —
written on python-docx's default US Letter page, with no header or footer, as many offices' are — gives
drafts on the GB/T 9704 page with the 草稿 mark and "— N —" page numbers, filed under their own title;
a home whose templates are all named renders the only one, lists several, and the scheduled run drafts
each. Real .docx files, read back with python-docx (page size and margins from sectPr; the mark and the
PAGE field from the header and footer XML)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches, Mm
from typer.testing import CliRunner

from flows.cli import app
from flows.sequences.annual import draft_sequence
from flows.sequences.steps import PlainSteps
from tasks.adoption.adopt import adopt
from tasks.drafts.annual import annual_draft
from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tests.helpers import drop, make_home
from tests.reports import REPORTS, registry_for, write_report

runner = CliRunner()
ON = dt.date(2025, 1, 8)
SAFETY = ["新华区东城街道办事处", "关于2024年度安全生产工作情况的报告", "",
          "2024年，东城街道全年开展安全生产检查45次，整改安全隐患120处。"]


def adopted_home(tmp_path: Path, name: str = "平安建设"):
    """东城街道, its 平安建设 report adopted under a name (no templates/annual_report.docx), a return in."""
    root = tmp_path / "home"
    make_home(root, registry=registry_for(REPORTS["东城街道"][1]))
    report = write_report(REPORTS["东城街道"][0], tmp_path / f"{name}.docx")
    assert docx.Document(str(report)).sections[0].page_width == Inches(8.5)  # the source: US Letter
    result = adopt(report, open_home(root), name)
    home = open_home(root)
    unit = home.registry.units[1].code
    drop(home, name="2024-03.xlsx", unit=unit, period="2024-03",
         values={f.code: f.total for f in result.figures if not f.derived})
    now = dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)
    prepare(home)
    ingest_batch(home, list(find_new(home, now).ready), now)
    return home


def township(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


def near(length, mm: float) -> bool:
    return abs(length - Mm(mm)) <= Mm(0.1)


def assert_a_draft(doc) -> None:
    """A4 (the 附表's page A4 across), the margins of DESIGN §5, 草稿 in the header, — PAGE — at the foot
    of odd and even pages."""
    for s in doc.sections:
        width, height = (297, 210) if s.page_width > s.page_height else (210, 297)
        assert (near(s.page_width, width), near(s.page_height, height)) == (True, True)
    first = doc.sections[0]
    assert (near(first.top_margin, 37), near(first.bottom_margin, 35), near(first.left_margin, 28),
            near(first.right_margin, 26)) == (True,) * 4
    assert doc.settings.odd_and_even_pages_header_footer and not first.different_first_page_header_footer
    assert "草稿" in "".join(t.text or "" for t in first.header._element.iter(qn("w:t")))
    for footer in (first.footer, first.even_page_footer):
        assert "PAGE" in "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
        text = "".join(p.text for p in footer.paragraphs)
        assert text.startswith("— ") and text.endswith(" —")


def test_a_draft_of_an_adopted_template_is_a_draft_filed_under_its_own_title(tmp_path):
    home = adopted_home(tmp_path)
    named = annual_draft(home, 2024, tmp_path / "named.docx", ON, template="平安建设")
    assert_a_draft(docx.Document(str(named)))  # the source's page, header and footer were not a draft's
    done = township("report", "--home", str(home.root), "--year", "2024")  # no --template: the only one
    assert done.exit_code == 0, done.output
    draft = Path(done.stdout.strip().splitlines()[-1])
    assert draft.parent == home.outbox and draft.name.startswith("2024年平安建设工作情况报告（草稿）-")
    doc = docx.Document(str(draft))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "深入推进平安东城建设" in text and "法治政府建设" not in text  # never the packaged reference text
    assert_a_draft(doc)
    signed = township("signoff", "--home", str(home.root), "--year", "2024", "--by", "王主任", "--accept-open")
    assert signed.exit_code in (0, 1), signed.output  # 1: no LibreOffice for the PDF beside it
    [final] = home.outbox.glob("*（定稿）*.docx")
    assert final.name.startswith("2024年平安建设工作情况报告（定稿）-")
    kept = docx.Document(str(final))
    assert "草稿" not in "".join(t.text or "" for t in kept.sections[0].header._element.iter(qn("w:t")))
    assert near(kept.sections[0].page_width, 210)


def test_named_templates_only_are_listed_by_report_and_each_drafted_by_the_schedule(tmp_path):
    home = adopted_home(tmp_path)
    adopt(write_report(SAFETY, tmp_path / "安全生产.docx"), home, "安全生产")
    home = open_home(home.root)
    done = township("report", "--home", str(home.root), "--year", "2024")
    assert done.exit_code == 2, done.output
    assert "--template 平安建设" in done.output and "--template 安全生产" in done.output
    assert not list(home.outbox.glob("*.docx"))
    # the 20 December run: no template named, every template of the home drafted
    asyncio.run(draft_sequence(PlainSteps(), home, 2024, None, None, ON, None, None, deliver=False))
    names = sorted(p.name for p in home.outbox.glob("*（草稿）*.docx"))
    assert [n.split("（草稿）")[0] for n in names] == ["2024年安全生产工作情况报告", "2024年平安建设工作情况报告"]
    for name in names:
        assert_a_draft(docx.Document(str(home.outbox / name)))


@pytest.mark.parametrize("suffix", [".wps", ".doc", ".DOC"])
def test_a_docx_saved_under_a_word_name_is_read_by_its_bytes(tmp_path, suffix):
    root = tmp_path / "home"
    make_home(root, registry=registry_for(REPORTS["东城街道"][1]))
    source = write_report(REPORTS["东城街道"][0], tmp_path / "r.docx")
    report = shutil.copy(source, tmp_path / f"平安建设{suffix}")
    done = township("adopt", str(report), "--home", str(root), "--json")
    assert done.exit_code == 0, done.output
    assert "36支" in {f["phrase"] for f in json.loads(done.output)["figures"]}


@pytest.mark.parametrize("lines, names, stem", [
    (["鲁山县下汤镇人民政府", "关于2024年法治政府建设情况的报告"], ("鲁山县", "下汤镇"), "法治政府建设情况报告"),
    (["下蜀镇2025年平安建设工作情况", "一、基本情况"], ("句容市", "下蜀镇"), "平安建设工作情况"),
    (["", "叶县辛集乡人民政府", "2024年法治政府建设工作总结"], ("叶县", "辛集乡"), "法治政府建设工作总结"),
    (["2025年安全生产工作总结", "今年以来……"], ("句容市", "下蜀镇"), "安全生产工作总结"),
    (["今年以来，我镇坚持以习近平法治思想为指导。"], ("句容市", "下蜀镇"), ""),  # no title: the template's name
])
def test_the_title_a_file_is_named_by(tmp_path, lines, names, stem):
    from tasks.drafts.draft_page import report_title, title_stem

    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    assert title_stem(report_title(doc), names) == stem
