"""Ingesting dropped files, each step ordered so a crash at any instant leaves a state the next run
completes (issue 6): take the bytes → judge them in a limited child process (read + validate, pure) →
archive copy, fsync → one transaction (ledger + findings + values) → receipt (temp + rename) → remove
from the inbox. `reconcile` finishes whatever a crash interrupted.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from schemas.findings import Finding, finding
from tasks.archive import archive_path, sha256_of, store_original
from tasks.check import Verdict, check_bytes, refused
from tasks.db import write_transaction
from tasks.discover import Dropped
from tasks.guard import precheck
from tasks.home import Home
from tasks.isolate import Failed, Isolated
from tasks.periods import period_year
from tasks.read import read_return
from tasks.receipt import ReceiptInfo, free_receipt_path, write_receipt
from tasks.sniff import sniff
from tasks.store import Arrival, Recorded, find_existing, findings_of, history, record, unfinished
from tasks.timeliness import due_date, is_late
from tasks.validate import Context, outlier_findings


class TransientError(Exception):
    """A fault worth retrying (a file locked by an open Excel, a busy database)."""


@dataclass(frozen=True)
class Taken:
    dropped: Dropped
    data: bytes
    sha256: str
    changed_at: float   # the later of mtime and ctime: when the file last changed


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


def take(dropped: Dropped) -> Taken | None:
    """The file's bytes, or None when it vanished or changed since it was listed (the next run takes it)."""
    try:
        st = dropped.path.stat()
        data = dropped.path.read_bytes()
    except FileNotFoundError:
        return None
    except PermissionError as exc:  # an open Excel on a Windows share holds a lock
        raise TransientError(f"{dropped.path}: {exc}") from exc
    if st.st_size != dropped.size or st.st_mtime != dropped.mtime or len(data) != dropped.size:
        return None  # still being written
    return Taken(dropped, data, sha256_of(data), max(st.st_mtime, st.st_ctime))


def judge(data: bytes, ctx: Context, limits) -> Verdict:
    """Runs in the reading child: pre-checks, then read and validate."""
    kind = sniff(data)
    if not kind.readable:
        return check_bytes(data, ctx)  # refused with its own reason by the reader
    pre = precheck(data, kind.kind, limits)
    return refused(kind, pre.problem) if pre.problem else check_bytes(data, ctx, pre.marks)


def judge_all(taken: list[Taken], home: Home, today: dt.date, pool: Isolated) -> list[Verdict]:
    contexts = [Context(t.dropped.unit, home.registry, home.catalog, today, home.settings.max_count) for t in taken]
    results = pool.map(judge, [(t.data, c, home.settings.limits) for t, c in zip(taken, contexts)])
    return [refused(sniff(t.data), r.reason) if isinstance(r, Failed) else r for t, r in zip(taken, results)]


def is_incomplete(taken: Taken, verdict: Verdict, wall: float, settle_seconds: float) -> bool:
    """A broken zip that changed recently (by the wall clock) may still be arriving: try again later
    rather than refuse it."""
    young = wall - taken.changed_at < max(2 * settle_seconds, 60)
    return young and any(f.code == "E_CORRUPT" for f in verdict.findings)


