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

from tasks.errors import TransientError, describe
from tasks.home import Home
from tasks.intake.archive import sha256_of
from tasks.intake.discover import Dropped
from tasks.intake.isolate import Failed, KeptPools, outcome
from tasks.intake.job import JobResult, Left, ingest_files
from tasks.intake.retried import answered_in_run
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
    """`run_batch` for a caller that wants every file answered: FilesLeft if a fault of ours left any."""
    result = run_batch(home, batch, now, wall)
    if result.left:
        raise FilesLeft(result)
    return result.outcomes


class FilesLeft(TransientError):
    """Files a fault of ours kept from their answers; they wait in the inbox for the next try."""

    def __init__(self, result: JobResult) -> None:
        self.result = result
        first = result.left[0]
        super().__init__(f"{len(result.left)} 个文件暂未处理（{first.why}），仍在收件箱，下次运行再处理")


def run_batch(home: Home, batch: list[Dropped], now: dt.datetime, wall: float | None = None) -> JobResult:
    """Each unit's files go to a limited child process, in order, through every step; units run in
    parallel. A child that dies or hangs on a file takes only its unit's remaining files with it: those
    are tried again one per child, and a file that kills a reader even alone is refused as unreadable.
    A fault of ours (an exception, a job that outlived its backstop: a database lock, a full disk) is
    never a reason to refuse: its files are `left` for the next try."""
    wall = time.time() if wall is None else wall
    limits = home.settings.limits
    done = JobResult()
    pool = reading_pools.get(limits, READ_WORKERS)
    submitted: list = []
    try:
        jobs = [(files, pool.submit_with_timeout(ingest_files, _job_timeout(limits, len(files)), home, files,
                                                 now, wall, limits.read_timeout_s))
                for files in jobs_of(batch)]
        submitted.extend(job for _, job in jobs)
        retry: list[Dropped] = []
        for files, job in jobs:
            result = outcome(job)
            if not isinstance(result, Failed):
                _merge(done, result)
            elif result.ours:
                done.left.extend(Left(d, _why(result)) for d in files)  # finished ones resume next time
            else:
                retry.extend(files)  # those it finished are in the ledger: taking them again resumes them
        _one_by_one(home, pool, retry, now, wall, done, submitted)
    finally:
        for job in submitted:
            job.cancel()  # done ones: nothing; if this step failed, no job goes on writing behind its retry
    done.left = [left for left in done.left if left.dropped.path.exists()]  # not those a job finished
    return done


def _one_by_one(home: Home, pool, retry: list[Dropped], now: dt.datetime, wall: float, done: JobResult,
                submitted: list) -> None:
    """Each file alone in a child (to find the one that kills a reader), each unit's in order, units
    side by side: a correction never runs beside the file it corrects, nor after a file left behind."""
    limits = home.settings.limits
    by_unit: dict[str, list[Dropped]] = {}
    for dropped in retry:
        by_unit.setdefault(dropped.unit, []).append(dropped)
    while by_unit:
        heads = [files.pop(0) for files in by_unit.values()]
        singles = [(d, pool.submit_with_timeout(ingest_files, _job_timeout(limits, 1), home, [d], now, wall,
                                                limits.read_timeout_s)) for d in heads]
        submitted.extend(job for _, job in singles)
        for dropped, job in singles:
            result, before = outcome(job), len(done.left)
            if not isinstance(result, Failed):
                _merge(done, result)
            elif result.ours:
                done.left.append(Left(dropped, _why(result)))
            else:
                _refuse(home, dropped, result.reason, now, done)
            if len(done.left) > before:  # this file waits for the next try: so do its unit's later files
                done.left.extend(Left(d, done.left[-1].why) for d in by_unit.pop(dropped.unit, []))
        by_unit = {unit: files for unit, files in by_unit.items() if files}


def _merge(done: JobResult, result: JobResult) -> None:
    done.outcomes.extend(result.outcomes)
    done.left.extend(result.left)


