"""Finishing what a crash interrupted: every ledger row not yet 'done' gets its receipt (rewritten from the
archived original and the stored findings) and its inbox file removed — through the unit's folder, as
the ingest does; every receipt that no row names, its row lost with a deleted -wal, gets its row
(`restore.py`). A unit whose folder cannot take the receipt is that unit's problem alone: its rows wait,
reported, and every other unit's are finished (issue 16: reconcile never blocks the home)."""
from __future__ import annotations

import os
from pathlib import PurePosixPath

from sqlalchemy.engine import Engine

from tasks.home import Home
from tasks.intake.archive import bytes_sha256
from tasks.intake.folder_problems import UnitProblem
from tasks.intake.receipt import write_receipt
from tasks.intake.restore import receipts_without_rows, restore_unit
from tasks.intake.steps import oversize_key, receipt_info
from tasks.intake.unit_folder import Folders, UnitFolder
from tasks.ledger.engine import flush_ledger
from tasks.ledger.record import Arrival, Recorded, findings_of, unfinished
from tasks.returns.guard import max_file_bytes
from tasks.returns.read import read_return


def reconcile(home: Home, engine: Engine) -> tuple[list[int], list[UnitProblem]]:
    """Returns the ids of the ledger rows it finished, and the units whose rows must wait."""
    flush_ledger(engine)  # rows a killed job committed but never flushed: durable before their receipts
    finished: list[int] = []
    problems: dict[str, UnitProblem] = {}
    with Folders(home.inbox) as folders:
        for row in unfinished(engine):
            if row.unit in problems:
                continue
            folder = folders.get(row.unit)
            if folder is None:
                problems[row.unit] = folders.problem(row.unit)
                continue
            try:
                _finish(home, engine, folder, row)
            except OSError as exc:
                problems[row.unit] = folder.problem(exc)
                continue
            finished.append(row.id)
        seen = {unit.code: folder.sweep() for unit in home.registry.units
                if (folder := folders.get(unit.code)) is not None}
        for unit, names in receipts_without_rows(home, engine, seen).items():
            if unit in problems:
                continue
            try:  # a receipt out, its row lost (a deleted -wal): the archived copy stored under it (restore.py)
                finished += restore_unit(home, engine, folders.get(unit), names)
            except OSError as exc:
                problems[unit] = folders.get(unit).problem(exc)
    _sweep_archive(home)
    return finished, list(problems.values())


def _finish(home: Home, engine: Engine, folder: UnitFolder, row) -> None:
    if not folder.receipt_taken(PurePosixPath(row.receipt_path).name):
        archived = home.root / row.archive_path if row.archive_path else None
        found = findings_of(engine, row.id)
        ret = None
        if archived and archived.exists() and not any(f.code == "E_UNREADABLE" for f in found):
            ret = read_return(archived.read_bytes()).ret  # a reader opened it safely once already
        rec = Recorded(row.id, row.status, row.version, found, row.receipt_path,
                       corrected=bool(row.version and row.version > 1))
        arrival = Arrival(row.unit, row.original_name, row.sha256, row.size, row.format or "",
                          row.received_at, row.submitted_at, row.archive_path or "", row.receipt_path,
                          period=row.period, late=row.late, due_date=row.due_date, arrived_at=row.arrived_at)
        write_receipt(folder, receipt_info(home, rec, arrival, ret))
    taken = folder.take(row.original_name, max_file_bytes(home.settings.limits))
    if taken is not None and taken.ident.size == row.size:
        key = bytes_sha256(taken.data) if taken.data is not None else oversize_key(taken.ident)
        if key == row.sha256:
            folder.remove(row.original_name, taken.ident)


def _sweep_archive(home: Home) -> None:
    """Half-written archive copies of a killed run (never the real files: those are renamed). The
    archive is the township's own: no clerk writes there."""
    for tmp in home.archive.glob("*/*/.*.tmp"):
        try:
            if tmp.is_file() and not tmp.is_symlink():
                os.unlink(tmp)
        except OSError:
            pass