def commit(taken: Taken, verdict: Verdict, home: Home, engine: Engine, now: dt.datetime) -> FileOutcome:
    dropped, data, sha = taken.dropped, taken.data, taken.sha256
    tz = ZoneInfo(home.settings.schedules.timezone)
    checked = verdict.checked
    found = list(verdict.findings)
    period = checked.period if checked else None
    submitted = dt.datetime.fromtimestamp(min(dropped.mtime, now.timestamp()), dt.UTC)
    due = due_date(period, home.settings.due_working_days, home.settings.calendar) if verdict.ok else None
    late = is_late(submitted.astimezone(tz), due) if due else None
    if late:
        found.append(finding("W_LATE", expected=f"{due.due:%Y-%m-%d}"))
    year = period_year(period) if period else now.astimezone(tz).year
    dest = archive_path(home.archive, year, dropped.unit, sha, verdict.read.sniffed.kind)
    store_original(dest, data)
    arrival = Arrival(
        unit=dropped.unit, original_name=dropped.name, sha256=sha, size=len(data),
        format=verdict.read.sniffed.kind, received_at=_naive_utc(now), submitted_at=_naive_utc(submitted),
        archive_path=str(dest.relative_to(home.root)),
        receipt_path=str(free_receipt_path(home.receipt_dir(dropped.unit), dropped.name, now.astimezone(tz))
                         .relative_to(home.root)),
        declared_unit=checked.declared_unit if checked else "", period=period, late=late,
        due_date=due.due if due else None)
    with write_transaction(engine) as conn:
        if verdict.ok and find_existing(conn, dropped.unit, sha) is None:
            found += outlier_findings(checked.values, history(conn, dropped.unit, period),
                                      home.settings.outlier_factor, home.settings.outlier_floor)
        rec = record(conn, arrival, checked.values if verdict.ok else None, tuple(found))
    _receipt(home, rec, arrival, verdict.read.ret, tz)
    _remove(dropped.path)
    return FileOutcome(dropped.unit, dropped.name, rec.status, period, rec.submission_id, rec.receipt_path,
                       late, rec.findings, rec.corrected)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _receipt(home: Home, rec: Recorded, arrival: Arrival, ret, tz: ZoneInfo) -> None:
    status = rec.status
    if rec.corrected and status in ("accepted", "accepted_with_warnings"):
        status = "corrected" if status == "accepted" else "corrected_with_warnings"
    unit = home.registry.by_code().get(arrival.unit)
    received = arrival.received_at.replace(tzinfo=dt.UTC).astimezone(tz)
    info = ReceiptInfo(
        status=status, unit=arrival.unit, unit_name=unit.name if unit else "未登记单位",
        period=arrival.period or "", original_name=arrival.original_name,
        received_at=f"{received:%Y-%m-%d %H:%M:%S}", findings=rec.findings,
        sheet=ret.sheet if ret else "", grid=ret.grid if ret else (), version=rec.version,
        late=bool(arrival.late), due=f"{arrival.due_date:%Y-%m-%d}" if arrival.due_date else "")
    write_receipt(home.root / rec.receipt_path, info)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def reconcile(home: Home, engine: Engine) -> list[int]:
    """Finish what a crash interrupted: every ledger row not yet 'done' gets its receipt (rewritten
    from the archived original and the stored findings) and its inbox file removed. Returns the ids."""
    tz = ZoneInfo(home.settings.schedules.timezone)
    finished: list[int] = []
    for row in unfinished(engine):
        if not (home.root / row.receipt_path).exists():
            archived = home.root / row.archive_path if row.archive_path else None
            found = findings_of(engine, row.id)
            ret = None
            if archived and archived.exists() and not any(f.code == "E_UNREADABLE" for f in found):
                ret = read_return(archived.read_bytes()).ret  # a reader opened it safely once already
            rec = Recorded(row.id, row.status, row.version, found, row.receipt_path,
                           corrected=bool(row.version and row.version > 1))
            arrival = Arrival(row.unit, row.original_name, row.sha256, row.size, row.format or "",
                              row.received_at, row.submitted_at, row.archive_path or "", row.receipt_path,
                              period=row.period, late=row.late, due_date=row.due_date)
            _receipt(home, rec, arrival, ret, tz)
        dropped = home.unit_inbox(row.unit) / row.original_name
        if dropped.is_file() and not dropped.is_symlink() and sha256_of(dropped.read_bytes()) == row.sha256:
            _remove(dropped)
        finished.append(row.id)
    _sweep_temp_files(home)
    return finished


def _sweep_temp_files(home: Home) -> None:
    """Half-written receipts and archive copies of a killed run (never the real files: those are renamed)."""
    for tmp in [*home.inbox.glob("*/回执/.*.tmp"), *home.archive.glob("*/*/.*.tmp")]:
        try:
            if tmp.is_file() and not tmp.is_symlink():
                os.unlink(tmp)
        except OSError:
            pass
