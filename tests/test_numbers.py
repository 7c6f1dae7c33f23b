"""What clerks type into a count cell (DESIGN §4): normalised with a warning, or refused with a reason."""
import datetime as dt

import pytest

from tasks.returns.numbers import parse_count


@pytest.mark.parametrize("raw, value, warnings", [
    (12, 12, ()), (12.0, 12, ()), ("12", 12, ()), (" 12 ", 12, ()), (0, 0, ()),
    ("１２", 12, ("W_FULLWIDTH",)), ("12次", 12, ("W_UNIT_SUFFIX",)), ("7,000", 7000, ("W_THOUSANDS",)),
    ("十二", 12, ("W_CHINESE_NUMERAL",)), ("一百零七", 107, ("W_CHINESE_NUMERAL",)),
    ("7,260份", 7260, ("W_UNIT_SUFFIX", "W_THOUSANDS")), ("１２次", 12, ("W_FULLWIDTH", "W_UNIT_SUFFIX")),
    ("12人次", 12, ("W_UNIT_SUFFIX",)), (12.0000000001, 12, ()), (1_000_000, 1_000_000, ()),
])
def test_accepted(raw, value, warnings):
    count = parse_count(raw, unit="次")
    assert (count.value, count.warnings, count.error) == (value, warnings, None)


@pytest.mark.parametrize("raw, error", [
    (-1, "E_NEGATIVE"), ("-3", "E_NEGATIVE"), (2.5, "E_FRACTION"), ("2.5", "E_FRACTION"),
    ("约70", "E_APPROX"), ("70余", "E_APPROX"), ("70多", "E_APPROX"), ("70左右", "E_APPROX"), ("近百", "E_APPROX"),
    ("见附件", "E_NOT_A_NUMBER"), ("很多", "E_APPROX"), ("无", "E_NOT_A_NUMBER"), ("abc", "E_NOT_A_NUMBER"),
    (True, "E_NOT_A_NUMBER"),
    (dt.datetime(2024, 3, 1), "E_NOT_A_NUMBER"), (1_000_001, "E_TOO_LARGE"), ("2,000,000", "E_TOO_LARGE"),
    (float("nan"), "E_NOT_A_NUMBER"),
])
def test_refused(raw, error):
    count = parse_count(raw, unit="次")
    assert count.value is None and count.error == error


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_is_no_value_and_no_finding(raw):
    count = parse_count(raw)
    assert (count.value, count.warnings, count.error) == (None, (), None)
