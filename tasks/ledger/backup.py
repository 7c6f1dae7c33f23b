"""`township backup`: a copy of the SQLite ledger an office can keep, taken with SQLite's online backup
API while runs go on. Copying township.db by hand misses the rows still in township.db-wal."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from tasks.errors import TerminalError
from tasks.ledger.engine import sqlite_file


class BackupError(TerminalError):
    """The ledger cannot be backed up this way (PostgreSQL, missing file)."""


def backup_ledger(url: str, dest: Path) -> int:
    """Copy the ledger into `dest` (a new file: one self-contained database, no -wal beside it), check
    it, make it durable. Returns the number of submissions it holds."""
    path = sqlite_file(make_url(url))
    if path is None:
        raise BackupError("账本在 PostgreSQL 上：请用数据库自己的备份（pg_dump）备份它")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise BackupError(f"账本 {path} 不存在或为空，没有可备份的内容")
    if dest.exists():
        raise BackupError(f"{dest} 已存在：备份不会覆盖已有文件，请换一个文件名")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy, pages=1024)  # in steps: writers are held up for a moment at a time
            copy.execute("PRAGMA journal_mode=DELETE")  # one file: what an office copies is all of it
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"备份 {dest} 校验未通过，请重试")
            count = copy.execute("SELECT count(*) FROM submissions").fetchone()[0]
        finally:
            copy.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return count
