"""Property tests: whatever lands in a count cell yields a number or a finding at that cell's place —
never an exception."""
import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from schemas.findings import finding_specs
from tasks.returns.numbers import parse_count
from tasks.returns.validate import Context
from tasks.returns.verdict import check_bytes
from tests import files as f
from tests.helpers import TODAY, VILLAGE, make_home

ANYTHING = st.one_of(
    st.text(max_size=24), st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True),
    st.booleans(), st.none(), st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.from_regex(r"[约近]?[0-9０-９,，]{1,9}(余|多|次|起|份)?", fullmatch=True),
    st.from_regex(r"[零一二两三四五六七八九十百千万]{1,6}", fullmatch=True),
)


@given(ANYTHING)
@settings(max_examples=500, deadline=None)  # the first Chinese numeral imports cn2an (~0.25 s) inside an example
def test_parse_count_never_raises(raw):
    count = parse_count(raw, unit="起")
    if count.error is None:
        assert count.value is None or (isinstance(count.value, int) and 0 <= count.value <= 1_000_000)
    else:
        assert count.value is None and count.error in finding_specs()
    assert all(w in finding_specs() for w in count.warnings)


CELL_VALUES = st.one_of(
    st.text(max_size=16).filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s)),
    st.integers(min_value=-10**9, max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.booleans(), st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 1, 1)),
)


@given(value=CELL_VALUES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_cell_value_gives_a_number_or_a_finding_at_its_place(tmp_path_factory, value):
    home = make_home(tmp_path_factory.mktemp("prop") / "home")
    wb = f.workbook(home)
    cell = wb["报表"]["E8"]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # what a clerk typed stays what they typed
    buf = io.BytesIO()
    wb.save(buf)
    verdict = check_bytes(buf.getvalue(), Context(VILLAGE, home.registry, home.catalog, TODAY))
    at_cell = [x for x in verdict.findings if x.place == "报表!E8"]
    stored = [v for v in (verdict.checked.values if verdict.checked else ()) if v.indicator == "DISPUTE"]
    assert at_cell or stored
    if stored:
        assert isinstance(stored[0].value, int) and stored[0].value >= 0
