"""One real file per validation rule (DESIGN §4): status and [(code, place)] of its findings."""
import pytest

from tasks.returns.read import read_return
from tasks.returns.validate import Context, validate
from tests.helpers import OTHER, TODAY, VILLAGE, return_file

LAST = 6 + 13  # first row after the 13 catalog indicators
FULL = {"TRAINING": 1, "DISPUTE": 6}

CASES = [
    ("clean", {}, VILLAGE, True, []),
    ("another unit's code in this folder", {}, OTHER, False, [("E_UNIT_MISMATCH", "报表!D2")]),
    ("unit code missing", {"D2": None}, VILLAGE, False, [("E_UNIT_CODE_MISSING", "报表!D2")]),
    ("unit code not registered", {"D2": "410423105999"}, VILLAGE, False, [("E_UNIT_UNKNOWN", "报表!D2")]),
    ("name differs, code matches", {"B2": "下汤村村委会"}, VILLAGE, True, [("W_UNIT_NAME_DIFFERS", "报表!B2")]),
    ("period missing", {"F2": None}, VILLAGE, False, [("E_PERIOD_MISSING", "报表!F2")]),
    ("period unreadable", {"F2": "三月份"}, VILLAGE, False, [("E_PERIOD_INVALID", "报表!F2")]),
    ("period in the future", {"F2": "2025-01"}, VILLAGE, False, [("E_PERIOD_FUTURE", "报表!F2")]),
    ("period as 2024年3月", {"F2": "2024年3月"}, VILLAGE, True, []),
    ("negative", {"E7": -1}, VILLAGE, False, [("E_NEGATIVE", "报表!E7")]),
    ("fraction", {"E7": 2.5}, VILLAGE, False, [("E_FRACTION", "报表!E7")]),
    ("approximate 约70", {"E8": "约70"}, VILLAGE, False, [("E_APPROX", "报表!E8")]),
    ("approximate 70余", {"E8": "70余"}, VILLAGE, False, [("E_APPROX", "报表!E8")]),
    ("approximate 70多", {"E8": "70多"}, VILLAGE, False, [("E_APPROX", "报表!E8")]),
    ("text", {"E8": "已完成"}, VILLAGE, False, [("E_NOT_A_NUMBER", "报表!E8")]),
    ("absurd size", {"E8": 2_000_000}, VILLAGE, False, [("E_TOO_LARGE", "报表!E8")]),
    ("unknown indicator", {f"C{LAST}": "乱写的指标", f"E{LAST}": 3}, VILLAGE, False,
     [("E_UNKNOWN_INDICATOR", f"报表!C{LAST}")]),
    ("full-width digits", {"E8": "１２"}, VILLAGE, True, [("W_FULLWIDTH", "报表!E8")]),
    ("a unit typed after the number", {"E8": "12起"}, VILLAGE, True, [("W_UNIT_SUFFIX", "报表!E8")]),
    ("thousands separator", {"E14": "7,000"}, VILLAGE, True, [("W_THOUSANDS", "报表!E14")]),
    ("Chinese numeral", {"E8": "十二"}, VILLAGE, True, [("W_CHINESE_NUMERAL", "报表!E8")]),
    ("every finding at once", {"E7": -1, "E8": "约70", "F2": "2025-01"}, VILLAGE, False,
     [("E_PERIOD_FUTURE", "报表!F2"), ("E_NEGATIVE", "报表!E7"), ("E_APPROX", "报表!E8")]),
]


@pytest.mark.parametrize("name, edits, folder, ok, expected", CASES, ids=[c[0] for c in CASES])
def test_rule(home, tmp_path, name, edits, folder, ok, expected):
    path = return_file(tmp_path / "r.xlsx", home, values=FULL, edits=edits)
    result = read_return(path.read_bytes())
    assert result.ret is not None, result.findings
    checked = validate(result.ret, Context(folder, home.registry, home.catalog, TODAY))
    assert [(f.code, f.place) for f in checked.findings] == expected
    assert checked.ok is ok


def test_values_keep_the_raw_text_beside_the_number(home, tmp_path):
    path = return_file(tmp_path / "r.xlsx", home, values=FULL, edits={"E8": "１２起"}, notes={"DISPUTE": "含邻里纠纷"})
    checked = validate(read_return(path.read_bytes()).ret, Context(VILLAGE, home.registry, home.catalog, TODAY))
    dispute = next(v for v in checked.values if v.indicator == "DISPUTE")
    assert (dispute.value, dispute.raw, dispute.place, dispute.note) == (12, "１２起", "报表!E8", "含邻里纠纷")


def test_a_folder_that_is_no_registered_unit(home, tmp_path):
    path = return_file(tmp_path / "r.xlsx", home, values=FULL)
    checked = validate(read_return(path.read_bytes()).ret, Context("999", home.registry, home.catalog, TODAY))
    assert ("E_FOLDER_UNREGISTERED", "文件") in [(f.code, f.place) for f in checked.findings]
    assert not checked.ok


def test_messages_are_chinese_with_the_value(home, tmp_path):
    path = return_file(tmp_path / "r.xlsx", home, values=FULL, edits={"E8": "约70"})
    checked = validate(read_return(path.read_bytes()).ret, Context(VILLAGE, home.registry, home.catalog, TODAY))
    assert checked.findings[0].message == "“约70”是约数，请填写准确数字"


def test_the_outlier_bounds_are_strict():
    """'More than 3 × the median and more than the floor': a value exactly at either bound is usual."""
    from tasks.returns.validate import Value, outlier_findings

    def flagged(value, history, floor=20):
        return [f.code for f in outlier_findings((Value("LEAFLET", value, str(value), "报表!E14"),),
                                                 {"LEAFLET": history}, 3.0, floor)]

    assert flagged(300, [100, 100, 100]) == [] and flagged(301, [100, 100, 100]) == ["W_OUTLIER"]
    assert flagged(20, [1, 1, 1]) == [] and flagged(21, [1, 1, 1]) == ["W_OUTLIER"]
