"""One job of a reading child: some units' files, in order, each through every step of
`tasks/intake/steps.py`, with one flush of the archive and one of the ledger for the whole job."""
from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from tasks.home import Home
from tasks.intake.archive import sync_filesystem
from tasks.intake.discover import Dropped
from tasks.intake.receipt import ReceiptInfo
from tasks.intake.steps import Arrived, FileOutcome, arrive, record_file, settle
from tasks.intake.unit_folder import Folders
from tasks.ledger.engine import KeptEngines, flush_ledger
from tasks.ledger.record import mark_done
from tasks.ledger.unit_ledger import UnitLedger
from tasks.returns.validate import Context

engines = KeptEngines()  # a kept reading worker's engines, across its jobs (created on first use)


def ingest_files(home: Home, files: list[Dropped], now: dt.datetime, wall: float,
                 alarm: float | None = None) -> list[FileOutcome]:
    """Units' files, in order, each through every step; runs in a limited child process. The job's
    transactions commit without waiting for the disk; one flush makes them all durable before the
    first receipt is written (a crash before it leaves rows that reconcile or a retry completes).
    Each unit's folder is opened once; a unit whose folder fails on the way is left, its files (or
    its receipts) for a later run, and the job goes on with the other units."""
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    engine = engines.get(home.database_url, sync_each_commit=False)
    stored: list[tuple[Arrived, FileOutcome, ReceiptInfo]] = []
    promised: set[tuple[str, str]] = set()
    broken: set[str] = set()
    with Folders(home.inbox) as folders:
        with engine.connect() as reader, engine.connect() as writer:
            conns = (reader, writer.execution_options(write=True))  # writes take SQLite's lock at once
            arrivals = [arrive(d, folder, Context(d.unit, home.registry, home.catalog, today, home.settings.max_count),
                               home.settings.limits, home.archive, wall, home.settings.settle_seconds, alarm,
                               durable=False) for d in files if (folder := folders.get(d.unit)) is not None]
            arrivals = [a for a in arrivals if a is not None]
            if arrivals:
                sync_filesystem(home.archive)  # one flush for the unit's archive copies, before any commit
            ledgers: dict[str, UnitLedger] = {}
            for arrived in arrivals:
                unit = arrived.dropped.unit
                if unit in broken:
                    continue
                if unit not in ledgers:
                    with reader.begin():
                        ledgers[unit] = UnitLedger.load(reader, unit)
                    # receipts a killed job promised but never wrote: not free for this job's files either
                    promised.update((unit, PurePosixPath(held.receipt_path).name)
                                    for held in ledgers[unit].by_sha.values()
                                    if held.stage != "done" and held.receipt_path)
                try:
                    stored.append((arrived, *record_file(arrived, home, conns, ledgers[unit], now,
                                                         folders.get(unit), promised)))
                except OSError:
                    broken.add(unit)  # its 回执/ broke since the run looked: nothing of it recorded
        flush_ledger(engine)
        done = []
        for arrived, outcome, info in stored:
            if arrived.dropped.unit not in broken and settle(folders.get(arrived.dropped.unit), arrived, info):
                done.append(outcome.submission_id)
            else:
                broken.add(arrived.dropped.unit)  # receipts owed: reconcile writes them once it can
    mark_done(engine, done)
    return [outcome for _, outcome, _ in stored]
