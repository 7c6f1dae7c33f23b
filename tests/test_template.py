"""The generated template (DESIGN §3): layout, dropdown, whole-number validation, 说明, protection."""
from openpyxl import load_workbook

from tasks.returns.read import read_return
from tasks.returns.validate import Context, validate
from tests.helpers import TODAY, VILLAGE, return_file


def test_layout_matches_the_contract(home, tmp_path):
    path = return_file(tmp_path / "t.xlsx", home, values={})
    wb = load_workbook(path)
    ws = wb["报表"]
    assert ws["A1"].value == "下汤镇法治建设工作月报表" and "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws[c].value for c in ("A2", "C2", "E2", "A3", "C3", "E3")] == ["填报单位", "单位代码", "报告期",
                                                                          "填报人", "联系电话", "报送日期"]
    assert (ws["B2"].value, ws["D2"].value, ws["F2"].value) == ("下汤村", VILLAGE, "2024-03")
    assert [ws.cell(row=5, column=c).value for c in range(1, 7)] == ["序号", "指标代码", "指标名称", "单位",
                                                                      "本期数量", "备注"]
    assert [ws.cell(row=6 + i, column=2).value for i in range(len(home.catalog.indicators))] == \
        [i.code for i in home.catalog.indicators]
    assert "说明" in wb.sheetnames


def test_dropdown_whole_numbers_and_protection(home, tmp_path):
    ws = load_workbook(return_file(tmp_path / "t.xlsx", home, values={}))["报表"]
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    last = 5 + len(home.catalog.indicators)
    assert str(rules["list"].sqref) == f"C6:C{last}"
    assert str(rules["whole"].sqref) == f"E6:E{last}"
    assert (rules["whole"].formula1, rules["whole"].formula2) == ("0", "1000000")
    assert ws.protection.sheet is True
    assert ws["B6"].protection.locked and not ws["E6"].protection.locked and not ws["F2"].protection.locked


def test_an_untouched_blank_template_is_refused_not_taken_as_zeros(home, tmp_path):
    result = read_return(return_file(tmp_path / "t.xlsx", home, values={}).read_bytes())
    checked = validate(result.ret, Context(VILLAGE, home.registry, home.catalog, TODAY))
    assert not checked.ok
    assert [(f.code, f.place) for f in checked.findings] == [("E_ALL_EMPTY", "报表")]
    assert "如本月确实都为 0，请填写 0 后重新报送" in checked.findings[0].hint
