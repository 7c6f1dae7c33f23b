"""Two ways a clerk's wrong month slips in as a right-looking return (issue 25): last month's file copied
and renamed for this month (the name says 2026-11, 报告期 still 2026-10), and a correction that is really
another month's figures (it would replace a stored month with numbers differing in most rows). Both are
提示 at the 报告期 cell: the return is stored as its 报告期 says, and the clerk is told what to check.

Pure: the file's name, its period, its values and what the ledger holds in, findings out.
"""
from __future__ import annotations

import re

from schemas.catalog import Catalog
from schemas.findings import Finding, finding
from tasks.returns.validate import Value

# 2026-11, 2026年11月, 2026.11, 2026_11, 202611 — a year not glued to other digits, a month not followed by
# a day (2026-11-05 is when it was saved, not which month it reports).
YEAR_MONTH = re.compile(r"(?<!\d)(20\d{2})\s*(?:[-年._/]\s*)?(0?[1-9]|1[0-2])(?![\d])(?!\s*[-./]\s*\d)")
MONTH_ONLY = re.compile(r"(?<![\d.\-/])(0?[1-9]|1[0-2])\s*月")
MOST = 0.5  # a correction changing more than this share of the rows that hold a number is flagged


def name_month(name: str) -> str | None:
    """The month a file's name states: '2026-11', or '11月' when it names a month but no year."""
    stem = name.rsplit(".", 1)[0]
    found = YEAR_MONTH.search(stem)
    if found:
        return f"{found.group(1)}-{int(found.group(2)):02d}"
    found = MONTH_ONLY.search(stem)
    return f"{int(found.group(1))}月" if found else None


def name_period_findings(name: str, period: str | None, place: str) -> list[Finding]:
    """A 提示 naming both when the month in the file's name is not its 报告期."""
    said = name_month(name)
    if period is None or said is None:
        return []
    same = said == period if "-" in said else int(said[:-1]) == int(period[5:])
    return [] if same else [finding("W_PERIOD_NAME", place, value=said, expected=period)]


def correction_findings(values: tuple[Value, ...], previous: dict[str, int] | None, period: str,
                        catalog: Catalog, place: str) -> list[Finding]:
    """A correction whose figures differ from the stored month's in most rows that hold a number: it may
    be another month's return; says which indicator changed most."""
    if previous is None:
        return []
    now = {v.indicator: v.value for v in values}
    rows = [code for code in {*now, *previous} if now.get(code, 0) or previous.get(code, 0)]
    changed = [code for code in rows if now.get(code, 0) != previous.get(code, 0)]
    if len(changed) < 2 or len(changed) <= MOST * len(rows):
        return []
    names = {i.code: i.name for i in catalog.indicators}
    top = max(changed, key=lambda code: (abs(now.get(code, 0) - previous.get(code, 0)), code))
    most = f"{names.get(top, top)}（{previous.get(top, 0)} → {now.get(top, 0)}）"
    return [finding("W_CORRECTION_MOST", place, value=period, parsed=len(changed), detail=len(rows), expected=most)]
