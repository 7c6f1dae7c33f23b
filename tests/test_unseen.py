"""What Excel shows is what is stored (issue 22, item 7): real files where a stored value would differ
from what the clerk saw — a formula saved without its result, a hidden sheet, row or column, a second
报表 sheet, a number merged across two indicators. Each is judged as the ingest judges it (pre-checks
first: `judge`), and each is a finding at its place: [(code, place)] and the verdict's status."""
from __future__ import annotations

import pytest
from openpyxl.worksheet.formula import ArrayFormula

from tasks.returns.judge import judge
from tasks.returns.validate import Context
from tests import files as f
from tests.helpers import TODAY, VILLAGE

# The generated template: 本期数量 in column E, indicators from row 6 (LECTURE, TRAINING in E7, DISPUTE in E8 …).


def verdict(home, data: bytes):
    return judge(data, Context(VILLAGE, home.registry, home.catalog, TODAY), home.settings.limits)


def found(v) -> list[tuple[str, str]]:
    return [(x.code, x.place) for x in v.findings]


def shaped(home, shape, **kwargs) -> bytes:
    wb = f.workbook(home, **kwargs)
    shape(wb)
    return f.to_bytes(wb)


def _plain_formula(wb):
    wb["报表"]["E8"] = "=5+7"


def _array_formula(wb):
    wb["报表"]["E8"] = ArrayFormula("E8:E9", "={5;7}")


def shared_formula(home) -> bytes:
    """A shared formula (Excel's way of filling a formula down), saved without results as other programs
    write it: E8 holds the master, E9 refers to it by `si`."""
    data = f.edited(home, {"E8": "=D8", "E9": "=D9"})
    data = f.patch_sheet_xml(data, r"<f>D8</f>", '<f t="shared" ref="E8:E9" si="0">D8</f>')
    return f.patch_sheet_xml(data, r"<f>D9</f>", '<f t="shared" si="0"/>')


@pytest.mark.parametrize(("build", "expected"), [
    (lambda h: shaped(h, _plain_formula), [("E_FORMULA_UNCACHED", "报表!E8")]),
    (shared_formula, [("E_FORMULA_UNCACHED", "报表!E8"), ("E_FORMULA_UNCACHED", "报表!E9")]),
    (lambda h: shaped(h, _array_formula), [("E_FORMULA_UNCACHED", "报表!E8"), ("E_FORMULA_UNCACHED", "报表!E9")]),
], ids=["plain", "shared", "array"])
def test_a_formula_saved_without_its_result_is_refused_at_its_place(home, build, expected):
    """openpyxl (and other programs) save a formula without its result: it was stored as 0, 已入库."""
    v = verdict(home, build(home))
    assert found(v) == expected and v.status == "rejected"
    assert all(x.hint == "请在 Excel/WPS 中打开并保存后重新报送" for x in v.findings)


@pytest.mark.slow
@f.needs_soffice
def test_the_same_formula_saved_by_libreoffice_keeps_its_result_and_is_accepted(home, tmp_path):
    data = f.converted(shaped(home, _plain_formula), "xlsx", tmp_path)
    v = verdict(home, data)
    assert found(v) == [("W_FORMULA", "报表!E8")] and v.status == "accepted_with_warnings"
    assert {x.indicator: x.value for x in v.checked.values}["DISPUTE"] == 12


def _hidden_row(wb):
    wb["报表"].row_dimensions[8].hidden = True  # DISPUTE = 6, out of sight


def _hidden_column(wb):
    wb["报表"].column_dimensions["E"].hidden = True


def _merged(wb):
    ws = wb["报表"]
    ws["E7"] = 5
    ws.merge_cells("E7:E8")  # 5 shown across TRAINING and DISPUTE: which one, or both?


def _merged_from_the_left(wb):
    ws = wb["报表"]
    ws["D8"] = 6
    ws.merge_cells("D8:E8")  # the 6 the clerk sees over 本期数量 is stored in 单位


def _twin(wb):
    copy = wb.copy_worksheet(wb["报表"])
    copy.title = "报表 "  # Excel allows it; a reader of labels takes it for 报表


def _hidden_return_only(wb):
    wb["报表"].sheet_state = "hidden"
    wb.active = 1


CASES = [
    ("a value in a hidden row", _hidden_row, [("E_HIDDEN_VALUE", "报表!E8")]),
    ("values in a hidden column", _hidden_column, [("E_HIDDEN_VALUE", "报表!E7"), ("E_HIDDEN_VALUE", "报表!E8")]),
    ("a value merged across two indicators", _merged, [("E_MERGED_VALUE", "报表!E7")]),
    ("a value merged in from the left", _merged_from_the_left, [("E_MERGED_VALUE", "报表!D8")]),
    ("a second 报表 sheet", _twin, [("E_SHEET_DUPLICATE", "报表 ")]),
    ("the return on a hidden sheet alone", _hidden_return_only, [("E_SHEET_HIDDEN", "报表")]),
]


@pytest.mark.parametrize(("shape", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_what_the_clerk_cannot_see_is_a_finding_at_its_place(home, shape, expected):
    v = verdict(home, shaped(home, shape))
    assert found(v) == expected and v.status == "rejected"


def test_a_hidden_row_without_a_number_and_a_merged_title_are_no_finding(home):
    def shape(wb):
        wb["报表"].row_dimensions[10].hidden = True  # an indicator left blank, hidden: nothing unseen counts
    v = verdict(home, shaped(home, shape))
    assert found(v) == [] and v.status == "accepted"


def test_a_very_hidden_报表_never_wins_over_the_visible_return(home):
    """The visible table (renamed Sheet1) is what the clerk filled; a veryHidden 报表 beside it with other
    numbers used to be read instead."""
    def shape(wb):
        wb["报表"].title = "Sheet1"
        hidden = wb.copy_worksheet(wb["Sheet1"])
        hidden.title = "报表"
        hidden["E8"] = 999
        hidden.sheet_state = "veryHidden"
    v = verdict(home, shaped(home, shape))
    assert found(v) == [] and v.status == "accepted"
    assert v.read.ret.sheet == "Sheet1" and {x.indicator: x.value for x in v.checked.values}["DISPUTE"] == 6


@pytest.mark.slow
@f.needs_soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_hidden_rows_and_merged_values_saved_by_libreoffice(home, tmp_path, fmt):
    """.xls (xlrd's row records, calamine's merges) and .ods (content.xml) say the same."""
    def shape(wb):
        _hidden_row(wb)
        ws = wb["报表"]
        ws["E10"] = 4
        ws.merge_cells("E10:E11")
    v = verdict(home, f.converted(shaped(home, shape), fmt, tmp_path))
    assert v.read.sniffed.kind == fmt
    assert found(v) == [("E_HIDDEN_VALUE", "报表!E8"), ("E_MERGED_VALUE", "报表!E10")] and v.status == "rejected"


@pytest.mark.slow
@f.needs_soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_hidden_报表_in_xls_and_ods(home, tmp_path, fmt):
    v = verdict(home, f.converted(shaped(home, _hidden_return_only), fmt, tmp_path))
    assert found(v) == [("E_SHEET_HIDDEN", "报表")] and v.status == "rejected"
