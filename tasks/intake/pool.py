"""The job pool: a batch of dropped files dealt in jobs of whole units to kept, limited reading children
(`tasks/intake/job.py` runs in them), a failed job's files retried one by one, and a file that kills a
reader even alone refused as unreadable. The unit of work one Prefect task runs: per-file Prefect
tasks cost ~8–10 ms each (MEASURED.md).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

from tasks.home import Home
from tasks.intake.archive import sha256_of
from tasks.intake.discover import Dropped
from tasks.intake.isolate import Failed, KeptPools, outcome
from tasks.intake.job import ingest_files
from tasks.intake.steps import Arrived, FileOutcome, answer, keep_original, oversize_key
from tasks.intake.tally import Tally, tally
from tasks.intake.unit_folder import UnitFolder
from tasks.ledger.engine import make_engine
from tasks.ledger.record import mark_done
from tasks.ledger.unit_ledger import UnitLedger
from tasks.returns.guard import max_file_bytes, too_large
from tasks.returns.sniff import sniff
from tasks.returns.verdict import OVERSIZE, refused

READ_WORKERS = max(1, min(2, os.cpu_count() or 1))  # measured: a third child on two cores gains nothing
reading_pools = KeptPools()  # started on first use (no process at import), closed at exit

def ingest_batch(home: Home, batch: list[Dropped], now: dt.datetime, wall: float | None = None) -> list[FileOutcome]:
    """Each unit's files go to a limited child process, in order, through every step; units run in
    parallel. A child that dies or hangs takes only its unit's remaining files with it: those are
    tried again one per child, and a file that kills a reader even alone is refused as unreadable."""
    wall = time.time() if wall is None else wall
    limits = home.settings.limits
    outcomes: list[FileOutcome] = []
    pool = reading_pools.get(limits, READ_WORKERS)
    submitted: list = []
    try:
        jobs = [(files, pool.submit_with_timeout(ingest_files, _unit_timeout(limits, len(files)), home, files,
                                                 now, wall, limits.read_timeout_s))
                for files in jobs_of(batch)]
        submitted.extend(job for _, job in jobs)
        retry: list[Dropped] = []
        for files, job in jobs:
            result = outcome(job)
            if isinstance(result, Failed):
                retry.extend(files)  # those it finished are in the ledger: taking them again resumes them
            else:
                outcomes.extend(result)
        by_unit: dict[str, list[Dropped]] = {}
        for dropped in retry:
            by_unit.setdefault(dropped.unit, []).append(dropped)
        # Each file alone in a child (to find the one that kills a reader), each unit's in order, units
        # side by side: a correction never runs beside the file it corrects.
        while by_unit:
            heads = [files.pop(0) for files in by_unit.values()]
            singles = [(d, pool.submit(ingest_files, home, [d], now, wall, limits.read_timeout_s)) for d in heads]
            submitted.extend(job for _, job in singles)
            for dropped, job in singles:
                result = outcome(job)
                if isinstance(result, Failed):
                    refused = refuse_unreadable(home, dropped, result.reason, now)
                    outcomes.extend([refused] if refused else [])
                else:
                    outcomes.extend(result)
            by_unit = {unit: files for unit, files in by_unit.items() if files}
    finally:
        for job in submitted:
            job.cancel()  # done ones: nothing; if this step failed, no job goes on writing behind its retry
    return outcomes


JOB_FILES = 250  # at most about this many files per child job (whole units); each job pays two flushes


def jobs_of(batch: list[Dropped], workers: int = READ_WORKERS) -> list[list[Dropped]]:
    """Whole units (their files in order) in jobs of at most about JOB_FILES: one job's start-up and its
    two flushes (archive, ledger) are paid per few hundred files, not per unit (measured at 1,000 files:
    jobs of 250 ~3% faster than jobs of 100). The number of jobs is a multiple of `workers` and the
    units are dealt largest first to the emptiest job, so the workers finish together (filling jobs one
    after another left a short last job for one worker while the other stood idle)."""
    by_unit: dict[str, list[Dropped]] = {}
    for dropped in batch:
        by_unit.setdefault(dropped.unit, []).append(dropped)
    if not by_unit:
        return []
    rounds = -(-len(batch) // (workers * JOB_FILES))
    jobs: list[list[Dropped]] = [[] for _ in range(min(len(by_unit), workers * rounds))]
    for files in sorted(by_unit.values(), key=len, reverse=True):
        min(jobs, key=len).extend(files)
    return [job for job in jobs if job]


def _unit_timeout(limits, files: int) -> float:
    """A backstop for a unit's whole job; a hanging reader is ended sooner by the per-file alarm."""
    return limits.read_timeout_s * 2 + 0.5 * files


def refuse_unreadable(home: Home, dropped: Dropped, reason: str, now: dt.datetime) -> FileOutcome | None:
    """A file that killed or hung a reader even alone: archived as it is, refused with 文件异常，无法读取.
    Runs here, in the run's process: nothing in it parses the file, and it reads the file through its
    unit's folder, within the size limit (a larger one is refused on its size, unread)."""
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    limits = home.settings.limits
    try:
        folder = UnitFolder(home.inbox, dropped.unit)
    except OSError:
        return None
    with folder:
        taken = folder.take(dropped.where, max_file_bytes(limits), dropped.ident)
        if taken is None:
            return None
        if taken.data is None:
            arrived = Arrived(dropped, oversize_key(taken.ident), taken.ident.size,
                              refused(OVERSIZE, too_large(taken.ident.size, limits) or reason), None, taken.ident)
        else:
            verdict = refused(sniff(taken.data), reason)
            sha = sha256_of(taken.data)
            arrived = Arrived(dropped, sha, len(taken.data), verdict,
                              keep_original(home.archive, taken.data, sha, verdict, dropped.unit, today.year),
                              taken.ident)
        engine = make_engine(home.database_url)
        try:
            with engine.connect() as reader, engine.connect() as writer:
                with reader.begin():
                    ledger = UnitLedger.load(reader, dropped.unit)
                result, answered = answer(arrived, home, (reader, writer.execution_options(write=True)), ledger,
                                          now, folder)
            mark_done(engine, [result.submission_id] if answered else [])
        finally:
            engine.dispose()
    return result


def ingest_and_tally(home: Home, batch: list[Dropped], now: dt.datetime) -> Tally:
    """The flow's batch step: ingest, and hand back counts rather than every file's outcome."""
    return tally(ingest_batch(home, batch, now))

