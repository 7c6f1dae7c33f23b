"""One dropped file through the intake, each step ordered so a crash at any instant leaves a state the
next run completes (issue 6):

  take the bytes (`arrive`: judge them, copy the original into the archive) → one transaction
  (`record_file`: ledger row + findings + values) → [one flush of the ledger, by the job] → the receipt
  (temp + rename) → remove the file from the inbox (`answer` does the last three for a lone file).

Every step inside the unit's folder goes through it (`tasks/intake/unit_folder.py`): the bytes judged
are those of the file discovery listed, and only that file is removed.

A job of many files (`tasks/intake/job.py`) runs these in a limited child; `tasks/intake/reconcile.py`
finishes whatever a crash interrupted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import signal
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from schemas.findings import FILE_PLACE, Finding, finding
from schemas.catalog import Catalog
from schemas.settings import Limits
from tasks.home import Home
from tasks.intake.archive import archive_path, sha256_of, write_durably
from tasks.intake.discover import Dropped, last_change
from tasks.intake.period_checks import correction_findings, name_period_findings
from tasks.intake.receipt import ReceiptInfo, free_receipt_name, write_receipt
from tasks.intake.receipt_source import source_text
from tasks.intake.unit_folder import Ident, UnitFolder
from tasks.ledger.engine import flush_ledger, writing
from tasks.ledger.readback import read_back
from tasks.ledger.record import Arrival, GroupWrite, Plan, Recorded, plan, refers_to_pending, write
from tasks.ledger.timeliness import DueDate, due_date, is_late
from tasks.ledger.unit_ledger import UnitLedger
from tasks.returns.guard import max_file_bytes, too_large
from tasks.returns.judge import judge
from tasks.returns.read import RawReturn
from tasks.returns.periods import period_year
from tasks.returns.validate import Context, Value
from tasks.returns.verdict import OVERSIZE, Verdict, refused


@dataclass(frozen=True)
class Arrived:
    """A dropped file judged and archived, ready for its transaction."""
    dropped: Dropped
    sha256: str          # of the content; for a file too large to read, of its identity (`oversize_key`)
    size: int
    verdict: Verdict
    archive: Path | None  # None: too large, refused without a copy
    ident: Ident | None = None  # the file read: only it is removed from the inbox


@dataclass(frozen=True)
class FileOutcome:
    unit: str
    name: str
    status: str
    period: str | None
    submission_id: int
    receipt: str
    late: bool | None
    findings: tuple[Finding, ...]
    corrected: bool = False
    calendar_guessed: int | None = None  # the due date's year, when the holiday calendar did not know it


def arrive(dropped: Dropped, folder: UnitFolder, ctx: Context, limits: Limits, archive: Path, wall: float,
           settle_seconds: float, alarm: float | None = None, durable: bool = True) -> Arrived | None:
    """None: the file vanished, changed or was replaced since it was listed, is locked by an open Excel,
    or is a broken zip that may still be arriving — the next run looks again. alarm: in a reading child
    only, seconds after which SIGALRM ends the child if a reader hangs (a native call cannot be
    interrupted). durable=False: the caller makes the archive copies durable at once, before any
    transaction. A file over the size limit is refused from its size alone: never read, never copied."""
    taken = folder.take(dropped.where, max_file_bytes(limits), dropped.ident)
    if taken is None or (dropped.ident is None and (taken.ident.size, taken.mtime) != (dropped.size, dropped.mtime)):
        return None
    if taken.data is None:
        return Arrived(dropped, oversize_key(taken.ident), taken.ident.size,
                       refused(OVERSIZE, too_large(taken.ident.size, limits) or ""), None, taken.ident)
    data = taken.data
    if alarm:
        signal.setitimer(signal.ITIMER_REAL, alarm)  # no handler: the default action ends the process
    try:
        verdict = judge(data, ctx, limits)
    finally:  # a judge that raised must not leave the timer to kill this kept worker amid other files
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
    changed = last_change(taken.mtime, taken.ctime, wall)
    young = changed is not None and wall - changed < max(2 * settle_seconds, 60)
    if young and any(f.code == "E_CORRUPT" for f in verdict.findings):
        return None  # "incomplete, try later" rather than "corrupt"
    sha = sha256_of(data)
    return Arrived(dropped, sha, len(data), verdict,
                   keep_original(archive, data, sha, verdict, dropped.unit, ctx.today.year, durable), taken.ident)


def keep_original(archive: Path, data: bytes, sha: str, verdict: Verdict, unit: str, this_year: int,
                  durable: bool = True) -> Path:
    """The archive copy: archive/<year of the period>/<unit>/<sha256>.<format>, never overwritten."""
    period = verdict.checked.period if verdict.checked else None
    if any(f.code == "E_PERIOD_FUTURE" for f in verdict.findings):
        period = None  # refused for a month not yet come: kept under this year, no year folder made for it
    dest = archive_path(archive, period_year(period) if period else this_year, unit, sha, verdict.read.sniffed.kind)
    if not (dest.exists() and dest.stat().st_size == len(data)):  # never overwritten: same name, same bytes
        write_durably(dest, data, sync=durable)
    return dest


def oversize_key(ident: Ident) -> str:
    """The ledger's key for a file too large to read: its identity, so a rerun finds the same row."""
    return hashlib.sha256(f"oversize:{ident.dev}:{ident.ino}:{ident.size}:{ident.mtime_ns}".encode()).hexdigest()


