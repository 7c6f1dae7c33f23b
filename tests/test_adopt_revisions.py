"""Tracked changes (issue 23, item 4; DESIGN §7.1): a report with revisions is adopted as if they were
accepted and leaves a template without revision marks; a template edited with 修订 on is checked as it
renders (inserted runs in, deleted runs out); the sign-off reads a 修改稿 the same way. One reading
function (tasks/drafts/accepted.py) for all. Real .docx files with w:ins / w:del / w:moveFrom / w:moveTo /
w:rPrChange as Word writes them; `township report --check-template` and `township signoff` as run."""
from __future__ import annotations

import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from typer.testing import CliRunner

from flows.cli import app
from tasks.adoption.adopt import adopt
from tasks.adoption.rewrite import text_of
from tasks.drafts.annual import annual_draft, checked_template
from tasks.home import open_home
from tests.reports import REPORTS, write_report
from tests.revisions import mark_deleted, reformatted, revise
from tests.signoff_helpers import drafted, ledger
from tests.test_adopt import ON, fill_year, township_home

runner = CliRunner()
MARKS = ("<w:ins ", "<w:del ", "<w:moveFrom ", "<w:moveTo ", "<w:rPrChange", "<w:delText", "<w:moveFromRange")
REPORT = [
    "宝丰县城关镇人民政府",
    "关于2024年度法治建设工作情况的报告",
    "",
    "2024年，城关镇扎实推进法治城关建设，现将有关情况报告如下。",
    "（普法宣传，修订见下）",
    "（法律服务，修订见下）",
    "（移入的句子，修订见下）",
    "（整段删除，修订见下）",
    "镇法律服务所代写法律文书41份。",
    "城关镇人民政府",
    "2025年1月8日",
]
# what Word's 接受所有修订 leaves of the paragraphs revised below (the deleted paragraph gone)
ACCEPTED = [*REPORT[:4], "全镇开展普法宣传活动35场，发放宣传资料1200份，调处矛盾纠纷12起。", "办理法律援助案件17件。",
            "镇司法所组织法律专题培训6次，提供法律咨询693人次。", *REPORT[8:]]


def with_revisions(path):
    """城关镇's report as its office left it: 30场 corrected to 35场 with 修订 on (Word shows 3035场), a
    clause deleted, one inserted, a sentence moved to the next paragraph, a paragraph deleted whole,
    a run made bold — none accepted."""
    doc = docx.Document(str(write_report(REPORT, path)))
    p = doc.paragraphs
    revise(p[4], [("", "全镇开展普法宣传活动"), ("del", "30"), ("ins", "35"), ("", "场"), ("del", "（含线上直播8场）"),
                  ("", "，发放宣传资料1200份"), ("ins", "，调处矛盾纠纷12起"), ("", "。")])
    revise(p[5], [("from", "组织法律专题培训6次，"), ("", "办理法律援助案件17件。")])
    revise(p[6], [("", "镇司法所"), ("to", "组织法律专题培训6次，"), ("", "提供法律咨询693人次。")])
    revise(p[7], [("del", "开展夜查行动9次。")])
    mark_deleted(p[7])  # the paragraph mark deleted too: the paragraph goes whole
    reformatted(p[8])
    doc.save(str(path))
    return path


def xml_of(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_a_report_with_tracked_changes_is_adopted_as_accepted_and_says_so(tmp_path):
    home = township_home(tmp_path, "城关镇")
    report = with_revisions(tmp_path / "城关镇2024年法治建设报告（修订稿）.docx")
    assert any(m in xml_of(report) for m in MARKS)
    result = adopt(report, home, "城关")
    assert [f.phrase for f in result.figures] == ["35场", "1200份", "12起", "17件", "6次", "693人次", "41份"]
    assert not {"3035场", "8场", "9次"} & {s.text for s in result.skipped}
    assert any("接受所有修订" in w for w in result.warnings)
    template = xml_of(result.template)
    assert not [m for m in MARKS if m in template]  # no revision mark in the template
    assert [text_of(p) for p in docx.Document(str(result.template)).paragraphs][4] == \
        f"全镇开展普法宣传活动{{{{ f.{result.figures[0].code} }}}}，发放宣传资料{{{{ f.{result.figures[1].code} }}}}，" \
        f"调处矛盾纠纷{{{{ f.{result.figures[2].code} }}}}。"
    fill_year(open_home(home.root), result.figures)
    draft = annual_draft(open_home(home.root), 2024, tmp_path / "d.docx", ON, template="城关")
    assert [p.text for p in docx.Document(str(draft)).paragraphs][:len(ACCEPTED)] == ACCEPTED
    assert not [m for m in MARKS if m in xml_of(draft)]


def retyped(template, code: str, typed: str) -> int:
    """Staff retype a placeholder in Word with 修订 on: the old one deleted, the new one inserted."""
    doc = docx.Document(str(template))
    placeholder = f"{{{{ f.{code} }}}}"
    index, paragraph = next((i, p) for i, p in enumerate(doc.paragraphs) if placeholder in text_of(p))
    before, after = text_of(paragraph).split(placeholder, 1)
    revise(paragraph, [("", before), ("del", placeholder), ("ins", typed), ("", after)])
    doc.save(str(template))
    return index + 1


def check(home, name: str):
    return runner.invoke(app, ["report", "--home", str(home.root), "--template", name, "--check-template"],
                         terminal_width=200)


def test_a_placeholder_retyped_under_tracked_changes_is_checked_and_rendered_as_accepted(tmp_path):
    home = township_home(tmp_path, "城关镇")
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home, "城关")
    number = retyped(result.template, "DISPUTE", "{{ f.DISPUTE }}")
    done = check(home, "城关")
    assert done.exit_code == 0 and "Traceback" not in done.output, done.output
    home = open_home(home.root)
    _, found = checked_template(home, "城关")
    assert "DISPUTE" in found.codes  # the data reaches this sentence: not listed as stated by none
    fill_year(home, result.figures)
    draft = annual_draft(home, 2024, tmp_path / "d.docx", ON, template="城关")
    paragraph = docx.Document(str(draft)).paragraphs[number - 1].text
    assert paragraph.startswith("全年共排查矛盾纠纷356起，成功调解342起") and paragraph.count("356起") == 1
    assert not [m for m in MARKS if m in xml_of(draft)]


