"""Files saved by a real office suite (LibreOffice), as .xlsx, .xls and .ods: shared strings, cached
formula results, error cells — read back to the same values and findings."""
import pytest

from tasks.returns.validate import Context
from tasks.returns.verdict import check_bytes
from tests import files as f
from tests.helpers import TODAY, VILLAGE

pytestmark = [f.needs_soffice, pytest.mark.slow]
FORMATS = ("xlsx", "xls", "ods")
FILLED = {"TRAINING": 1, "DISPUTE": 73, "LEAFLET": 7260, "LAW_BOOK": 4150, "NORMATIVE_DOC": 3}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filled_template_round_trips(home, tmp_path, fmt):
    data = f.converted(f.to_bytes(f.workbook(home, values=FILLED, notes={"DISPUTE": "含邻里纠纷"})), fmt, tmp_path)
    verdict = check_bytes(data, Context(VILLAGE, home.registry, home.catalog, TODAY))
    assert verdict.read.sniffed.kind == fmt
    assert verdict.status == "accepted", verdict.findings
    assert {v.indicator: v.value for v in verdict.checked.values if v.value} == FILLED
    assert next(v.note for v in verdict.checked.values if v.indicator == "DISPUTE") == "含邻里纠纷"


@pytest.mark.parametrize("fmt", FORMATS)
def test_formulas_and_error_cells_saved_by_libreoffice(home, tmp_path, fmt):
    source = f.edited(home, {"E8": "=5+7", "E9": "=1/0"})
    data = f.converted(source, fmt, tmp_path)
    verdict = check_bytes(data, Context(VILLAGE, home.registry, home.catalog, TODAY))
    found = [(x.code, x.place) for x in verdict.findings]
    assert ("E_CELL_ERROR", "报表!E9") in found
    if fmt != "xls":  # BIFF keeps no mark we read for a formula whose result is a number
        assert ("W_FORMULA", "报表!E8") in found
    assert verdict.status == "rejected"


def test_wps_style_et_file_is_read_by_content(home, tmp_path):
    """WPS saves .et files that are .xls inside; the name is never trusted."""
    data = f.converted(f.edited(home, {}), "xls", tmp_path)
    target = tmp_path / "下汤村.et"
    target.write_bytes(data)
    verdict = check_bytes(target.read_bytes(), Context(VILLAGE, home.registry, home.catalog, TODAY))
    assert (verdict.read.sniffed.kind, verdict.status) == ("xls", "accepted")
