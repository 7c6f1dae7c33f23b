"""One job of a reading child: some units' files, in order, each through every step of
`tasks/intake/steps.py`, with one flush of the archive and one of the ledger for the whole job.

A fault of ours (a locked or lost database, a folder made read-only, a full disk) is never the clerk's:
the file it touched, and the unit's files after it, stay in the inbox (or their ledger rows unfinished)
and come back as `Left`, so the batch is tried again and nothing is refused for it.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from tasks.drafts.stated import asked_codes
from tasks.errors import describe
from tasks.home import Home
from tasks.intake.archive import sync_filesystem
from tasks.intake.discover import Dropped
from tasks.intake.job_state import JobResult, JobState, Left
from tasks.intake.receipt import ReceiptInfo
from tasks.intake.steps import Arrived, FileOutcome, Prepared, answer_file, arrive, finish, plan_file, record_file
from tasks.intake.unit_folder import Folders
from tasks.ledger.engine import KeptEngines, flush_ledger, writing
from tasks.ledger.readback import LedgerLost, read_back
from tasks.ledger.record import GroupWrite, mark_done
from tasks.ledger.unit_ledger import UnitLedger
from tasks.returns.validate import Context

engines = KeptEngines()  # a kept reading worker's engines, across its jobs (created on first use)
log = logging.getLogger(__name__)


def ingest_files(home: Home, files: list[Dropped], now: dt.datetime, wall: float,
                 alarm: float | None = None) -> JobResult:
    """Units' files, in order, each through every step; runs in a limited child process. The job's
    transactions commit without waiting for the disk; one flush makes them all durable, and one query
    through a fresh connection finds them there, before the first receipt is written (a crash before
    it leaves rows that reconcile or a retry completes).
    Each unit's folder is opened once; a unit whose folder fails on the way is left, its files (or
    its receipts) for a later run, and the job goes on with the other units. A MemoryError (the
    reader's cap) is the file's doing: it ends the job, and the pool tries each file alone."""
    result = JobResult()
    stored: list[tuple[Arrived, FileOutcome, ReceiptInfo]] = []
    try:
        engine = engines.get(home.database_url, sync_each_commit=False)
        with Folders(home.inbox) as folders:
            with engine.connect() as reader, engine.connect() as writer:
                arrivals = _arrivals(home, folders, files, now, wall, alarm, result)
                if arrivals:
                    sync_filesystem(home.archive)  # one flush for the archive copies, before any commit
                state = JobState(home, folders, (reader, writer.execution_options(write=True)), now, result)
                _record(state, arrivals)
                stored = state.stored
            flush_ledger(engine)
            # Through a fresh connection: a -wal deleted under this job's connections hides its rows from
            # everyone else (one query a job; readback.py).
            read_back(engine, {outcome.submission_id: arrived.sha256 for arrived, outcome, _ in stored})
            done = _answer(folders, stored, result)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 — ours: every file not answered yet waits for the next try
        if isinstance(exc, LedgerLost):
            engines.dispose()  # the next job writes where everyone reads (closing may save these rows)
        why = describe(exc)
        log.warning("ingest job stopped: %s", why, exc_info=True)
        answered = {(o.unit, o.name) for o in result.outcomes}
        waiting = {id(left.dropped) for left in result.left}
        result.left.extend(Left(d, why) for d in files if id(d) not in waiting and (d.unit, d.name) not in answered)
        return result
    try:
        mark_done(engine, done)
    except Exception:  # noqa: BLE001 — answered already; the next run's reconcile marks them done
        log.warning("could not mark rows done; the next run will", exc_info=True)
    return result


def _arrivals(home: Home, folders: Folders, files: list[Dropped], now: dt.datetime, wall: float,
              alarm: float | None, result: JobResult) -> list[Arrived]:
    """Judge and archive each file; a fault of ours stops that unit's remaining files (a correction must
    never be stored before the file it corrects)."""
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    stopped: dict[str, str] = {}
    arrivals: list[Arrived] = []
    asked = asked_codes(home)  # once a batch: what the templates state, read from them
    for d in files:
        folder = folders.get(d.unit)
        if folder is None:
            continue  # a broken unit folder waits, with its finding (discover)
        if d.unit in stopped:
            result.left.append(Left(d, stopped[d.unit]))
            continue
        try:
            ctx = Context(d.unit, home.registry, home.catalog, today, home.settings.max_count, asked)
            arrived = arrive(d, folder, ctx,
                             home.settings.limits, home.archive, wall, home.settings.settle_seconds, alarm,
                             durable=False)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001
            stopped[d.unit] = describe(exc)
            log.warning("file %s/%s left in the inbox: %s", d.unit, d.name, stopped[d.unit], exc_info=True)
            result.left.append(Left(d, stopped[d.unit]))
            continue
        if arrived is not None:
            arrivals.append(arrived)
    return arrivals


GROUP_FILES = 32  # files per write transaction (measured: see _record)


def _record(state: JobState, arrivals: list[Arrived]) -> None:
    """Up to GROUP_FILES files a write transaction, their rows inserted by one statement per table
    (`GroupWrite`): each file is still all or nothing (no receipt goes out before the job's flush, so a
    group lost to a crash is only taken again), and the write lock, which the other reading child waits
    for, is taken a few times a job rather than at every file. The ledger is shared by every unit: a
    fault there leaves every file not yet recorded for the next try. A unit whose 回执/ broke since the
    run looked records nothing."""
    writer = state.conns[1]
    for start in range(0, len(arrivals), GROUP_FILES):
        group = arrivals[start:start + GROUP_FILES]
        state.begin_group()
        try:
            with writing(writer):
                writes, planned = GroupWrite(writer), []
                for arrived in group:
                    planned += _record_one(state, arrived, writes)
                state.stored += [(p.arrived, *finish(p, rec, state.home))
                                 for p, rec in zip(planned, writes.flush(), strict=True)]
            continue
        except IntegrityError:
            pass  # another run stored one of these meanwhile: each file again alone, as below
        except Exception as exc:  # noqa: BLE001
            state.rollback(set())  # rolled back: nothing of the group is stored
            _leave(state, arrivals[start:], exc)
            return
        state.rollback({a.dropped.unit for a in group})
        for i, arrived in enumerate(group):
            try:
                try:
                    _record_one(state, arrived)
                except IntegrityError:
                    # Another run stored this very file meanwhile (the unique index, the last line of
                    # defence, caught it): read the unit's ledger again, and the file resumes that row.
                    state.forget_ledger(arrived.dropped.unit)
                    _record_one(state, arrived)
            except Exception as exc:  # noqa: BLE001
                _leave(state, arrivals[start + i:], exc)
                return


def _leave(state: JobState, rest: list[Arrived], exc: Exception) -> None:
    why = describe(exc)
    log.warning("ledger fault, %d files left: %s", len(rest), why, exc_info=True)
    state.result.left.extend(Left(a.dropped, why) for a in rest)


def _record_one(state: JobState, arrived: Arrived, group: GroupWrite | None = None) -> list[Prepared]:
    """One file's rows, in a transaction of its own (added to `stored`), or joining the caller's `group`
    (returned as planned, to be finished once the group is flushed); its unit's ledger read first."""
    reader = state.conns[0]
    unit = arrived.dropped.unit
    if unit in state.broken:
        state.result.left.append(Left(arrived.dropped, state.broken[unit]))
        return []
    try:
        ledger = state.ledgers.get(unit)
        if ledger is None:
            with reader.begin():
                ledger = state.ledgers[unit] = UnitLedger.load(reader, unit, state.home.registry.history_of(unit))
            # receipts a killed job promised but never wrote: not free for this job's files either
            state.promised.update((unit, PurePosixPath(held.receipt_path).name)
                                  for held in ledger.by_sha.values() if held.stage != "done" and held.receipt_path)
        folder = state.folders.get(unit)
        if group is None:
            state.stored.append((arrived, *record_file(arrived, state.home, state.conns, ledger, state.now, folder,
                                                       state.promised)))
            return []
        prepared = plan_file(arrived, state.home, reader, ledger, state.now, folder, state.promised, group)
        group.add(prepared.arrival, prepared.values, prepared.plan, ledger)
        return [prepared]
    except OSError as exc:
        state.broken[unit] = describe(exc)  # its 回执/ broke since the run looked: nothing of it recorded
        state.result.left.append(Left(arrived.dropped, state.broken[unit]))
        return []


def _answer(folders: Folders, stored: list[tuple[Arrived, FileOutcome, ReceiptInfo]],
            result: JobResult) -> list[int]:
    """Receipts, then the inbox emptied; a unit whose receipt cannot be written leaves its rows unfinished
    (reconcile writes them once it can). Returns the rows answered."""
    done: list[int] = []
    broken: set[str] = set()
    for arrived, outcome, info in stored:
        unit = arrived.dropped.unit
        if unit not in broken and answer_file(folders.get(unit), arrived, info):
            done.append(outcome.submission_id)
            result.outcomes.append(outcome)
        else:
            broken.add(unit)
            result.left.append(Left(arrived.dropped, "回执写不进该单位的文件夹（只读、已满或被更换），下次运行再写"))
    return done
