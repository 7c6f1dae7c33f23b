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
from tasks.ingest import FileOutcome, commit, is_incomplete, judge_all, reconcile, take
from tasks.isolate import Isolated
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
    """Read and validate the batch in limited child processes, then store, answer and archive each
    file in order. Files still arriving are left for the next run."""
    home = open_home(root)
    today = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
    taken = [t for t in map(take, batch) if t is not None]
    with Isolated(home.settings.limits, workers=READ_WORKERS) as pool:
        verdicts = judge_all(taken, home, today, pool)
    engine = make_engine(home.database_url)
    outcomes: list[FileOutcome] = []
    try:
        for t, verdict in zip(taken, verdicts):
            if is_incomplete(t, verdict, time.time() if wall is None else wall, home.settings.settle_seconds):
                continue
            outcomes.append(commit(t, verdict, home, engine, now))
        mark_done(engine, [o.submission_id for o in outcomes])
    finally:
        engine.dispose()
    return outcomes


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
