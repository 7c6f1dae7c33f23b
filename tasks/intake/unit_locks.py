"""One ingest at a time per unit of a home: locks that work with or without a Prefect server.

A whole-home run takes every unit's lock; a per-unit run (the dispatcher's, on any worker) takes only
its own units', so runs for different units go on side by side and never touch the same file.
SQLite homes live on one machine: lock files beside the home. A PostgreSQL home is shared by workers on
several machines, where lock files on a network share cannot be trusted: session advisory locks in the
database itself. Whatever the locks do, the ledger's unique index is the last line of defence.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from tasks.errors import TerminalError

LOCK_DIR = ".locks"


class LockBusy(TerminalError):
    """Another run holds the lock; terminal for this run (the next scheduled run goes on)."""


@contextmanager
def unit_locks(root: Path, database_url: str, units: list[str], wait_seconds: float = 10.0) -> Iterator[None]:
    """Hold the ingest lock of every unit in `units` (taken in sorted order, so two runs never deadlock),
    waiting at most `wait_seconds` in all; LockBusy names the unit another run holds."""
    wanted = sorted(set(units))
    if database_url.startswith("postgresql"):
        with _advisory_locks(database_url, wanted, wait_seconds):
            yield
        return
    deadline = time.monotonic() + wait_seconds
    folder = root / LOCK_DIR
    folder.mkdir(exist_ok=True)
    with ExitStack() as stack:
        for unit in wanted:
            lock = FileLock(str(folder / f"ingest-{unit}.lock"), timeout=max(0.0, deadline - time.monotonic()))
            try:
                lock.acquire()
            except Timeout as exc:
                raise LockBusy(_busy(unit)) from exc
            stack.callback(lock.release)
        yield


def _busy(unit: str) -> str:
    return f"另一个入库正在处理单位 {unit} 的文件，本次退出（下次定时运行会继续）"


def lock_key(unit: str) -> int:
    """A stable signed 64-bit key per unit (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"township-ingest:{unit}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_locks(url: str, units: list[str], wait_seconds: float) -> Iterator[None]:
    # Session-level locks on a connection of their own: released when it closes, even if this
    # process is killed (the server notices the dropped connection).
    from sqlalchemy import create_engine, text

    engine = create_engine(url, poolclass=_null_pool())
    deadline = time.monotonic() + wait_seconds
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for unit in units:
                while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(unit)}).scalar():
                    if time.monotonic() >= deadline:
                        raise LockBusy(_busy(unit))
                    time.sleep(0.2)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock_all()"))
    finally:
        engine.dispose()


def _null_pool():
    from sqlalchemy.pool import NullPool
    return NullPool
