"""A batch of dropped files through the ingest steps: the unit of work one Prefect task runs.

Per-file Prefect tasks cost ~8–10 ms each (MEASURED.md), so a task takes a batch of files.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from tasks.db import make_engine, migrate
from tasks.discover import Discovery, Dropped, discover
from tasks.home import open_home
from tasks.archive import archive_path, sha256_of, write_durably
from tasks.check import refused
from tasks.ingest import Arrived, FileOutcome, answer, ingest_files
from tasks.isolate import Failed, KeptPools, outcome
from tasks.reconcile import reconcile
from tasks.sniff import sniff
from tasks.store import mark_done
from tasks.unit_ledger import UnitLedger


READ_WORKERS = max(1, min(2, os.cpu_count() or 1))  # measured: a third child on two cores gains nothing
reading_pools = KeptPools()  # started on first use (no process at import), closed at exit


def prepare(root: Path, finish_interrupted: bool = True) -> int:
    """Bring the database to the current schema and finish what an interrupted run left. Returns the
    number of ledger rows completed. Finishing touches every unit's rows: only a run that holds every
    unit's lock may do it (a per-unit run passes False)."""
    home = open_home(root)
    engine = make_engine(home.database_url)
    try:
        migrate(engine)
        if not finish_interrupted:
            return 0
        finished = reconcile(home, engine)
        mark_done(engine, finished)
        return len(finished)
    finally:
        engine.dispose()


def find_new(root: Path, now: dt.datetime, wall: float | None = None) -> Discovery:
    """Settled files: judged by the wall clock (`wall`, default the machine's), whatever `now` a run acts on."""
    home = open_home(root)
    return discover(home.inbox, {u.code for u in home.registry.units}, time.time() if wall is None else wall,
                    home.settings.settle_seconds)


def take_stock(root: Path, now: dt.datetime, finish_interrupted: bool = True) -> Discovery:
    """`prepare`, then `find_new`: one step of the flow rather than two, since a Prefect task costs
    ~40 ms of a run's wall time here whatever it does (measured: both together take ~10 ms of work)."""
    prepare(root, finish_interrupted)
    return find_new(root, now)


def ingest_batch(root: Path, batch: list[Dropped], now: dt.datetime, wall: float | None = None) -> list[FileOutcome]:
    """Each unit's files go to a limited child process, in order, through every step; units run in
    parallel. A child that dies or hangs takes only its unit's remaining files with it: those are
    tried again one per child, and a file that kills a reader even alone is refused as unreadable."""
    home = open_home(root)
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
                    refused = refuse_unreadable(root, dropped, result.reason, now)
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


def refuse_unreadable(root: Path, dropped: Dropped, reason: str, now: dt.datetime) -> FileOutcome | None:
    """A file that killed or hung a reader even alone: archived as it is, refused with 文件异常，无法读取.
    Runs here, in the run's process: nothing in it parses the file."""
    home = open_home(root)
    try:
        data = dropped.path.read_bytes()
    except OSError:
        return None
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    verdict = refused(sniff(data), reason)
    sha = sha256_of(data)
    dest = archive_path(home.archive, today.year, dropped.unit, sha, verdict.read.sniffed.kind)
    if not dest.exists():
        write_durably(dest, data)
    engine = make_engine(home.database_url)
    try:
        with engine.connect() as reader, engine.connect() as writer:
            with reader.begin():
                ledger = UnitLedger.load(reader, dropped.unit)
            result = answer(Arrived(dropped, sha, len(data), verdict, dest), home,
                            (reader, writer.execution_options(write=True)), ledger, now)
        mark_done(engine, [result.submission_id])
    finally:
        engine.dispose()
    return result


STATUS_WORDS = {"accepted": "已接收", "accepted_with_warnings": "已接收（有提示）", "rejected": "已退回",
                "duplicate": "重复报送"}


REFUSED_SHOWN = 50


@dataclass(frozen=True)
class Tally:
    """What a batch did, in counts: light enough to pass between Prefect tasks at any size of run."""
    by_unit: dict[str, dict[str, int]]              # unit → status (and "late") → files
    refused: tuple[tuple[str, str, str], ...] = ()  # (unit, file, why) of the first refused files


def tally(outcomes: list[FileOutcome]) -> Tally:
    by_unit: dict[str, Counter] = {}
    for o in outcomes:
        by_unit.setdefault(o.unit, Counter())[o.status] += 1
        if o.late:
            by_unit[o.unit]["late"] += 1
    refused = tuple((o.unit, o.name, "；".join(f.message for f in o.findings if f.level == "error")[:200])
                    for o in outcomes if o.status == "rejected")[:REFUSED_SHOWN]
    return Tally({u: dict(c) for u, c in by_unit.items()}, refused)


def ingest_and_tally(root: Path, batch: list[Dropped], now: dt.datetime) -> Tally:
    """The flow's batch step: ingest, and hand back counts rather than every file's outcome."""
    return tally(ingest_batch(root, batch, now))


@dataclass(frozen=True)
class IngestSummary:
    received: int
    by_status: dict[str, int]
    by_unit: dict[str, dict[str, int]]
    settling: int
    strays: tuple[str, ...]
    refused: tuple[tuple[str, str, str], ...] = ()

    def line(self) -> str:
        parts = [f"{STATUS_WORDS.get(k, k)} {v}" for k, v in sorted(self.by_status.items())]
        return (f"收到 {self.received} 个文件：" + ("，".join(parts) if parts else "无")
                + (f"；{self.settling} 个仍在写入，下次处理" if self.settling else "")
                + (f"；{len(self.strays)} 个不在已登记单位文件夹中" if self.strays else ""))


def summarize(tallies: list[Tally], discovery: Discovery) -> IngestSummary:
    by_unit: dict[str, Counter] = {}
    for t in tallies:
        for unit, counts in t.by_unit.items():
            by_unit.setdefault(unit, Counter()).update(counts)
    by_status: Counter = Counter()
    for counts in by_unit.values():
        by_status.update({k: v for k, v in counts.items() if k != "late"})
    refused = tuple(r for t in tallies for r in t.refused)[:REFUSED_SHOWN]
    return IngestSummary(sum(by_status.values()), dict(by_status), {u: dict(c) for u, c in by_unit.items()},
                         len(discovery.settling), discovery.strays, refused)
