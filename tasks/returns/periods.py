"""Reporting periods: parse what clerks type into 报告期, and the calendar facts about a period."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

TEXT_PERIOD = re.compile(r"^(\d{4})\s*(?:[-/.年]|年度)?\s*(\d{1,2})\s*(?:月份?)?$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True, slots=True)
class ParsedPeriod:
    period: str | None          # "2024-03"
    error: str | None = None    # E_PERIOD_MISSING / E_PERIOD_INVALID
    warning: str | None = None  # W_PERIOD_NUMBER


def month_key(year: int, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def parse_period(raw: object) -> ParsedPeriod:
    if raw is None or raw == "":
        return ParsedPeriod(None, "E_PERIOD_MISSING")
    if isinstance(raw, (dt.datetime, dt.date)):
        return _checked(month_key(raw.year, raw.month))
    if isinstance(raw, bool):
        return ParsedPeriod(None, "E_PERIOD_INVALID")
    if isinstance(raw, int):  # 202403
        return _checked(month_key(raw // 100, raw % 100) if raw > 9999 else None)
    if isinstance(raw, float):  # 2024.3 typed into a number cell; 2024.10 arrives as 2024.1 (ambiguous)
        year = int(raw)
        month = round((raw - year) * 100)
        if month % 10 == 0 and month > 9:
            month //= 10
        key = month_key(year, month)
        return ParsedPeriod(key, None if key else "E_PERIOD_INVALID", "W_PERIOD_NUMBER" if key else None)
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    if not text:
        return ParsedPeriod(None, "E_PERIOD_MISSING")
    if m := TEXT_PERIOD.match(text):
        return _checked(month_key(int(m[1]), int(m[2])))
    if m := YEAR_MONTH_DAY.match(text):
        return _checked(month_key(int(m[1]), int(m[2])))
    return ParsedPeriod(None, "E_PERIOD_INVALID")


def _checked(key: str | None) -> ParsedPeriod:
    return ParsedPeriod(key, None if key else "E_PERIOD_INVALID")


def period_year(period: str) -> int:
    return int(period[:4])


def period_start(period: str) -> dt.date:
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def period_end(period: str) -> dt.date:
    start = period_start(period)
    nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def is_future(period: str, today: dt.date) -> bool:
    """A period is in the future when it starts after the current month."""
    return period_start(period) > dt.date(today.year, today.month, 1)


def month_of(today: dt.date, offset: int = 0) -> str:
    """The month `offset` months from today's: -1 is the month units report now (their returns fall due
    early in the next), which hints show as the example instead of a fixed 2024-03."""
    index = today.year * 12 + today.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_ahead(period: str, today: dt.date) -> int:
    """How many months `period` lies after today's month (0 this month, negative before)."""
    return (int(period[:4]) - today.year) * 12 + int(period[5:7]) - today.month


def in_words(period: str) -> str:
    """2026-11 → 2026年11月."""
    return f"{int(period[:4])}年{int(period[5:7])}月"


class PeriodSpecError(ValueError):
    """A period an operator typed that names no month, quarter or year."""

    def __init__(self, spec: str):
        self.spec = spec
        super().__init__(f"报告期“{spec}”无法识别：请写成 2024-03（或 2024年3月）、2024-Q1 或 2024")


def months_of(spec: str) -> list[str]:
    """'2024-03' (also 2024年3月, 2024/3) → ['2024-03']; '2024-Q1' → Jan–Mar; '2024' → the twelve months."""
    text = unicodedata.normalize("NFKC", spec).strip().upper().removesuffix("年")
    if re.fullmatch(r"\d{4}", text) and month_key(int(text), 1):
        return [f"{text}-{m:02d}" for m in range(1, 13)]
    if (m := re.fullmatch(r"(\d{4})-?Q([1-4])", text)) and month_key(int(m[1]), 1):
        q = int(m[2])
        return [f"{m[1]}-{mm:02d}" for mm in range(3 * q - 2, 3 * q + 1)]
    if (m := TEXT_PERIOD.match(text.replace(" ", ""))) and (key := month_key(int(m[1]), int(m[2]))):
        return [key]
    raise PeriodSpecError(spec)



def period_label(spec: str) -> str:
    """2024 → 2024年, 2024-Q1 → 2024年第1季度, 2024-03 → 2024年3月: how a period workbook, an export and
    the console name a period."""
    months = months_of(spec)
    year = months[0][:4]
    if len(months) == 12:
        return f"{year}年"
    if len(months) == 3:
        return f"{year}年第{(int(months[0][5:]) + 2) // 3}季度"
    return f"{year}年{int(months[0][5:])}月"

def previous_month(today: dt.date) -> str:
    first = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def canonical_period(spec: str) -> str:
    """What an operator typed (2024年3月, 2024q1) as the flows' form: 2024-03, 2024-Q1 or 2024."""
    months = months_of(spec)
    if len(months) == 12:
        return months[0][:4]
    if len(months) == 3:
        return f"{months[0][:4]}-Q{(int(months[0][5:]) + 2) // 3}"
    return months[0]
