"""One job of a reading child: some units' files, in order, each through every step of
`tasks/intake/steps.py`, with one flush of the archive and one of the ledger for the whole job."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from tasks.home import Home
from tasks.intake.archive import sync_filesystem
from tasks.intake.discover import Dropped
from tasks.intake.receipt import ReceiptInfo, write_receipt
from tasks.intake.steps import Arrived, FileOutcome, arrive, record_file, remove
from tasks.ledger.engine import KeptEngines, flush_ledger
from tasks.ledger.record import mark_done
from tasks.ledger.unit_ledger import UnitLedger
from tasks.returns.validate import Context

engines = KeptEngines()  # a kept reading worker's engines, across its jobs (created on first use)


def ingest_files(home: Home, files: list[Dropped], now: dt.datetime, wall: float,
                 alarm: float | None = None) -> list[FileOutcome]:
    """Units' files, in order, each through every step; runs in a limited child process. The job's
    transactions commit without waiting for the disk; one flush makes them all durable before the
    first receipt is written (a crash before it leaves rows that reconcile or a retry completes)."""
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    engine = engines.get(home.database_url, sync_each_commit=False)
    stored: list[tuple[Arrived, FileOutcome, ReceiptInfo]] = []
    promised: set[Path] = set()
    with engine.connect() as reader, engine.connect() as writer:
        conns = (reader, writer.execution_options(write=True))  # writes take SQLite's lock at once
        arrivals = [arrive(d, Context(d.unit, home.registry, home.catalog, today, home.settings.max_count),
                           home.settings.limits, home.archive, wall, home.settings.settle_seconds, alarm,
                           durable=False) for d in files]
        arrivals = [a for a in arrivals if a is not None]
        if arrivals:
            sync_filesystem(home.archive)  # one flush for the unit's archive copies, before any commit
        ledgers: dict[str, UnitLedger] = {}
        for arrived in arrivals:
            unit = arrived.dropped.unit
            if unit not in ledgers:
                with reader.begin():
                    ledgers[unit] = UnitLedger.load(reader, unit)
                # receipts a killed job promised but never wrote: not free for this job's files either
                promised.update(home.root / held.receipt_path for held in ledgers[unit].by_sha.values()
                                if held.stage != "done" and held.receipt_path)
            stored.append((arrived, *record_file(arrived, home, conns, ledgers[unit], now, promised)))
    flush_ledger(engine)
    for arrived, _, info in stored:
        write_receipt(info)
        remove(arrived.dropped.path)
    mark_done(engine, [outcome.submission_id for _, outcome, _ in stored])
    return [outcome for _, outcome, _ in stored]

