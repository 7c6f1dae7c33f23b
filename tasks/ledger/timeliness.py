"""When a month's return is due: N working days after the month ends, by the PRC calendar with 调休."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from schemas.settings import CalendarSettings
from tasks.returns.periods import period_end


@dataclass(frozen=True, slots=True)
class DueDate:
    due: dt.date
    calendar_known: bool  # False: the library lacks the year; weekends and declared days were used


def is_workday(day: dt.date, declared: CalendarSettings) -> tuple[bool, bool]:
    """(is a working day, the official calendar knew the year)."""
    if day in declared.workdays:
        return True, True
    if day in declared.holidays:
        return False, True
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:  # chinese-calendar knows only announced years (1.11: 2004–2026)
        return day.weekday() < 5, False


@lru_cache(maxsize=1024)
def due_date(period: str, working_days: int, declared: CalendarSettings) -> DueDate:
    day = period_end(period)
    known = True
    counted = 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        work, year_known = is_workday(day, declared)
        known = known and year_known
        counted += work
    return DueDate(day, known)


def is_late(submitted: dt.datetime, due: DueDate) -> bool:
    return submitted.date() > due.due
