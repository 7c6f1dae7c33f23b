"""The period summary (月/季/年): what was reported, who reported on time, what was wrong, whom to chase.

Everything comes from the ledger (submissions, findings, return_values) into a `PeriodSummary`
(`tasks/summaries/model.py`); `tasks/summaries/workbook.py` and `tasks/summaries/chase_notice.py` write
it out."""
from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.engine import Engine

from schemas.labels import LEVEL_LABELS, STATUS_LABELS
from schemas.registry import Unit
from schemas.registry_time import active_in, owner_of
from tasks.delivery.outbox import dated_paths, write_atomic
from tasks.home import Home
from tasks.ledger.aggregate import figures_for
from tasks.ledger.migrate import open_ledger
from tasks.ledger.tables import STORED, submissions
from tasks.ledger.tables import findings as findings_t
from tasks.ledger.timeliness import calendar_notice, due_date
from tasks.returns.periods import months_of, period_label
from tasks.summaries.chase_notice import notice_text
from tasks.summaries.model import Chase, PeriodSummary, SummaryFiles
from tasks.summaries.workbook import build_workbook

COUNTED = (*STORED, "superseded")  # a superseded version was accepted once: it counts for timeliness


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
    figures = figures_for(engine, list(months), home.catalog.stocks)
    with engine.connect() as conn:
        subs = conn.execute(select(submissions).where(submissions.c.period.in_(months))
                            .order_by(submissions.c.id)).all()
        ids = [s.id for s in subs]
        found = conn.execute(select(findings_t).where(findings_t.c.submission_id.in_(ids))
                             .order_by(findings_t.c.submission_id, findings_t.c.seq)).all() if ids else []
    registered = {u.code: u for u in home.registry.units}
    strangers = sorted({s.unit for s in subs} - set(registered))
    units = (*home.registry.units, *(Unit(code=c, name=c) for c in strangers))
    dues = {m: due_date(m, home.settings.due_working_days, home.settings.calendar) for m in months}
    due = {m: d.due for m, d in dues.items()}
    guessed = tuple(sorted({d.due.year for d in dues.values() if not d.calendar_known}))
    by_key: dict[tuple[str, str], list] = {}
    for s in subs:  # a merged unit's month sent by its successor is that unit's month (registry_time.py)
        by_key.setdefault((owner_of(home.registry, s.unit, s.declared_unit), s.period), []).append(s)
    states = {(u.code, m): unit_state(by_key.get((u.code, m), []), due[m], on)
              if u.code not in registered or active_in(u, m) or (u.code, m) in by_key else "absent"
              for u in units for m in months}
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
                         states, due, tuple(rows), chase, guessed)


def summary_files(home: Home, spec: str, on: dt.date) -> SummaryFiles:
    """The step: ledger → 汇总 workbook and 催报 notice in outbox/, dated, never over an older pair."""
    with open_ledger(home.database_url, home.archive) as engine:
        data = collect(home, engine, spec, on)
    title = f"{data.label}报表汇总"
    book, notice = dated_paths(home.outbox, on, (title, ".xlsx"), (f"{data.label}催报通知", ".txt"))
    text = notice_text(data)
    book.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    build_workbook(data, home.catalog).save(buffer)
    write_atomic(book, buffer.getvalue())
    write_atomic(notice, (text + "\n").encode("utf-8"))
    return SummaryFiles(title, book, notice, text, calendar_notice(data.calendar_years))
