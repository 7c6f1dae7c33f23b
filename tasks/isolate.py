"""Reading in child processes with a memory limit and a timeout, so a file that kills or hangs a reader
(a Rust abort has no Python exception to catch) is refused with a receipt while the run goes on.

pebble's ProcessPool gives per-task timeouts and survives a worker's death (it reports ProcessExpired
and starts a new worker), which concurrent.futures cannot. Workers come from a forkserver: clean,
single-threaded parents, whatever threads Prefect runs in this process.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import resource
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from schemas.settings import Limits

T = TypeVar("T")
log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


def _limit_worker(memory_mb: int) -> None:
    """In each worker: die with the parent, and cap the address space at its size now + memory_mb."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    vm = _vm_size_bytes()
    if vm:
        cap = vm + memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _vm_size_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Failed:
    """A job the child could not finish: why, in a few Chinese words."""
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Failed({self.reason!r})"


class Isolated:
    """A pool of limited workers; `map` returns each job's result, or Failed for a job that crashed,
    ran out of memory or time."""

    def __init__(self, limits: Limits, workers: int = 2, preload: tuple[str, ...] = ("tasks.check",)) -> None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        self.limits = limits
        self.pool = ProcessPool(max_workers=workers, initializer=_limit_worker, initargs=(limits.read_memory_mb,),
                                context=ctx)

    def map(self, fn: Callable[..., T], jobs: Iterable[tuple[Any, ...]]) -> list[T | Failed]:
        return [outcome(f) for f in [self.submit(fn, *job) for job in jobs]]

    def submit(self, fn: Callable[..., T], *args: Any):
        """A future; `outcome(future)` gives its result or Failed."""
        return self.pool.schedule(fn, args=args, timeout=self.limits.read_timeout_s)

    def close(self) -> None:
        self.pool.stop()
        self.pool.join(timeout=10)

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def outcome(future) -> Any:
    try:
        return future.result()
    except FutureTimeout:
        return Failed("读取超时")
    except ProcessExpired as exc:
        return Failed(f"读取进程异常退出（{_signal_name(exc.exitcode)}）")
    except MemoryError:
        return Failed("读取时内存超限")
    except Exception as exc:  # noqa: BLE001 — a fault of ours on one odd file must not stop the run
        log.exception("reading child failed")
        return Failed(f"内部错误：{type(exc).__name__}")


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            pass
    return f"exit {code}"
