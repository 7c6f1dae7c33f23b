"""Every number of an adopted report accounted for (issue 23, item 3; DESIGN §7.1): figures in Word
tables (nested ones too) found and placeholdered, 千余/百余/近千/数十/上百 figures that round-trip, fixed
formulations and frequencies not figures, a quoted speech read as text, and each number left literal
in the template listed in every draft's 待完善事项 with its paragraph. Real .docx reports, a real ledger."""
from __future__ import annotations

import datetime as dt

import docx
import pytest

from tasks.adoption.adopt import adopt
from tasks.drafts.annual import annual_draft
from tasks.drafts.todo import highlighted
from tasks.drafts.wording import state_number
from tasks.home import init_home, open_home
from tests.docx_helpers import comments
from tests.reports import registry_for, write_report
from tests.scan_reports import ANLIANG, ANLIANG_TOWNSHIP, FIGURES, NOT_FIGURES, cell_texts, write_with_table
from tests.test_adopt import fill_year

ON = dt.date(2025, 1, 10)
NEXT = dt.date(2025, 12, 20)
FIXED = "固定提法（如“六个方面”“两个维护”），不是活动数字"
EVERY = "频次（如每月一次），不是全年合计"
CARRIED = "上年报告中的数字（未由本年数据生成，请核实或改写）"


def anliang_home(tmp_path):
    root = tmp_path / "home"
    init_home(root, registry_for(ANLIANG_TOWNSHIP))
    toml = root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 30", "settle_seconds = 0"),
                    encoding="utf-8")
    return open_home(root)


@pytest.fixture
def adopted(tmp_path):
    home = anliang_home(tmp_path)
    result = adopt(write_with_table(ANLIANG, tmp_path / "安良镇2024年平安建设工作情况的报告.docx"), home, "平安建设")
    return open_home(home.root), result


def todo_of(draft) -> str:
    [todo] = [t for _, t in comments(draft) if t.startswith("待完善事项")]
    return todo


def test_every_figure_is_found_once_and_no_other_number_is_one(adopted):
    _, result = adopted
    assert sorted(f.phrase for f in result.figures) == sorted(FIGURES)
    skipped = {s.text: s.reason for s in result.skipped}
    assert NOT_FIGURES <= set(skipped)
    for fixed in ("“四个意识”", "“四个自信”", "“两个维护”", "六个方面", "三项制度"):
        assert skipped[fixed] == FIXED  # not ××个方面 in next year's draft
    assert skipped["每月开展1次"] == EVERY and skipped["每季度召开2次"] == EVERY


def test_a_table_of_figures_is_found_named_by_its_rows_and_placeholdered(adopted):
    home, result = adopted
    assert {"220余次", "7件", "98件", "35人次"} <= {f.phrase for f in result.figures}
    cells = {f.phrase: f for f in result.figures if f.place}
    assert set(cells) == {"220余次", "7件", "98件", "35人次"}
    assert cells["7件"].place == "第9段后的表格第3行第3列" and cells["7件"].paragraph == 9
    assert cells["35人次"].place == "第9段后的表格第5行第3列（内嵌表格第1行第2列）"
    assert "行政复议" in cells["7件"].name and "信访" in cells["98件"].name  # from the row's label
    numbers = [(s.place, s.text, s.reason) for s in result.skipped if s.place]
    assert numbers == [(f"第9段后的表格第{r}行第1列", str(r - 1), "序号") for r in range(2, 6)]
    template = cell_texts(docx.Document(str(result.template)))
    for f in cells.values():
        assert f"{{{{ f.{f.code} }}}}" in template and f.phrase not in "".join(template)
    assert {"place": "第9段后的表格第3行第3列", "phrase": "7件"}.items() <= next(
        g for g in result.as_json()["figures"] if g["phrase"] == "7件").items()
    # no returns at all: last year's table numbers never come back; each cell says ×× and is listed
    draft = docx.Document(annual_draft(home, 2025, None, NEXT, template="平安建设"))
    shown = cell_texts(draft)
    assert not {"220余次", "7件", "98件", "35人次"} & set(shown)
    assert {"××次", "××件", "××人次"} <= set(shown)
    blanks = [p for t in draft.tables for row in t.rows for c in row.cells for p in c.paragraphs
              if "××" in p.text]
    assert blanks and all(highlighted(p) for p in blanks)
    assert todo_of(draft).count("第9段后的表格“") >= 3


