"""Ingesting one dropped file, its steps ordered so a crash at any instant leaves a state the next run
completes (issue 6): read+validate (pure) → archive copy, fsync → one transaction (ledger + values) →
receipt (temp + rename) → remove from inbox. `reconcile` finishes whatever a crash interrupted.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from schemas.findings import Finding, finding
from tasks.check import check_bytes
from tasks.archive import archive_path, sha256_of, store_original
from tasks.db import write_transaction
from tasks.discover import Dropped
from tasks.home import Home
from tasks.periods import period_year
from tasks.read import read_return
from tasks.receipt import ReceiptInfo, free_receipt_path, write_receipt
from tasks.store import Arrival, Recorded, find_existing, findings_of, history, record, unfinished
from tasks.timeliness import due_date, is_late
from tasks.validate import Context, outlier_findings


class TransientError(Exception):
    """A fault worth retrying (a file locked by an open Excel, a busy database)."""


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


def ingest_file(dropped: Dropped, home: Home, engine: Engine, now: dt.datetime) -> FileOutcome | None:
    """None when the file vanished or changed since it was listed (the next run takes it)."""
    try:
        st = dropped.path.stat()
        data = dropped.path.read_bytes()
    except FileNotFoundError:
        return None
    except PermissionError as exc:  # an open Excel on a Windows share holds a lock
        raise TransientError(f"{dropped.path}: {exc}") from exc
    if st.st_size != dropped.size or st.st_mtime != dropped.mtime or len(data) != dropped.size:
        return None  # still being written
    tz = ZoneInfo(home.settings.schedules.timezone)
    today = now.astimezone(tz).date()
    sha = sha256_of(data)
    verdict = check_bytes(data, Context(dropped.unit, home.registry, home.catalog, today, home.settings.max_count))
    result, checked = verdict.read, verdict.checked
    found = list(verdict.findings)
    period = checked.period if checked else None
    submitted = dt.datetime.fromtimestamp(min(dropped.mtime, now.timestamp()), dt.UTC)
    # Timeliness matters only for a return that will be stored: a refused file is not "late", it is refused.
    due = due_date(period, home.settings.due_working_days, home.settings.calendar) if verdict.ok else None
    late = is_late(submitted.astimezone(tz), due) if due else None
    if late:
        found.append(finding("W_LATE", expected=f"{due.due:%Y-%m-%d}"))
    year = period_year(period) if period else today.year
    dest = archive_path(home.archive, year, dropped.unit, sha, result.sniffed.kind)
    store_original(dest, data)
    arrival = Arrival(
        unit=dropped.unit, original_name=dropped.name, sha256=sha, size=len(data),
        format=result.sniffed.kind, received_at=_naive_utc(now), submitted_at=_naive_utc(submitted),
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
    _receipt(home, rec, arrival, result.ret, tz)
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
        receipt = home.root / row.receipt_path
        if not receipt.exists():
            data = (home.root / row.archive_path).read_bytes() if row.archive_path else b""
            ret = read_return(data).ret if data else None
            rec = Recorded(row.id, row.status, row.version, findings_of(engine, row.id), row.receipt_path,
                           corrected=bool(row.version and row.version > 1))
            arrival = Arrival(row.unit, row.original_name, row.sha256, row.size, row.format or "",
                              row.received_at, row.submitted_at, row.archive_path or "", row.receipt_path,
                              period=row.period, late=row.late, due_date=row.due_date)
            _receipt(home, rec, arrival, ret, tz)
        dropped = home.unit_inbox(row.unit) / row.original_name
        if dropped.is_file() and sha256_of(dropped.read_bytes()) == row.sha256:
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
