"""Real faults for the tests of issue 13: a ledger held by another connection, a folder made immutable,
reading children killed mid-file. Each is made for real and undone by the test."""
from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from tasks.ledger.engine import make_engine
from tasks.ledger.tables import submissions


def ledger_rows(home) -> list:
    engine = make_engine(home.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(submissions).order_by(submissions.c.id)).all()
    finally:
        engine.dispose()


def waiting_in_inbox(home) -> list[Path]:
    return sorted(p for p in home.inbox.rglob("*") if p.is_file() and "回执" not in p.parts and p.name != "README.md")


@contextmanager
def sqlite_held(db: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the ledger with BEGIN EXCLUSIVE (as an office's backup tool or a DB
    browser left open would)."""
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@contextmanager
def write_queue_held(db: Path) -> Iterator[None]:
    """The ledger's write queue (the flock beside it, tasks/ledger/engine.py) held by this process."""
    fd = os.open(f"{db}.write-lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """`chattr +i`: not even root may create a file in it (the office's share locked by an admin)."""
    if os.geteuid() != 0:
        pytest.skip("chattr +i needs root")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"this file system does not allow chattr +i: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def waiting_on(path: Path) -> list[int]:
    """Pids of other processes blocked in flock() on `path` (from /proc/locks: "-> FLOCK … pid maj:min:inode")."""
    inode = os.stat(path).st_ino
    pids = []
    with open("/proc/locks", encoding="ascii") as fh:
        for line in fh:
            fields = line.split()
            if "->" in fields and "FLOCK" in fields:
                rest = fields[fields.index("->") + 1:]
                pid, where = int(rest[3]), rest[4]
                if where.rsplit(":", 1)[-1] == str(inode) and pid != os.getpid():
                    pids.append(pid)
    return pids