def _why(failed: Failed) -> str:
    return failed.reason if failed.kind == "error" else "处理超时：等待数据库或磁盘过久"


def _refuse(home: Home, dropped: Dropped, reason: str, now: dt.datetime, done: JobResult) -> None:
    try:
        refused_one = refuse_unreadable(home, dropped, reason, now)
    except Exception as exc:  # noqa: BLE001 — the ledger or the archive failed us, not the file
        done.left.append(Left(dropped, describe(exc)))
        return
    done.outcomes.extend([refused_one] if refused_one else [])


JOB_FILES = 250  # at most about this many files per child job (whole units); each job pays two flushes


def jobs_of(batch: list[Dropped], workers: int = READ_WORKERS) -> list[list[Dropped]]:
    """Whole units (their files in order) in jobs of at most about JOB_FILES: one job's start-up and its
    two flushes (archive, ledger) are paid per few hundred files, not per unit (measured at 1,000 files:
    jobs of 250 ~3% faster than jobs of 100). Units are dealt largest first to the job furthest below
    its share (`staggered`), so the workers finish together; the jobs are returned in the order the
    pool hands them out."""
    by_unit: dict[str, list[Dropped]] = {}
    for dropped in batch:
        by_unit.setdefault(dropped.unit, []).append(dropped)
    if not by_unit:
        return []
    rounds = -(-len(batch) // (workers * JOB_FILES))
    shares = staggered(workers, rounds) if len(by_unit) > workers else [1.0] * len(by_unit)
    jobs: list[list[Dropped]] = [[] for _ in shares]
    for files in sorted(by_unit.values(), key=len, reverse=True):
        fullest_after = [(len(job) + len(files)) / share for job, share in zip(jobs, shares)]
        jobs[fullest_after.index(min(fullest_after))].extend(files)
    return [job for job in jobs if job]


def staggered(workers: int, rounds: int) -> list[float]:
    """Each job's size as a share of a full one, in the order the pool hands them out: the first jobs
    shorter by 1/workers apiece, the missing parts as short jobs at the end. Equal jobs kept the workers
    in step, so they reached their write transactions together and queued for the one write lock
    (measured at 1,000 files: 0.07–0.10 s waiting per job of 250; staggered, ~0). Each worker still
    gets `rounds` full jobs' worth, and they finish together."""
    first = [(workers - k) / workers for k in range(workers)]
    last = [k / workers for k in range(1, workers)]
    return first + [1.0] * (workers * (rounds - 1)) + last


DATABASE_WAIT_S = 60  # a job may wait this long on the ledger (SQLite's busy timeout is 30 s) and live


def _job_timeout(limits, files: int) -> float:
    """A backstop for a whole job; a hanging reader is ended sooner by the per-file alarm (the file's
    doing), so a job that outlives this was waiting on something of ours: never the file's fault."""
    return limits.read_timeout_s * 2 + 0.5 * files + DATABASE_WAIT_S


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
                    ledger = UnitLedger.load(reader, dropped.unit, home.registry.history_of(dropped.unit))
                result, answered = answer(arrived, home, (reader, writer.execution_options(write=True)), ledger,
                                          now, folder)
            mark_done(engine, [result.submission_id] if answered else [])
        finally:
            engine.dispose()
    return result


def ingest_and_tally(home: Home, batch: list[Dropped], now: dt.datetime) -> Tally:
    """The flow's batch step: ingest, and hand back counts rather than every file's outcome. A retried
    step counts the files its earlier attempt answered too (they left the inbox then)."""
    result = run_batch(home, batch, now)
    seen = {(o.unit, o.name) for o in result.outcomes} | {(x.dropped.unit, x.dropped.name) for x in result.left}
    gone = [d for d in batch if (d.unit, d.name) not in seen and not d.path.exists()]
    earlier = answered_in_run(home, gone, now) if gone else []
    return tally([*result.outcomes, *earlier], result.left)

