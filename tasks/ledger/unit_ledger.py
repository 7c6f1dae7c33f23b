"""What the ledger holds for one unit, read once per job instead of once per file: its rows by content
hash (duplicates, resumed drops), the stored version of each period (corrections) and its stored values
by period (outliers). One unit is written by one process at a time (per-unit jobs and locks), so the
picture stays true while the job keeps it up to date; the unique indexes catch anything else."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.engine import Connection

from tasks.ledger.tables import STORED, findings, return_values, sightings, submissions

# A refusal as unreadable may be a crash of ours, not the file's fault: such a row is judged again.
UNREADABLE = exists().where(and_(findings.c.submission_id == submissions.c.id, findings.c.code == "E_UNREADABLE"))
UNIT_ROWS = select(submissions.c.id, submissions.c.sha256, submissions.c.status, submissions.c.version,
                   submissions.c.period, submissions.c.original_name, submissions.c.stage,
                   submissions.c.submitted_at, submissions.c.received_at, submissions.c.receipt_path,
                   submissions.c.declared_unit, UNREADABLE.label("unreadable")).where(
    submissions.c.unit == bindparam("unit"), submissions.c.status != "duplicate").order_by(submissions.c.id)
UNIT_VALUES = (select(return_values.c.period, return_values.c.indicator, return_values.c.value)
               .join(submissions, submissions.c.id == return_values.c.submission_id)
               .where(submissions.c.unit == bindparam("unit"), submissions.c.status.in_(STORED)))

UNIT_SIGHTINGS = select(sightings.c.name, sightings.c.first_seen).where(sightings.c.unit == bindparam("unit"))


@dataclass
class Held:
    id: int
    status: str
    version: int | None
    period: str | None
    original_name: str
    stage: str
    submitted_at: dt.datetime
    received_at: dt.datetime
    receipt_path: str
    unreadable: bool = False    # refused as unreadable: judged again when dropped again

    @property
    def judged_again(self) -> bool:
        """A finished refusal as unreadable (a reader's crash may have been ours): never a duplicate."""
        return self.unreadable and self.status == "rejected" and self.stage == "done"


@dataclass
class UnitLedger:
    unit: str
    by_sha: dict[str, Held] = field(default_factory=dict)
    current: dict[str, Held] = field(default_factory=dict)          # period → its stored row
    values: dict[str, dict[str, int]] = field(default_factory=dict)  # period → indicator → stored value
    seen: dict[str, dt.datetime] = field(default_factory=dict)       # name → first seen settling (UTC)
    # the months of the units merged into this one (schemas/registry_time.py): its history, summed per month
    inherited: dict[str, dict[str, int]] = field(default_factory=dict)
    predecessors: tuple[str, ...] = ()
    theirs: dict[tuple[str, str], Held] = field(default_factory=dict)  # (predecessor, period) → its stored row

    @classmethod
    def load(cls, conn: Connection, unit: str, predecessors: tuple[str, ...] = ()) -> UnitLedger:
        """predecessors: the units whose months are this one's history (merged into it, renamed to it)."""
        ledger = cls(unit, predecessors=tuple(predecessors))
        for code in predecessors:
            for period, indicator, value in conn.execute(UNIT_VALUES, {"unit": code}):
                per = ledger.inherited.setdefault(period, {})
                per[indicator] = per.get(indicator, 0) + value
            for r in conn.execute(UNIT_ROWS, {"unit": code}):  # their months' rows: a correction replaces one
                if r.status in STORED and r.period:
                    ledger.theirs[(code, r.period)] = _held(r)
        for r in conn.execute(UNIT_ROWS, {"unit": unit}):
            held = _held(r)
            ledger.by_sha[r.sha256] = held
            if r.status in STORED and r.period and r.declared_unit in ledger.predecessors:
                ledger.theirs[(r.declared_unit, r.period)] = held  # a merged unit's month, sent by this one
            elif r.status in STORED and r.period:
                ledger.current[r.period] = held
        for period, indicator, value in conn.execute(UNIT_VALUES, {"unit": unit}):
            ledger.values.setdefault(period, {})[indicator] = value
        for name, first_seen in conn.execute(UNIT_SIGHTINGS, {"unit": unit}):
            ledger.seen[name] = first_seen
        return ledger

    def history(self, before_period: str) -> dict[str, list[int]]:
        """Stored values of earlier periods, per indicator."""
        out: dict[str, list[int]] = {}
        for period in sorted(set(self.values) | set(self.inherited)):
            if period < before_period:
                # a merged unit's month and the successor's own (if it reported then) are one village's now
                per = dict(self.inherited.get(period, {}))
                for indicator, value in self.values.get(period, {}).items():
                    per[indicator] = per.get(indicator, 0) + value
                for indicator, value in per.items():
                    out.setdefault(indicator, []).append(value)
        return out

    def stored_for(self, owner: str, period: str) -> Held | None:
        """The stored row of `owner`'s `period`: this unit's own, or a merged unit's (`theirs`)."""
        return self.current.get(period) if owner == self.unit else self.theirs.get((owner, period))

    def top_version(self, period: str) -> int:
        """The highest version this unit's rows hold for `period` (the ledger's key is unit, period, version)."""
        return max((h.version or 0 for h in self.by_sha.values() if h.period == period), default=0)

    def note(self, sha256: str, held: Held, values: dict[str, int] | None, owner: str = "") -> None:
        """Keep the picture true after this job wrote a row."""
        if held.status == "duplicate":
            return
        self.by_sha[sha256] = held
        if owner and owner != self.unit:
            if held.status in STORED and held.period:
                if (previous := self.theirs.get((owner, held.period))) is not None:
                    previous.status = "superseded"
                self.theirs[(owner, held.period)] = held
            return
        if held.status in STORED and held.period:
            previous = self.current.get(held.period)
            if previous is not None:
                previous.status = "superseded"
            self.current[held.period] = held
            self.values[held.period] = dict(values or {})


def _held(r) -> Held:
    return Held(r.id, r.status, r.version, r.period, r.original_name, r.stage, r.submitted_at, r.received_at,
                r.receipt_path, bool(r.unreadable))
