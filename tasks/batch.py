"""A batch of dropped files through the ingest steps: the unit of work one Prefect task runs.

Per-file Prefect tasks cost ~8–10 ms each (MEASURED.md), so a task takes a batch of files.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from tasks.db import make_engine, migrate
from tasks.discover import Discovery, Dropped, discover
from tasks.home import open_home
from tasks.archive import archive_path, sha256_of, sync_filesystem, write_durably
from tasks.check import refused
from tasks.home import Home
from tasks.ingest import Arrived, FileOutcome, arrive, store
from tasks.isolate import Failed, Isolated, outcome
from tasks.receipt import write_receipt
from tasks.reconcile import reconcile, remove
from tasks.sniff import sniff
from tasks.validate import Context
from tasks.store import mark_done


READ_WORKERS = max(1, min(2, os.cpu_count() or 1))


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


def ingest_batch(root: Path, batch: list[Dropped], now: dt.datetime, wall: float | None = None) -> list[FileOutcome]:
    """Children judge and archive the files while this process stores them, one transaction per file,
    in groups whose archive copies were made durable first; each receipt goes back to a child as soon
    as its file is stored. A file leaves the inbox once its receipt is written. Files still arriving wait."""
    home = open_home(root)
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    wall = time.time() if wall is None else wall
    outcomes: list[FileOutcome] = []
    with Isolated(home.settings.limits, workers=READ_WORKERS) as pool:
        arriving = [pool.submit(arrive, d, Context(d.unit, home.registry, home.catalog, today, home.settings.max_count),
                                home.settings.limits, home.archive, wall, home.settings.settle_seconds)
                    for d in batch]
        answering = []
        engine = make_engine(home.database_url)
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(write=True)  # each file's transaction takes the write lock at once
                for group in _groups(zip(batch, arriving), GROUP):
                    arrived = [_arrived(d, outcome(f), home, today) for d, f in group]
                    arrived = [a for a in arrived if a is not None]
                    if arrived:
                        sync_filesystem(home.archive)  # the group's archive copies are durable before its commits
                    for a in arrived:
                        result, info = store(a, home, conn, now)
                        outcomes.append(result)
                        answering.append((a, result, pool.submit(write_receipt, info)))
            done = []
            for a, result, future in answering:
                if not isinstance(outcome(future), Failed):
                    remove(a.dropped.path)
                    done.append(result.submission_id)
            mark_done(engine, done)  # a receipt that failed: reconcile writes it next run, then empties the inbox
        finally:
            engine.dispose()
    return outcomes


GROUP = 25  # files stored between two file-system syncs


def _groups(items, size: int):
    group = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def _arrived(dropped: Dropped, result, home: Home, today: dt.date) -> Arrived | None:
    return refuse_unreadable(dropped, result, home, today) if isinstance(result, Failed) else result


def refuse_unreadable(dropped: Dropped, failed: Failed, home: Home, today: dt.date) -> Arrived | None:
    """A file that killed or hung its reader: archived as it is, refused with 文件异常，无法读取."""
    try:
        data = dropped.path.read_bytes()
    except OSError:
        return None
    verdict = refused(sniff(data), failed.reason)
    sha = sha256_of(data)
    dest = archive_path(home.archive, today.year, dropped.unit, sha, verdict.read.sniffed.kind)
    if not dest.exists():
        write_durably(dest, data, sync=False)
    return Arrived(dropped, sha, len(data), verdict, dest)


STATUS_WORDS = {"accepted": "已接收", "accepted_with_warnings": "已接收（有提示）", "rejected": "已退回",
                "duplicate": "重复报送"}


@dataclass(frozen=True)
class IngestSummary:
    received: int
    by_status: dict[str, int]
    by_unit: dict[str, dict[str, int]]
    settling: int
    strays: tuple[str, ...]
    outcomes: tuple[FileOutcome, ...] = field(default=(), repr=False)

    def line(self) -> str:
        parts = [f"{STATUS_WORDS.get(k, k)} {v}" for k, v in sorted(self.by_status.items())]
        return (f"收到 {self.received} 个文件：" + ("，".join(parts) if parts else "无")
                + (f"；{self.settling} 个仍在写入，下次处理" if self.settling else "")
                + (f"；{len(self.strays)} 个不在已登记单位文件夹中" if self.strays else ""))


def summarize(outcomes: list[FileOutcome], discovery: Discovery) -> IngestSummary:
    by_unit: dict[str, Counter] = {}
    for o in outcomes:
        by_unit.setdefault(o.unit, Counter())[o.status] += 1
        if o.late:
            by_unit[o.unit]["late"] += 1
    return IngestSummary(len(outcomes), dict(Counter(o.status for o in outcomes)),
                         {u: dict(c) for u, c in by_unit.items()}, len(discovery.settling),
                         discovery.strays, tuple(outcomes))
