"""Finishing what a crash interrupted: every ledger row not yet 'done' gets its receipt (rewritten from the
archived original and the stored findings) and its inbox file removed."""
from __future__ import annotations

import os

from sqlalchemy.engine import Engine

from tasks.home import Home
from tasks.intake.archive import sha256_of
from tasks.intake.receipt import write_receipt
from tasks.intake.steps import receipt_info, remove
from tasks.ledger.engine import flush_ledger
from tasks.ledger.record import Arrival, Recorded, findings_of, unfinished
from tasks.returns.read import read_return


def reconcile(home: Home, engine: Engine) -> list[int]:
    """Returns the ids of the ledger rows it finished."""
    flush_ledger(engine)  # rows a killed job committed but never flushed: durable before their receipts
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
            write_receipt(receipt_info(home, rec, arrival, ret))
        dropped = home.unit_inbox(row.unit) / row.original_name
        if dropped.is_file() and not dropped.is_symlink() and sha256_of(dropped.read_bytes()) == row.sha256:
            remove(dropped)
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
