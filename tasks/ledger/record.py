"""The submissions ledger: one transaction per file decides duplicate / correction / rejection and
writes the ledger row, its findings and its values together — all of a file, or nothing of it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from schemas.findings import Finding, finding, worst_level
from tasks.ledger.engine import write_transaction
from tasks.ledger.tables import STORED, return_values, sightings, submissions
from tasks.ledger.tables import findings as findings_t
from tasks.ledger.unit_ledger import Held, UnitLedger
from tasks.returns.validate import Value, outlier_findings


@dataclass(frozen=True)
class Arrival:
    """A file taken from the inbox, with everything the ledger needs to know about it."""
    unit: str
    original_name: str
    sha256: str
    size: int
    format: str
    received_at: dt.datetime      # UTC
    submitted_at: dt.datetime     # UTC (the file's mtime: the clerk's clock, kept as information)
    archive_path: str
    receipt_path: str
    declared_unit: str = ""
    period: str | None = None
    late: bool | None = None
    due_date: dt.date | None = None
    arrived_at: dt.datetime | None = None  # UTC: when it came into the inbox; lateness is judged by it


@dataclass(frozen=True)
class Recorded:
    submission_id: int
    status: str                    # accepted | accepted_with_warnings | rejected | duplicate
    version: int | None
    findings: tuple[Finding, ...]
    receipt_path: str
    corrected: bool = False        # this version superseded an earlier one
    resumed: bool = False          # the ledger already had this very drop (a crash left it half done)


# Statements built once (immutable values, not state): building a select() costs more than running it.
# Many rows by one statement, their ids returned in the order given (SQLAlchemy's insertmanyvalues).
INSERT_SUBMISSIONS = insert(submissions).returning(submissions.c.id, sort_by_parameter_order=True)
INSERT_VALUES = insert(return_values)
INSERT_FINDINGS = insert(findings_t)
SUPERSEDE = update(submissions).where(submissions.c.id == bindparam("old")).values(
    status="superseded", superseded_by=bindparam("new"))
FORGET_SIGHTING = delete(sightings).where(sightings.c.unit == bindparam("u"), sightings.c.name == bindparam("n"))
FINDINGS_OF = select(findings_t).where(findings_t.c.submission_id == bindparam("sid")).order_by(findings_t.c.seq)


@dataclass(frozen=True)
class Plan:
    """What the ledger will record for a file, decided from what it already holds."""
    status: str                          # accepted | accepted_with_warnings | rejected | duplicate
    version: int | None
    findings: tuple[Finding, ...]
    resumed: Recorded | None = None      # this very drop is already recorded: nothing to write
    duplicate_of: int | None = None
    supersedes: int | None = None
    retires: int | None = None           # an earlier refusal of these bytes as unreadable, superseded by this
    owner: str = ""                      # whose figures: a merged unit's, for its month sent by its successor


def plan(ledger: UnitLedger, conn: Connection, arrival: Arrival, values: tuple[Value, ...] | None,
         found: tuple[Finding, ...], outliers: tuple[float, int] | None = None, tz: dt.tzinfo = dt.UTC) -> Plan:
    """From what the unit's ledger holds; reads the database (in a transaction of its own on `conn`) only
    to resume a recorded drop. values is
    None when the file was refused outright. outliers=(factor, floor): warn on values far above the
    unit's own earlier months. tz: the township's, for the times the notes tell the clerk."""
    existing = ledger.by_sha.get(arrival.sha256)
    retired = None
    if existing is not None and existing.judged_again:
        existing, retired = None, existing.id  # refused for a reader's crash: judged afresh, not a duplicate
    if existing is not None:
        same_drop = existing.original_name == arrival.original_name and (
            existing.stage != "done" or existing.submitted_at == arrival.submitted_at)
        if same_drop:  # a run interrupted after its commit, or a second worker on the same file
            with conn.begin():
                recorded = _findings_of(conn, existing.id)
            return Plan(existing.status, existing.version, (), resumed=Recorded(
                existing.id, existing.status, existing.version, recorded, existing.receipt_path,
                resumed=True))
        note = finding("I_DUPLICATE", expected=f"{local(existing.received_at, tz)}（{existing.original_name}）")
        return Plan("duplicate", None, (note,), duplicate_of=existing.id)
    if values is None or arrival.period is None or worst_level(list(found)) == "error":
        return Plan("rejected", None, found, retires=retired)
    if outliers and any(v.value > outliers[1] for v in values):  # else no value can be one
        found = (*found, *outlier_findings(values, ledger.history(arrival.period), *outliers))
    status = "accepted_with_warnings" if worst_level(list(found)) == "warning" else "accepted"
    # The stored version is the newest: superseded ones are older, refused ones have none.
    owner = arrival.declared_unit if arrival.declared_unit in ledger.predecessors else arrival.unit
    previous = ledger.stored_for(owner, arrival.period)
    # a merged unit's month through its successor: a version no row of the successor's holds yet
    first = ledger.top_version(arrival.period) + 1 if owner != arrival.unit else 1
    if previous is None:
        return Plan(status, first, found, retires=retired, owner=owner)
    version = max(previous.version + 1, first)
    note = finding("I_CORRECTION", value=arrival.period, parsed=version, expected=local(previous.received_at, tz))
    return Plan(status, version, (*found, note), supersedes=previous.id, retires=retired, owner=owner)


def local(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """A ledger time (naive UTC) as the clerk's clock shows it."""
    return f"{moment.replace(tzinfo=dt.UTC).astimezone(tz):%Y-%m-%d %H:%M}"


