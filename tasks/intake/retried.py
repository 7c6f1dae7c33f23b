"""A retried batch step's memory: the files its earlier attempt of the same run answered have left the
inbox, so this attempt does not see them; the ledger does (rows of this run carry its time), and the
run's tally counts them once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tasks.home import Home
from tasks.intake.discover import Dropped
from tasks.intake.steps import FileOutcome, naive_utc
from tasks.ledger.engine import make_engine
from tasks.ledger.record import findings_of
from tasks.ledger.tables import submissions


def answered_in_run(home: Home, gone: list[Dropped], now: dt.datetime) -> list[FileOutcome]:
    """The outcomes this run (its `now`) recorded for these files, which are no longer in the inbox."""
    wanted = {(d.unit, d.name, d.size) for d in gone}
    query = select(submissions).where(submissions.c.received_at == naive_utc(now),
                                      submissions.c.unit.in_(sorted({d.unit for d in gone})))
    engine = make_engine(home.database_url)
    try:
        with engine.connect() as conn:
            rows = [r for r in conn.execute(query) if (r.unit, r.original_name, r.size) in wanted]
        return [FileOutcome(r.unit, r.original_name, r.status, r.period, r.id, r.receipt_path, r.late,
                            findings_of(engine, r.id), corrected=bool(r.version and r.version > 1))
                for r in rows]
    finally:
        engine.dispose()
