"""Which indicators the ledger holds values of: what a township's catalog must keep whatever its
templates say (DESIGN §7.1: a home with stored returns keeps its indicators; the clerks' return lists
those with data this year)."""
from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from tasks.ledger.engine import sqlite_file
from tasks.ledger.migrate import read_ledger
from tasks.ledger.tables import STORED, return_values, submissions


def codes_held(url: str, archive: Path | None, periods: Collection[str] | None = None) -> frozenset[str]:
    """Codes of indicators some accepted return gave a value to (of `periods`, or of any period).
    A SQLite ledger not made yet holds none, and asking does not make it."""
    path = sqlite_file(make_url(url))
    if path is not None and (not os.path.exists(path) or os.path.getsize(path) == 0):
        return frozenset()
    query = (select(return_values.c.indicator).distinct()
             .join(submissions, submissions.c.id == return_values.c.submission_id)
             .where(submissions.c.status.in_(STORED),
                    (return_values.c.value != 0) | (return_values.c.raw != "")))
    if periods is not None:
        query = query.where(return_values.c.period.in_(list(periods)))
    with read_ledger(url, archive) as engine, engine.connect() as conn:
        return frozenset(code for (code,) in conn.execute(query))


def any_returns(url: str, archive: Path | None) -> bool:
    """Whether the ledger holds any accepted return at all (empty or not)."""
    path = sqlite_file(make_url(url))
    if path is not None and (not os.path.exists(path) or os.path.getsize(path) == 0):
        return False
    query = select(submissions.c.id).where(submissions.c.status.in_(STORED)).limit(1)
    with read_ledger(url, archive) as engine, engine.connect() as conn:
        return conn.execute(query).first() is not None
