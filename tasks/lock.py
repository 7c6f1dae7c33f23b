"""One ingest at a time per home: a lock file that works with or without a Prefect server."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from tasks.errors import TerminalError


class LockBusy(TerminalError):
    """Another run holds the home's lock; terminal for this run (the next scheduled run goes on)."""


@contextmanager
def home_lock(root: Path, name: str = "ingest", wait_seconds: float = 10.0) -> Iterator[None]:
    lock = FileLock(str(root / f".{name}.lock"), timeout=wait_seconds)
    try:
        lock.acquire()
    except Timeout as exc:
        raise LockBusy(f"另一个{name}正在运行（{root}），本次退出") from exc
    try:
        yield
    finally:
        lock.release()
