"""What a period summary holds: the values the workbook, the 催报 notice and the mail are made from.

Its own module so that the step that collects it (`period.py`) and those that write it out
(`workbook.py`, `chase_notice.py`) import it, never each other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from schemas.registry import Unit
from tasks.ledger.aggregate import Figures


@dataclass(frozen=True)
class Chase:
    period: str
    unit: Unit
    state: str          # missing | rejected | pending
    due: dt.date


@dataclass(frozen=True)
class PeriodSummary:
    township: str
    spec: str                                     # 2024-03, 2024-Q1, 2024
    label: str                                    # 2024年3月, 2024年第1季度, 2024年
    months: tuple[str, ...]
    on: dt.date
    figures: Figures
    units: tuple[Unit, ...]                       # registry order, then any unit only the ledger knows
    states: dict[tuple[str, str], str]            # (unit code, period) → a key of STATE_LABELS
    due: dict[str, dt.date]                       # period → due date
    findings: tuple[dict, ...]                    # one per finding, with its submission's facts
    chase: tuple[Chase, ...]
    calendar_years: tuple[int, ...] = ()          # due dates' years the holiday calendar did not know


@dataclass(frozen=True)
class SummaryFiles:
    title: str       # 2024年3月报表汇总: the mail's subject when delivered
    workbook: Path
    notice: Path
    text: str        # the 催报 notice, ready to paste
    remark: str = "" # for the operator only: due dates reckoned without the holiday calendar