def test_figures_come_back_in_their_cells_and_paragraphs_round_trip(adopted, tmp_path):
    home, result = adopted
    assert sorted(f.phrase for f in result.figures) == sorted(FIGURES)
    fill_year(home, result.figures)
    draft = docx.Document(annual_draft(home, 2024, tmp_path / "d.docx", ON, template="平安建设"))
    lines = [p.text for p in draft.paragraphs]
    assert lines[:len(ANLIANG)] == ANLIANG  # every paragraph as the report printed it
    shown = cell_texts(draft)
    for f in result.figures:
        assert (f.phrase in shown) if f.place else (f.phrase in lines[f.paragraph - 1]), f.phrase


def test_thousand_odd_and_near_a_thousand_are_figures_stated_as_the_report_did(adopted, tmp_path):
    home, result = adopted
    got = {f.phrase: (f.total, f.stating.word, f.stating.numerals) for f in result.figures}
    assert got["千余份"] == (1001, "余", "bare") and got["百余人次"] == (101, "余", "bare")
    assert got["近千人"] == (999, "近", "bare") and got["数十场"][1:] == ("数", "bare")
    assert got["上百人"][1] == "上"
    fill_year(home, result.figures)
    draft = docx.Document(annual_draft(home, 2024, tmp_path / "d.docx", ON, template="平安建设"))
    assert draft.paragraphs[6].text == ANLIANG[6]  # 千余份 … 近千人 … 数十场 … 上百人, as printed


@pytest.mark.parametrize("total, word, said", [
    (1000, "余", "一千"), (1001, "余", "千余"), (1999, "余", "千余"), (2345, "余", "两千余"), (980, "近", "近千"),
    (150, "余", "百余"), (1500, "余", "千余"), (1000, "近", "一千"), (12000, "余", "万余"), (20, "数", "数十"),
    (99, "数", "数十"),
    (15, "数", "十余"), (340, "数", "数百"), (100, "上", "上百"), (199, "上", "上百"), (250, "上", "两百余"),
    (9, "余", "九")])
def test_a_thousand_odd_outside_its_range_is_stated_plainly(total, word, said):
    """千余份 reproduces for 1001–1999; other totals read as a clear phrase (两千余份, not 千余份)."""
    assert state_number(total, "approx", 1, False, word, "bare") == said


def test_money_a_percentage_and_a_frequency_are_listed_in_next_years_draft(adopted):
    home, result = adopted
    draft = docx.Document(annual_draft(home, 2025, None, NEXT, template="平安建设"))
    todo = todo_of(draft)
    for number, where in (("0.5万余元", "第6段“（一）矛盾纠纷排查化解。"), ("100%", "第6段“（一）矛盾纠纷排查化解。"),
                          ("每月开展1次", "第6段“（一）矛盾纠纷排查化解。"), ("每季度召开2次", "第13段“")):
        [line] = [t for t in todo.splitlines() if t.endswith(f"中的“{number}”：{CARRIED}")]
        assert line.split(". ", 1)[1].startswith(where), line
    for name in ("六个方面", "两个维护", "四个意识", "2024年", "（一）"):
        assert f"“{name}”：{CARRIED}" not in todo  # not data: never a to-do
    assert [r["text"] for r in result.as_json()["carried_over"]] == ["每月开展1次", "100%", "0.5万余元", "每季度召开2次"]


def test_a_number_staff_rewrote_in_the_template_is_no_longer_listed(adopted):
    home, result = adopted
    doc = docx.Document(str(result.template))
    for run in doc.paragraphs[5].runs:
        run.text = run.text.replace("，投入专项经费0.5万余元", "")
    doc.save(str(result.template))
    todo = todo_of(docx.Document(annual_draft(home, 2025, None, NEXT, template="平安建设")))
    assert "0.5万余元" not in todo and "“100%”" in todo


def test_a_quoted_passage_is_read_as_text_and_a_quoted_name_is_not(tmp_path):
    home = anliang_home(tmp_path)
    report = write_report(["安良镇2024年平安建设工作总结", "",
                           "镇长在会上指出：“今年全镇开展夜间巡逻260余次，排查安全隐患45处，群众安全感明显提升。”",
                           "推广“1361”工作法，开展“八五”普法，组织法治讲座12场。"], tmp_path / "r.docx")
    result = adopt(report, home)
    assert [f.phrase for f in result.figures] == ["260余次", "45处", "12场"]
    assert [(s.text, s.reason) for s in result.skipped if s.paragraph == 4] == [
        ("“1361”", "引号或书名号中的名称、口号"), ("“八五”", "引号或书名号中的名称、口号")]
    assert [r["text"] for r in result.literals] == ["“1361”"]  # digits in a quotation may be data: 八五 a name
