"""Reading in child processes with a memory limit and a timeout, so a file that kills or hangs a reader
(a Rust abort has no Python exception to catch) is refused with a receipt while the run goes on.

pebble's ProcessPool gives per-task timeouts and survives a worker's death (it reports ProcessExpired
and starts a new worker), which concurrent.futures cannot. Workers come from a forkserver: clean,
single-threaded parents, whatever threads Prefect runs in this process.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from schemas.settings import Limits
from tasks.errors import describe
from tasks.intake.child_limits import Failed, died, limit_child
from tasks.returns.judge import judge
from tasks.returns.sniff import sniff
from tasks.returns.validate import Context
from tasks.returns.verdict import Verdict, refused

T = TypeVar("T")
log = logging.getLogger(__name__)


_limit_worker = limit_child  # the pool's initializer (tests/corpus_report.py builds a pool of its own)


class Isolated:
    """A pool of limited workers; `map` returns each job's result, or Failed for a job that crashed,
    ran out of memory or time."""

    def __init__(self, limits: Limits, workers: int = 2, preload: tuple[str, ...] = ("tasks.intake.job",),
                 jobs_per_worker: int = 0) -> None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        self.limits = limits
        self.pool = ProcessPool(max_workers=workers, max_tasks=jobs_per_worker, initializer=_limit_worker,
                                initargs=(limits.read_memory_mb,), context=ctx)

    def map(self, fn: Callable[..., T], jobs: Iterable[tuple[Any, ...]]) -> list[T | Failed]:
        return [outcome(f) for f in [self.submit(fn, *job) for job in jobs]]

    def submit(self, fn: Callable[..., T], *args: Any):
        """A future; `outcome(future)` gives its result or Failed."""
        return self.pool.schedule(fn, args=args, timeout=self.limits.read_timeout_s)

    def submit_with_timeout(self, fn: Callable[..., T], timeout: float, *args: Any):
        return self.pool.schedule(fn, args=args, timeout=timeout)

    def close(self) -> None:
        self.pool.stop()
        self.pool.join(timeout=10)

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


JOBS_PER_WORKER = 50  # then a kept worker is replaced: whatever a long life gathers is given back


class KeptPools:
    """Reading pools kept for the life of the process, one per set of limits, so a run's batches (and
    the runs of one process: `township bench`, the tests) reuse warm workers. A new worker costs ~0.1 s
    before its first file goes at full speed — copy-on-write faults over the fork server's preloaded
    modules, cold caches — and stopping a pool waits up to 0.1 s for pebble's threads (measured: a
    1,000-file run 2.29 s → 2.05 s). Workers die with the process (PDEATHSIG); `close` runs at exit,
    before multiprocessing joins its children."""

    def __init__(self) -> None:
        self._pools: dict[tuple[int, float, int], Isolated] = {}
        self._lock = threading.Lock()
        self._closing_at_exit = False

    def get(self, limits: Limits, workers: int) -> Isolated:
        key = (limits.read_memory_mb, limits.read_timeout_s, workers)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None or not pool.pool.active:
                if pool is not None:
                    pool.close()
                pool = self._pools[key] = Isolated(limits, workers, jobs_per_worker=JOBS_PER_WORKER)
            if not self._closing_at_exit:
                atexit.register(self.close)
                self._closing_at_exit = True
            return pool

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


def outcome(future) -> Any:
    try:
        return future.result()
    except FutureTimeout:
        return Failed("读取超时", "timeout")
    except ProcessExpired as exc:
        return died(exc.exitcode)
    except MemoryError:
        return Failed("读取时内存超限", "memory")
    except Exception as exc:  # noqa: BLE001 — a fault of ours must not stop the run: said, and tried again
        log.exception("reading child failed")
        return Failed(describe(exc), "error")


def judge_isolated(data: bytes, ctx: Context, limits: Limits) -> Verdict:
    """`judge` in a limited child process: a file that kills or hangs the reader is refused, not fatal."""
    with Isolated(limits, workers=1) as pool:
        [result] = pool.map(judge, [(data, ctx, limits)])
    return refused(sniff(data), result.reason) if isinstance(result, Failed) else result