def record_file(arrived: Arrived, home: Home, conns: tuple[Connection, Connection], ledger: UnitLedger,
                now: dt.datetime, folder: UnitFolder, promised: set[tuple[str, str]] | None = None
                ) -> tuple[FileOutcome, ReceiptInfo]:
    """Plan from what the unit's ledger holds, then one write transaction for the file: the write lock
    is held only for the writes. Returns the outcome and its receipt. promised: receipt names, (unit,
    name), given to files whose receipts are not written yet. A job writes many files a transaction
    instead (`tasks/intake/job.py`: `prepare`, a `GroupWrite`, then `finish`)."""
    reader, writer = conns
    prepared = prepare(arrived, home, reader, ledger, now, folder, promised)
    with writing(writer):
        rec = write(writer, prepared.arrival, prepared.values, prepared.plan, ledger)
    return finish(prepared, rec, home)


@dataclass(frozen=True)
class Prepared:
    """A file as the ledger will record it: its row, its values, the plan, its due date."""
    arrived: Arrived
    arrival: Arrival
    values: tuple[Value, ...] | None
    plan: Plan
    due: DueDate | None


def prepare(arrived: Arrived, home: Home, reader: Connection, ledger: UnitLedger, now: dt.datetime,
            folder: UnitFolder, promised: set[tuple[str, str]] | None, group: GroupWrite | None = None) -> Prepared:
    """The file's row and its plan, from what the unit's ledger holds (reads only). group: the GroupWrite
    the file will join, flushed first when the plan would name one of its rows not yet inserted."""
    dropped, verdict, checked = arrived.dropped, arrived.verdict, arrived.verdict.checked
    tz = ZoneInfo(home.settings.schedules.timezone)
    found = list(verdict.findings)
    period = checked.period if checked else None
    submitted = dt.datetime.fromtimestamp(min(dropped.mtime, now.timestamp()), dt.UTC)
    came = arrival_time(dropped, ledger.seen.get(dropped.name), now)
    due = due_date(period, home.settings.due_working_days, home.settings.calendar) if verdict.ok else None
    late = is_late(came.astimezone(tz), due) if due else None
    if late:
        found.append(finding("W_LATE", expected=f"{due.due:%Y-%m-%d}"))
    if verdict.ok and checked is not None and period is not None:
        found += month_findings(dropped.name, checked.values, period, ledger, home.catalog, verdict.read.ret)
    arrival = Arrival(
        unit=dropped.unit, original_name=dropped.name, sha256=arrived.sha256, size=arrived.size,
        format=verdict.read.sniffed.kind, received_at=naive_utc(now), submitted_at=naive_utc(submitted),
        archive_path=str(arrived.archive.relative_to(home.root)) if arrived.archive else "",
        receipt_path=str((home.receipt_dir(dropped.unit) / free_receipt_name(
            folder, dropped.name, now.astimezone(tz), promised)).relative_to(home.root)),
        declared_unit=checked.declared_unit if checked else "", period=period, late=late,
        due_date=due.due if due else None, arrived_at=naive_utc(came))
    values = checked.values if verdict.ok else None
    if group is not None and refers_to_pending(ledger, arrival):
        group.flush()  # the row this file duplicates or corrects must have its id before the plan names it
    decided = plan(ledger, reader, arrival, values, tuple(found),
                   (home.settings.outlier_factor, home.settings.outlier_floor), tz)
    return Prepared(arrived, arrival, values, decided, due)