def write(conn: Connection, arrival: Arrival, values: tuple[Value, ...] | None, p: Plan,
          ledger: UnitLedger | None = None) -> Recorded:
    """Writes only, within the caller's write transaction: the row, its findings, its values; then
    keeps `ledger` true."""
    if p.resumed is not None:
        return p.resumed
    group = GroupWrite(conn)
    group.add(arrival, values, p, ledger)
    return group.flush()[0]


PENDING = -1  # the id of a row added to a GroupWrite and not yet inserted (real ids start at 1)


@dataclass
class GroupWrite:
    """Several files' rows, within the caller's write transaction, by one statement per table: per file
    and statement, SQLAlchemy's execution cost more than SQLite's work (measured: ~0.2 ms a file as
    three or four statements of its own). Each file's rows go into its unit's ledger at once, with the
    id PENDING until `flush` inserts them; a plan must never point at a PENDING row (`refers_to_pending`:
    flush first, then plan)."""
    conn: Connection
    items: list[tuple[Arrival, tuple[Value, ...] | None, Plan, Held | None]] = field(default_factory=list)
    done: list[Recorded] = field(default_factory=list)

    def add(self, arrival: Arrival, values: tuple[Value, ...] | None, p: Plan, ledger: UnitLedger | None) -> None:
        held = None
        if p.resumed is None:
            if ledger is not None and arrival.original_name in ledger.seen:  # taken now: a later file of this name is new
                self.conn.execute(FORGET_SIGHTING, {"u": arrival.unit, "n": arrival.original_name})
                del ledger.seen[arrival.original_name]
            held = Held(PENDING, p.status, p.version, arrival.period, arrival.original_name, "stored",
                        arrival.submitted_at, arrival.received_at, arrival.receipt_path)
            if ledger is not None:
                ledger.note(arrival.sha256, held, {v.indicator: v.value for v in values} if values else None,
                            p.owner)
        self.items.append((arrival, values, p, held))

    def flush(self) -> list[Recorded]:
        """Insert what was added since the last flush; every added file's Recorded, in the order added."""
        items, self.items = self.items, []
        new = [(a, values, p, held) for a, values, p, held in items if held is not None]
        if new:
            self._insert(new)
        self.done += [p.resumed if held is None else
                      Recorded(held.id, p.status, p.version, p.findings, a.receipt_path,
                               corrected=p.supersedes is not None)
                      for a, _values, p, held in items]
        return self.done

    def _insert(self, new: list[tuple[Arrival, tuple[Value, ...] | None, Plan, Held]]) -> None:
        conn = self.conn
        retired = [{"old": p.retires, "new": None} for _a, _v, p, _h in new if p.retires is not None]
        if retired:  # out of the unique index first, then pointed at their successors below
            conn.execute(SUPERSEDE, retired)
        ids = conn.execute(INSERT_SUBMISSIONS, [_row(a, p) for a, _v, p, _h in new]).scalars().all()
        found, replaced, stored = [], [], []
        for (a, values, p, held), sid in zip(new, ids, strict=True):
            held.id = sid
            found += [{"submission_id": sid, "seq": i, "code": f.code, "level": f.level, "place": f.place,
                       "message": f.message, "hint": f.hint, "value": f.value} for i, f in enumerate(p.findings)]
            replaced += [{"old": old, "new": sid} for old in (p.supersedes, p.retires) if old is not None]
            if values and p.status in STORED:
                stored += [{"submission_id": sid, "unit": p.owner or a.unit, "period": a.period, "indicator": v.indicator,
                            "value": v.value, "raw": v.raw, "place": v.place, "note": v.note} for v in values]
        for statement, rows in ((INSERT_FINDINGS, found), (SUPERSEDE, replaced), (INSERT_VALUES, stored)):
            if rows:
                conn.execute(statement, rows)


def refers_to_pending(ledger: UnitLedger, arrival: Arrival) -> bool:
    """Whether planning this file would look at a row a GroupWrite has not inserted yet (the same bytes,
    or the stored version of its period): its id is not known until the group is flushed."""
    held = ledger.by_sha.get(arrival.sha256)
    current = ledger.current.get(arrival.period) if arrival.period else None
    theirs = [h for (_, period), h in ledger.theirs.items() if period == arrival.period]
    return any(h is not None and h.id == PENDING for h in (held, current, *theirs))


def _row(a: Arrival, p: Plan) -> dict:
    return {"unit": a.unit, "declared_unit": a.declared_unit, "period": a.period, "version": p.version,
            "sha256": a.sha256, "original_name": a.original_name, "size": a.size, "format": a.format,
            "received_at": a.received_at, "submitted_at": a.submitted_at, "arrived_at": a.arrived_at,
            "status": p.status, "late": a.late, "due_date": a.due_date, "archive_path": a.archive_path,
            "receipt_path": a.receipt_path, "stage": "stored", "duplicate_of": p.duplicate_of}


def _findings_of(conn: Connection, sid: int) -> tuple[Finding, ...]:
    rows = conn.execute(FINDINGS_OF, {"sid": sid}).all()
    return tuple(Finding(r.code, r.level, r.place, r.message, r.hint, r.value) for r in rows)


def mark_done(engine: Engine, ids: list[int]) -> None:
    if not ids:
        return
    with write_transaction(engine) as conn:
        conn.execute(update(submissions).where(submissions.c.id.in_(ids)).values(stage="done"))


def unfinished(engine: Engine):
    """Ledger rows whose receipt or inbox removal may not have happened (a crash came between)."""
    with engine.connect() as conn:
        return conn.execute(select(submissions).where(submissions.c.stage != "done")
                            .order_by(submissions.c.id)).all()


def findings_of(engine: Engine, sid: int) -> tuple[Finding, ...]:
    with engine.connect() as conn:
        return _findings_of(conn, sid)
