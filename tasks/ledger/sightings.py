"""Files an ingest saw still being written, remembered from the first time it saw them (migration 0003):
a return dropped at 23:59 on the due day and taken by the next morning's run arrived on time."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from tasks.ledger.engine import write_transaction
from tasks.ledger.tables import sightings


def note_sightings(engine: Engine, seen: Iterable[tuple[str, str]], when: dt.datetime) -> int:
    """Remember (unit, name) pairs first seen at `when` (aware); pairs already remembered keep their
    earlier time. Returns how many were new. Two runs noting one file: the primary key keeps one."""
    pairs = sorted(set(seen))
    if not pairs:
        return 0
    moment = when.astimezone(dt.UTC).replace(tzinfo=None)
    with engine.connect() as conn:
        known = set(conn.execute(select(sightings.c.unit, sightings.c.name)
                                 .where(tuple_(sightings.c.unit, sightings.c.name).in_(pairs))).all())
    new = [{"unit": u, "name": n, "first_seen": moment} for u, n in pairs if (u, n) not in known]
    if not new:
        return 0
    try:
        with write_transaction(engine) as conn:
            conn.execute(insert(sightings), new)
    except IntegrityError:  # another run noted one of them in between: its time is as good
        return 0
    return len(new)
