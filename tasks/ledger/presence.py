"""A ledger that went missing is never made again in silence: an empty new one beside an archive full
of returns would hide every row (and SQLite discards a -wal file left without its database)."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from tasks.errors import TerminalError
from tasks.ledger.engine import sqlite_file


class LedgerMissing(TerminalError):
    """The SQLite ledger is missing or empty while the archive holds returns: restore it, do not recreate."""


def ensure_present(url: str, archive: Path) -> None:
    """Stop, saying why and what to do, when the ledger file is missing or empty but the archive is not."""
    path = sqlite_file(make_url(url))
    if path is None:
        return  # PostgreSQL: the server keeps it; a database that is gone fails to connect, loudly
    try:
        empty = os.stat(path).st_size == 0
    except FileNotFoundError:
        empty = True
    if not empty or not _holds_files(archive):
        return
    wal = Path(f"{path}-wal")
    kept = f"；旁边的 {wal.name} 还在，请勿删除它" if wal.exists() and wal.stat().st_size else ""
    raise LedgerMissing(
        f"账本 {path} 不见了或是空的，但 {archive} 里已有归档的报表：账本可能被删除或覆盖{kept}。"
        f"请从备份恢复（把 township backup 做的副本复制为 {Path(path).name}）；"
        f"确要从空账本重新开始，请先把 {archive.name}/ 移到别处。为防数据丢失，本次已停止，未改动任何文件。")


def _holds_files(archive: Path) -> bool:
    for _root, _dirs, files in os.walk(archive):
        if any(not name.startswith(".") for name in files):
            return True
    return False
