"""报告期 as clerks write it (DESIGN §3), and the working-day due dates of DESIGN §4."""
import datetime as dt

import pytest

from schemas.settings import CalendarSettings
from tasks.ledger.timeliness import due_date
from tasks.returns.periods import is_future, months_of, parse_period


@pytest.mark.parametrize("raw, period", [
    ("2024-03", "2024-03"), ("2024年3月", "2024-03"), ("2024.3", "2024-03"), ("2024/03", "2024-03"),
    ("2024年03月", "2024-03"), ("２０２４-０３", "2024-03"), (dt.datetime(2024, 3, 1), "2024-03"),
    (dt.date(2024, 3, 31), "2024-03"), ("2024-03-01", "2024-03"), (202403, "2024-03"), ("2024 年 3 月", "2024-03"),
])
def test_parse(raw, period):
    parsed = parse_period(raw)
    assert (parsed.period, parsed.error) == (period, None)


def test_a_number_cell_is_read_with_a_warning():
    parsed = parse_period(2024.03)
    assert (parsed.period, parsed.warning) == ("2024-03", "W_PERIOD_NUMBER")


@pytest.mark.parametrize("raw, error", [
    (None, "E_PERIOD_MISSING"), ("", "E_PERIOD_MISSING"), ("三月", "E_PERIOD_INVALID"),
    ("2024-13", "E_PERIOD_INVALID"), ("2024", "E_PERIOD_INVALID"), (True, "E_PERIOD_INVALID"),
])
def test_refused(raw, error):
    assert parse_period(raw).error == error


def test_future_means_after_the_current_month():
    today = dt.date(2024, 3, 15)
    assert not is_future("2024-03", today)
    assert not is_future("2024-02", today)
    assert is_future("2024-04", today)


def test_months_of():
    assert months_of("2024-03") == ["2024-03"]
    assert months_of("2024-Q1") == ["2024-01", "2024-02", "2024-03"]
    assert len(months_of("2024")) == 12
    with pytest.raises(ValueError):
        months_of("March")


def test_due_dates_follow_the_prc_calendar_with_adjusted_workdays():
    none = CalendarSettings()
    # September 2024 ends on a Monday; Oct 1–7 is the National Day holiday; Oct 8–11 are working days
    # and Saturday Oct 12 is a 调休 working day, so it is the fifth; Sunday Oct 13 is not.
    assert due_date("2024-09", 4, none).due == dt.date(2024, 10, 11)
    assert due_date("2024-09", 5, none).due == dt.date(2024, 10, 12)
    assert due_date("2024-09", 6, none).due == dt.date(2024, 10, 14)
    # January 2024: Feb 1 (Thu), Feb 2, Sunday Feb 4 (a 调休 working day before the Spring Festival), 5, 6.
    assert due_date("2024-01", 5, none).due == dt.date(2024, 2, 6)


def test_unknown_years_fall_back_to_weekends_and_declared_days():
    fallback = due_date("2030-01", 2, CalendarSettings())
    assert (fallback.due, fallback.calendar_known) == (dt.date(2030, 2, 4), False)
    declared = CalendarSettings(holidays=(dt.date(2030, 2, 1),))
    assert due_date("2030-01", 2, declared).due == dt.date(2030, 2, 5)
