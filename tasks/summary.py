"""The period summary (月/季/年): what was reported, who reported on time, what was wrong, whom to chase.

Everything comes from the ledger (submissions, findings, return_values); the workbook and the notice
are written by tasks/workbook.py and tasks/chase.py.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from schemas.registry import Unit
from tasks.aggregate import Figures, figures_for
from tasks.db import STORED, findings as findings_t, make_engine, migrate, submissions
from tasks.home import Home, open_home
from tasks.outbox import dated_paths
from tasks.periods import months_of
from tasks.timeliness import due_date

# A unit's state for one month, as the operator chases it.
STATES = {"on_time": "按时", "late": "逾期", "rejected": "退回", "missing": "未报", "pending": "未到期"}
COUNTED = (*STORED, "superseded")  # a superseded version was accepted once: it counts for timeliness
STATUS_LABELS = {"accepted": "已接收", "accepted_with_warnings": "已接收（有提示）", "rejected": "已退回",
                 "duplicate": "重复报送", "superseded": "已被更正"}
LEVEL_LABELS = {"error": "错误", "warning": "提示", "info": "说明"}


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
    states: dict[tuple[str, str], str]            # (unit code, period) → a key of STATES
    due: dict[str, dt.date]                       # period → due date
    findings: tuple[dict, ...]                    # one per finding, with its submission's facts
    chase: tuple[Chase, ...]


@dataclass(frozen=True)
class SummaryFiles:
    title: str       # 2024年3月报表汇总: the mail's subject when delivered
    workbook: Path
    notice: Path
    text: str        # the 催报 notice, ready to paste


def period_label(spec: str) -> str:
    months = months_of(spec)
    year = months[0][:4]
    if len(months) == 12:
        return f"{year}年"
    if len(months) == 3:
        return f"{year}年第{(int(months[0][5:]) + 2) // 3}季度"
    return f"{year}年{int(months[0][5:])}月"


def unit_state(rows: list, due: dt.date, on: dt.date) -> str:
    """rows: this unit's submissions for one month, oldest first."""
    counted = [r for r in rows if r.status in COUNTED]
    if counted:
        return "late" if counted[0].late else "on_time"
    if any(r.status == "rejected" for r in rows):
        return "rejected"
    return "missing" if on > due else "pending"


def collect(home: Home, engine: Engine, spec: str, on: dt.date) -> PeriodSummary:
    months = tuple(months_of(spec))
    figures = figures_for(engine, list(months))
    with engine.connect() as conn:
        subs = conn.execute(select(submissions).where(submissions.c.period.in_(months))
                            .order_by(submissions.c.id)).all()
        ids = [s.id for s in subs]
        found = conn.execute(select(findings_t).where(findings_t.c.submission_id.in_(ids))
                             .order_by(findings_t.c.submission_id, findings_t.c.seq)).all() if ids else []
    registered = {u.code: u for u in home.registry.units}
    strangers = sorted({s.unit for s in subs} - set(registered))
    units = (*home.registry.units, *(Unit(code=c, name=c) for c in strangers))
    due = {m: due_date(m, home.settings.due_working_days, home.settings.calendar).due for m in months}
    by_key: dict[tuple[str, str], list] = {}
    for s in subs:
        by_key.setdefault((s.unit, s.period), []).append(s)
    states = {(u.code, m): unit_state(by_key.get((u.code, m), []), due[m], on) for u in units for m in months}
    names = {u.code: u.name for u in units}
    sub_of = {s.id: s for s in subs}
    rows = []
    for f in found:
        s = sub_of[f.submission_id]
        rows.append({"unit": s.unit, "name": names.get(s.unit, ""), "period": s.period, "file": s.original_name,
                     "status": STATUS_LABELS.get(s.status, s.status), "level": LEVEL_LABELS.get(f.level, f.level),
                     "place": f.place, "message": f.message, "hint": f.hint})
    chase = tuple(Chase(m, u, states[(u.code, m)], due[m]) for m in months for u in units
                  if u.code in registered and states[(u.code, m)] in ("missing", "rejected", "pending"))
    return PeriodSummary(home.registry.township.name, spec, period_label(spec), months, on, figures, units,
                         states, due, tuple(rows), chase)


def period_summary(root: Path, spec: str, on: dt.date) -> SummaryFiles:
    """The step: ledger → 汇总 workbook and 催报 notice in outbox/, dated, never over an older pair."""
    from tasks.chase import notice_text
    from tasks.workbook import build_workbook

    home = open_home(root)
    engine = make_engine(home.database_url)
    try:
        migrate(engine)
        data = collect(home, engine, spec, on)
    finally:
        engine.dispose()
    title = f"{data.label}报表汇总"
    book, notice = dated_paths(home.outbox, on, (title, ".xlsx"), (f"{data.label}催报通知", ".txt"))
    text = notice_text(data)
    book.parent.mkdir(parents=True, exist_ok=True)
    tmp = book.with_name(f".{book.name}.{os.getpid()}.tmp")
    build_workbook(data, home.catalog).save(tmp)
    tmp.replace(book)
    notice.write_text(text + "\n", encoding="utf-8")
    return SummaryFiles(title, book, notice, text)