def month_findings(name: str, values: tuple[Value, ...], period: str, ledger: UnitLedger, catalog: Catalog,
                   ret: RawReturn | None) -> list[Finding]:
    """A name saying another month, a correction that looks like another month's figures (period_checks)."""
    cell = ret.fields.get("period") if ret is not None else None
    place = cell.place if cell is not None else FILE_PLACE
    previous = ledger.values.get(period) if period in ledger.current else None
    return [*name_period_findings(name, period, place),
            *correction_findings(values, previous, period, catalog, place)]


def finish(prepared: Prepared, rec: Recorded, home: Home) -> tuple[FileOutcome, ReceiptInfo]:
    """The file's outcome and its receipt, once its rows are written (or found written: resumed)."""
    dropped, due, period = prepared.arrived.dropped, prepared.due, prepared.arrival.period
    outcome = FileOutcome(dropped.unit, dropped.name, rec.status, period, rec.submission_id, rec.receipt_path,
                          prepared.arrival.late, rec.findings, rec.corrected,
                          None if due is None or due.calendar_known else due.due.year)
    return outcome, receipt_info(home, rec, prepared.arrival, prepared.arrived.verdict.read.ret)


def arrival_time(dropped: Dropped, first_seen: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the file came into the inbox: the earlier of its ctime and the first time an ingest saw it
    (naive UTC in the ledger); never after this run's `now`. Its mtime is the clerk's clock and a copy
    keeps it, so it never decides lateness."""
    moments = [now]
    if dropped.ctime:
        moments.append(dt.datetime.fromtimestamp(dropped.ctime, dt.UTC))
    if first_seen is not None:
        moments.append(first_seen.replace(tzinfo=dt.UTC))
    return min(moments)


def naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def receipt_info(home: Home, rec: Recorded, arrival: Arrival, ret) -> ReceiptInfo:
    status = rec.status
    if rec.corrected and status in ("accepted", "accepted_with_warnings"):
        status = "corrected" if status == "accepted" else "corrected_with_warnings"
    unit = home.registry.by_code().get(arrival.unit)
    tz = ZoneInfo(home.settings.schedules.timezone)
    received = arrival.received_at.replace(tzinfo=dt.UTC).astimezone(tz)
    return ReceiptInfo(
        status=status, unit=arrival.unit, unit_name=unit.name if unit else "未登记单位",
        period=arrival.period or "", original_name=arrival.original_name,
        received_at=f"{received:%Y-%m-%d %H:%M:%S}", findings=rec.findings,
        sheet=ret.sheet if ret else "", grid=ret.grid if ret else (), version=rec.version,
        late=bool(arrival.late), due=f"{arrival.due_date:%Y-%m-%d}" if arrival.due_date else "",
        path=str(home.root / rec.receipt_path), source=source_text(arrival))


def answer(arrived: Arrived, home: Home, conns: tuple[Connection, Connection], ledger: UnitLedger,
           now: dt.datetime, folder: UnitFolder) -> tuple[FileOutcome, bool]:
    """Store, write the receipt, empty the inbox: in this order, so a crash between is finished later.
    The flush covers a row resumed from a killed job's commits, which no one has flushed yet. The
    bool: whether the receipt was written (only then is the row done)."""
    outcome, info = record_file(arrived, home, conns, ledger, now, folder)
    flush_ledger(conns[1].engine)
    read_back(conns[1].engine, {outcome.submission_id: arrived.sha256})  # as a job does (readback.py)
    return outcome, settle(folder, arrived, info)


def settle(folder: UnitFolder, arrived: Arrived, info: ReceiptInfo) -> bool:
    """The receipt, then the file out of the inbox (only the very file read). False: the receipt could
    not be written (its folder broke meanwhile): the row stays unfinished for reconcile, the file stays."""
    try:
        write_receipt(folder, info)
    except OSError:
        return False
    if arrived.ident is not None:
        folder.remove(arrived.dropped.where, arrived.ident)
    return True
