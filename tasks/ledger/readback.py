"""Rows read back before anyone is told they are stored (issue 22: receipts without rows).

SQLite in WAL keeps a job's commits in township.db-wal until a checkpoint. If that file is deleted or
replaced while the reading children run (a cleaning tool, an operator tidying "temporary" files), their
connections go on committing into the unlinked file: every commit "succeeds", the job wrote 已接收
receipts and emptied the inbox, and the rows vanished when the children ended (measured: 348 of 900).
A connection of the job's own cannot see it. A fresh connection opens the files the paths name now:
it fails (the shared index names frames the new -wal lacks: "disk I/O error") or lacks the rows.
So a job's rows are read back through one, by one query, after its flush and before its first receipt.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from tasks.errors import TransientError
from tasks.ledger.engine import sqlite_file

CHUNK = 500  # ids a query (SQLite's variable limit is far above; a job holds a few hundred files)


class LedgerLost(TransientError):
    """Rows this process committed are not in the ledger a fresh connection sees: nothing is answered."""

    def __init__(self, missing: int, cause: str = "") -> None:
        self.missing = missing
        super().__init__(f"刚写入账本的 {missing} 条记录从新连接读不到{cause}：账本旁的 -wal 或 -shm 文件可能在运行中"
                         "被删除或替换（请勿删除）。这些文件未发回执，仍在收件箱，下次运行再处理")


def read_back(engine: Engine, rows: dict[int, str]) -> None:
    """rows: id → sha256 as committed. Raises LedgerLost unless every one is there, through a connection
    of its own (never the engine's pool, which holds the unlinked file). PostgreSQL: its commits are
    durable and shared when they return; nothing to read back."""
    path = sqlite_file(engine.url)
    if path is None or not rows:
        return
    ids = list(rows)
    try:
        # mode=rw: a missing ledger is an error here, never a new empty one made by looking
        conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=rw", uri=True, timeout=30,
                               isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise LedgerLost(len(rows), f"（{exc}）") from exc
    try:
        conn.execute("PRAGMA query_only=ON")
        found: dict[int, str] = {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start:start + CHUNK]
            found.update(conn.execute(f"SELECT id, sha256 FROM submissions WHERE id IN ({','.join('?' * len(part))})",
                                      part).fetchall())
    except sqlite3.Error as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise  # held by another program past the busy timeout: said as such (tasks/errors.py)
        raise LedgerLost(len(rows), f"（{exc}）") from exc
    finally:
        conn.close()
    missing = sum(found.get(i) != sha for i, sha in rows.items())
    if missing:
        raise LedgerLost(missing)
