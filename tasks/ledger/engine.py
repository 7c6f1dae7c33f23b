"""Connecting to the ledger: engines, SQLite pragmas, the write queue and group commit.

SQLite by default, in WAL with synchronous=FULL so a committed return survives power loss
(MEASURED.md: one transaction per file costs ~0.1 ms in WAL); PostgreSQL for the scale-out path.
The ingest's reading children commit each file without waiting for the disk and make a whole job's
commits durable with one `flush_ledger` before any receipt tells a clerk (group commit).
"""
from __future__ import annotations

import fcntl
import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url


def make_engine(url: str, sync_each_commit: bool = True, read_only: bool = False) -> Engine:
    """sync_each_commit=False (SQLite): a commit does not wait for the disk. Only for a caller that
    calls `flush_ledger` before anything outside the database depends on its commits. read_only: every
    write refused by the database itself (a command that only looks)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None})
        if read_only:
            event.listen(engine, "connect", lambda conn, _record: _sqlite_read_only(conn))
            return engine
        synchronous = "FULL" if sync_each_commit else "NORMAL"
        event.listen(engine, "connect", lambda conn, _record: _sqlite_pragmas(conn, synchronous))
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "close", _close_write_lock)
        return engine
    # A lock held by another session (LOCK TABLE, a stuck transaction) is waited for as long as SQLite's
    # busy timeout, then a clean, transient error: never an endless wait that looks like a hung file.
    options = "-c lock_timeout=30000" + (" -c default_transaction_read_only=on" if read_only else "")
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options})


class KeptEngines:
    """Engines kept by a long-lived process (a kept reading worker), least recently used disposed. An
    engine compiles each statement once (~2 ms apiece): an engine per job compiled the ingest's seven
    statements again for every hundred files. A SQLite engine is kept only while its file is the same
    file (a home removed and made again at the same path gets a new engine, never a stale handle)."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._engines: OrderedDict[tuple[str, bool, int], Engine] = OrderedDict()

    def get(self, url: str, sync_each_commit: bool = True) -> Engine:
        key = (url, sync_each_commit, _file_identity(url))
        engine = self._engines.pop(key, None) or make_engine(url, sync_each_commit)
        self._engines[key] = engine
        while len(self._engines) > self.size:
            _, old = self._engines.popitem(last=False)
            old.dispose()
        return engine

    def dispose(self) -> None:
        """Every kept engine closed: after a lost -wal (`readback.py`) their connections write into the
        unlinked file; new ones open what the paths name. Closing the last connection to the old file
        checkpoints it into the database, which saves its rows when no other process holds it."""
        engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            engine.dispose()


def _file_identity(url: str) -> int:
    path = sqlite_file(make_url(url))
    if path is None:
        return 0
    try:
        return os.stat(path).st_ino
    except OSError:
        return 0


def sqlite_file(url: URL) -> str | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def _sqlite_pragmas(dbapi_conn, synchronous: str = "FULL") -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    _wal(cur)
    # FULL: the ledger must survive power loss. NORMAL (WAL): a commit survives a crash of the process
    # at once and power loss after the next flush_ledger or checkpoint.
    cur.execute(f"PRAGMA synchronous={synchronous}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_read_only(dbapi_conn) -> None:
    """A looking connection: waits out a writer like the others, never writes (not even the journal
    mode: the file is in WAL from its first ingest, or it is empty)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def flush_ledger(engine: Engine) -> None:
    """Make every commit so far durable. SQLite in WAL keeps commits in the -wal file until a checkpoint,
    so one fsync of that file covers all of them, whichever connection or process wrote them (fsync
    flushes the file, not a descriptor). PostgreSQL commits are durable already."""
    path = sqlite_file(engine.url)
    if path is None:
        return
    try:
        fd = os.open(f"{path}-wal", os.O_RDONLY)
    except FileNotFoundError:
        return  # no WAL: everything is in the database file, which checkpoints have synced
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wal(cur, attempts: int = 40) -> None:
    """WAL is a property of the file, set once. Runs opening a fresh file at the same moment (serve's
    arrival run and its cron run) race to set it, and SQLite answers the loser "database is locked"
    at once, without its busy timeout: look first, and try again shortly."""
    import sqlite3
    import time

    for attempt in range(attempts):
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(0.5, 0.02 * (attempt + 1)))


def _sqlite_begin(conn) -> None:
    # pysqlite's own transaction handling is off (isolation_level=None); writers take the lock up front
    # so a read-then-write transaction never fails half-way with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that will write: all of it commits, or none of it; queued like every writer."""
    with engine.connect() as conn:
        with writing(conn.execution_options(write=True)) as writer:
            yield writer


@contextmanager
def writing(conn: Connection) -> Iterator[Connection]:
    """One write transaction on a connection opened with execution_options(write=True).

    SQLite lets one writer in at a time and makes the others wait by sleeping and retrying (1, 2, 5,
    10 ms …); with several reading children writing their own files that backoff wasted more time than
    the writes took. An exclusive lock on a file beside the database queues writers instead: the kernel
    wakes the next one the moment the lock is free."""
    lock = _sqlite_write_lock(conn)
    if lock is None:
        with conn.begin():
            yield conn
        return
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with conn.begin():
            yield conn
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)


def _close_write_lock(_dbapi_conn, record) -> None:
    """The lock file's descriptor lives as long as the database connection it was opened for."""
    fd = record.info.pop("write_lock_fd", None)
    if fd is not None:
        os.close(fd)


def _sqlite_write_lock(conn: Connection) -> int | None:
    path = sqlite_file(conn.engine.url)
    if path is None:
        return None
    fd = conn.info.get("write_lock_fd")
    if fd is None:
        fd = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o644)
        conn.info["write_lock_fd"] = fd  # one per pooled connection, closed with it (_close_write_lock)
    return fd
