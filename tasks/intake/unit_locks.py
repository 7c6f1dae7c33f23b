"""One ingest at a time per unit of a home: locks that work with or without a Prefect server.

A whole-home run takes every unit's lock; a per-unit run (the dispatcher's, on any worker) takes only
its own units', so runs for different units go on side by side and never touch the same file.
SQLite homes live on one machine: lock files beside the home. A PostgreSQL home is shared by workers on
several machines, where lock files on a network share cannot be trusted: session advisory locks in the
database itself, on a connection that is watched — a session the server ends (a restart, an
administrator's pg_terminate_backend) drops its locks, so they are taken again at once, or the run stops
at its next step. Whatever the locks do, the ledger's unique index is the last line of defence.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from tasks.errors import TerminalError, describe, is_transient
from tasks.ledger.patience import LEDGER_WAIT_S, patiently

LOCK_DIR = ".locks"
WATCH_EVERY_S = 1.0
APPLICATION_NAME = "township-unit-locks"  # how an administrator (and a test) finds the lock session
log = logging.getLogger(__name__)


class LockBusy(TerminalError):
    """Another run holds the lock; terminal for this run (the next scheduled run goes on)."""


class LockLost(TerminalError):
    """The locks' session ended and another run took a unit's lock before this one could again."""


class HeldLocks:
    """What a run holds; `check` before each step raises LockLost if the locks could not be kept."""

    def check(self) -> None:
        return None


@contextmanager
def unit_locks(root: Path, database_url: str, units: list[str], wait_seconds: float = 10.0,
               fault_wait_s: float = LEDGER_WAIT_S) -> Iterator[HeldLocks]:
    """Hold the ingest lock of every unit in `units` (taken in sorted order, so two runs never deadlock),
    waiting at most `wait_seconds` in all; LockBusy names the unit another run holds. fault_wait_s: how
    long a database server that is away (restarting) is waited for."""
    wanted = sorted(set(units))
    if database_url.startswith("postgresql"):
        locks = AdvisoryLocks(database_url, wanted, fault_wait_s)
        locks.take(time.monotonic() + wait_seconds)
        try:
            locks.watch()
            yield locks
        finally:
            locks.release()
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
        yield HeldLocks()  # a file lock lives as long as this process's descriptor: nothing to watch


def _busy(unit: str) -> str:
    return f"另一个入库正在处理单位 {unit} 的文件，本次退出（下次定时运行会继续）"


def lock_key(unit: str) -> int:
    """A stable signed 64-bit key per unit (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"township-ingest:{unit}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryLocks(HeldLocks):
    """Session-level advisory locks on a connection of their own (released when it closes, even if this
    process is killed), looked at every WATCH_EVERY_S by a thread and before each step by the run."""

    def __init__(self, url: str, units: list[str], fault_wait_s: float = LEDGER_WAIT_S) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.units = units
        self.fault_wait_s = fault_wait_s
        self.engine = create_engine(url, poolclass=NullPool, connect_args={"application_name": APPLICATION_NAME})
        self.conn = None
        self.lost: str | None = None
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def take(self, deadline: float) -> None:
        """Connect (waiting out a restarting server) and take every unit's lock by `deadline`."""
        from sqlalchemy import text

        conn = patiently(lambda: self.engine.connect().execution_options(isolation_level="AUTOCOMMIT"),
                         self.fault_wait_s)
        try:
            for unit in self.units:
                while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(unit)}).scalar():
                    if time.monotonic() >= deadline:
                        raise LockBusy(_busy(unit))
                    time.sleep(0.2)
        except BaseException:
            conn.close()  # the session ends: whatever it took is released
            raise
        self.conn = conn

    def held(self) -> bool:
        from sqlalchemy import text

        count = self.conn.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()"
        )).scalar()
        return count >= len(self.units)

    def check(self) -> None:
        with self._mutex:
            if self.lost is None:
                self._keep()
            if self.lost is not None:
                raise LockLost(self.lost)

    def _keep(self) -> None:
        try:
            if self.conn is not None and self.held():
                return
        except Exception as exc:  # noqa: BLE001 — the session is gone: take the locks again below
            if not is_transient(exc):
                log.warning("lock session check failed", exc_info=True)
        self._close_quietly()
        log.warning("入库锁的数据库会话已中断，重新加锁")
        try:
            self.take(time.monotonic())  # at once or never: a run that took a lock meanwhile keeps it
        except LockBusy as exc:
            self.lost = f"入库锁在运行中丢失（数据库会话被中断），{exc}"
        except Exception as exc:  # noqa: BLE001 — the server stayed away longer than the wait
            self.lost = f"入库锁在运行中丢失（{describe(exc)}），本次停止，下次运行会继续"

    def watch(self) -> None:
        def loop() -> None:
            while not self._stop.wait(WATCH_EVERY_S):
                try:
                    self.check()
                except LockLost:
                    return
        self._thread = threading.Thread(target=loop, name="township-lock-watch", daemon=True)
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._mutex:
            if self.conn is not None:
                from sqlalchemy import text
                try:
                    self.conn.execute(text("SELECT pg_advisory_unlock_all()"))
                except Exception:  # noqa: BLE001 — a dead session holds nothing
                    pass
            self._close_quietly()
        self.engine.dispose()

    def _close_quietly(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass
            self.conn = None