def test_a_typo_typed_under_tracked_changes_is_named_not_rendered_blank(tmp_path):
    home = township_home(tmp_path, "城关镇")
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home, "城关")
    number = retyped(result.template, "DISPUTE", "{{ f.DISPUTES }}")
    done = check(home, "城关")
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert f"第{number}段“全年共排查矛盾纠纷" in done.output and "DISPUTES 不在指标目录中" in done.output
    fill_year(open_home(home.root), result.figures)
    draft = annual_draft(open_home(home.root), 2024, tmp_path / "d.docx", ON, template="城关")
    assert "成功调解【缺指标DISPUTES】" in docx.Document(str(draft)).paragraphs[number - 1].text  # 成功调解 is DISPUTE


def _footnote(doc, pieces) -> None:
    """A footnote of the 修改稿 revised as `pieces` (tests/revisions.py), as Word writes a footnotes part."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    inner = "".join(_piece_xml(kind, text) for kind, text in pieces)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
           f'<w:footnote w:id="1"><w:p>{inner}</w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode(), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def _piece_xml(kind: str, text: str) -> str:
    attrs = 'w:id="7" w:author="办公室" w:date="2025-01-06T09:00:00Z"'
    if kind == "del":
        return f'<w:del {attrs}><w:r><w:delText>{text}</w:delText></w:r></w:del>'
    run = f"<w:r><w:t>{text}</w:t></w:r>"
    return f"<w:ins {attrs}>{run}</w:ins>" if kind == "ins" else run


@pytest.mark.parametrize("pieces, signed", [
    ([("", "数据来源："), ("del", "××"), ("ins", "司法所台账")], True),   # a blank filled in with 修订 on
    ([("", "数据来源：司法所台账"), ("ins", "（××）")], False),             # a blank typed in with 修订 on
])
def test_signoff_reads_the_edited_copy_as_accepted(tmp_path, pieces, signed):
    home, draft = drafted(tmp_path / "home")
    doc = docx.Document(str(draft))
    _footnote(doc, pieces)
    edited = home.outbox / "审定" / "修改稿.docx"
    edited.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(edited))
    done = runner.invoke(app, ["signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记",
                               "--accept-open", "--file", "修改稿.docx"], terminal_width=300)
    if not signed:
        assert done.exit_code == 2 and "未填的数字或占位符" in done.output and "脚注" in done.output, done.output
        return
    assert done.exit_code == 0, done.output
    assert ledger(home).state == "signed"
    [final] = [p for p in home.outbox.iterdir() if "定稿" in p.name and p.suffix == ".docx"]
    with zipfile.ZipFile(final) as z:
        footnotes = z.read("word/footnotes.xml").decode("utf-8")
    assert "司法所台账" in footnotes and "××" not in footnotes
    assert not [m for m in MARKS if m in footnotes]  # the final copy carries no revision mark, footnotes too


def test_a_row_and_a_paragraph_deleted_with_tracked_changes_are_gone_from_the_final_copy(tmp_path):
    """Word's 接受所有修订 removes a deleted table row and a paragraph deleted whole (mark included);
    the final copy did not: an empty row and an empty paragraph were left in the signed text."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    from tasks.signoff.final_copy import make_final
    from tests.revisions import _mark

    doc = docx.Document()
    doc.add_paragraph("一、主要工作")
    gone = doc.add_paragraph("本年度新增调解室1处。")
    doc.add_paragraph("二、存在问题")
    table = doc.add_table(rows=3, cols=2)
    for r, (label, figure) in enumerate([("项目", "数量"), ("调处矛盾纠纷", "70余起"), ("夜间巡逻", "××次")]):
        table.cell(r, 0).text, table.cell(r, 1).text = label, figure
    row = table.rows[2]._tr
    tr_pr = row.get_or_add_trPr()
    tr_pr.append(_mark("w:del", []))                       # the row deleted with 修订 on …
    for cell in row.iter(qn("w:tc")):
        for p in cell.iter(qn("w:p")):
            revise(Paragraph(p, None), [("del", "".join(t.text for t in p.iter(qn("w:t"))))])
    revise(gone, [("del", gone.text)])
    mark_deleted(gone)                                      # … and a paragraph deleted whole
    path = tmp_path / "修改稿.docx"
    doc.save(str(path))
    final = docx.Document(str(path))
    make_final(final, ON, "城关镇2024年法治建设工作情况的报告")
    assert [p.text for p in final.paragraphs] == ["一、主要工作", "二、存在问题"]
    assert [[c.text for c in r.cells] for r in final.tables[0].rows] == [["项目", "数量"], ["调处矛盾纠纷", "70余起"]]
