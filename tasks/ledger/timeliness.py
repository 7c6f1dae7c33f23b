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
        # A year the township declared days for in township.toml is its own to answer for.
        return day.weekday() < 5, any(d.year == day.year for d in (*declared.holidays, *declared.workdays))


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


def calendar_notice(years: tuple[int, ...]) -> str:
    """Said once per run to the operator (DESIGN §4) when a due date was reckoned without the holidays."""
    if not years:
        return ""
    named = "、".join(f"{y} 年" for y in sorted(set(years)))
    return (f"提示：节假日日历尚未收录 {named}，这些月份的截止日期暂按周末推算；如有法定节假日或调休，"
            "请在 township.toml 的 [calendar] 中登记")


def is_late(submitted: dt.datetime, due: DueDate) -> bool:
    return submitted.date() > due.due
