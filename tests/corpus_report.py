"""`python -m tests.corpus_report`: every file of ../shared/corpus through the same judging the ingest
uses (pre-checks, then read and validate in a limited child, a fresh child per file), with the verdict
by reason, the slowest files and the largest memory seen. A measurement, not a test."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pebble import ProcessPool

from tasks.intake.isolate import Failed, _limit_worker, outcome
from tasks.returns.judge import judge
from tasks.returns.validate import Context
from tests.helpers import VILLAGE, make_home
from tests.shared import CORPUS


def measured(path: str, ctx: Context, limits) -> tuple[str, float, int]:
    started = time.perf_counter()
    verdict = judge(Path(path).read_bytes(), ctx, limits)
    elapsed = time.perf_counter() - started
    hwm = next((int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")), 0)
    errors = [f.code for f in verdict.findings if f.level == "error"]
    return (errors[0] if errors else verdict.status), elapsed, hwm


def main() -> None:
    home = make_home(Path(tempfile.mkdtemp()) / "home")
    ctx = Context(VILLAGE, home.registry, home.catalog, dt.date(2024, 12, 20))
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("README.md", "SOURCES.tsv"))
    pool = ProcessPool(max_workers=2, max_tasks=1, initializer=_limit_worker,
                       initargs=(home.settings.limits.read_memory_mb,), context=multiprocessing.get_context("forkserver"))
    futures = [(p, pool.schedule(measured, args=(str(p), ctx, home.settings.limits),
                                 timeout=home.settings.limits.read_timeout_s)) for p in files]
    rows = []
    for path, future in futures:
        result = outcome(future)
        rel = str(path.relative_to(CORPUS))
        rows.append((rel, "E_UNREADABLE (" + result.reason + ")", None, None) if isinstance(result, Failed)
                    else (rel, *result))
    pool.close()
    pool.join()
    by_reason = Counter(r[1] for r in rows)
    print(f"{len(rows)} files")
    for reason, n in by_reason.most_common():
        print(f"  {n:4d}  {reason}")
    timed = sorted((r for r in rows if r[2] is not None), key=lambda r: -r[2])
    print("slowest:", *(f"{r[0]} {r[2]:.3f} s ({r[1]})" for r in timed[:5]), sep="\n  ")
    print("largest peak RSS of a reading child:",
          *(f"{r[0]} {r[3] / 1024:.0f} MB ({r[1]})" for r in sorted(timed, key=lambda r: -r[3])[:5]), sep="\n  ")


if __name__ == "__main__":
    sys.exit(main())
