"""Faults of the program or its surroundings (bad data is never an exception: it is a finding).

Terminal vs transient (dlt's split, STYLE.md): a transient fault may pass if tried again (a busy
database, a file held by an open Excel, a network share gone for a moment, a full disk an operator
clears); a terminal one will not. Either way it is ours, never the clerk's: `describe` says it in
Chinese for the operator, and the file waits in the inbox for the next try.
"""
from __future__ import annotations

import errno
import shutil
import sys
from pathlib import Path


class TownshipError(Exception):
    """A fault this program knows how to describe."""


class TransientError(TownshipError):
    """Worth retrying."""


class TerminalError(TownshipError):
    """Retrying will not help."""


TRANSIENT_DB_WORDS = ("database is locked", "database is busy", "database or disk is full", "disk i/o error",
                      "could not connect", "connection refused", "server closed the connection",
                      "terminating connection", "the database system is", "connection is closed",
                      "consuming input failed", "connection timeout", "timeout expired", "lock timeout",
                      "connection is lost", "ssl connection has been closed")
# SQLSTATE classes and codes a retry can outlive: connection exceptions (08), a server shutting down or
# starting (57P01-57P03), lock timeouts (55P03), serialization failures and deadlocks (40001, 40P01),
# insufficient resources such as a full disk (53).
TRANSIENT_SQLSTATES = ("08", "57P01", "57P02", "57P03", "55P03", "40001", "40P01", "53")
TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO, errno.EBUSY,
                    errno.EAGAIN, errno.ETIMEDOUT, errno.ESTALE, errno.ENOTCONN, errno.EHOSTUNREACH}


def _database_error(exc: BaseException) -> bool:
    """A DBAPIError of SQLAlchemy's. Looked up, not imported: a process that never imported SQLAlchemy
    (a dry run, a look at the home) cannot hold one, and need not pay its import (~0.2 s) to know."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.DBAPIError)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, TerminalError):
        return False
    if _database_error(exc):
        state = getattr(exc.orig, "sqlstate", None) or ""
        text = str(exc).lower()
        return (bool(exc.connection_invalidated) or state.startswith(TRANSIENT_SQLSTATES)
                or any(w in text for w in TRANSIENT_DB_WORDS))
    if isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS:
        return True  # a folder of ours made read-only, a full disk, a share gone: ours to mend, then retry
    return isinstance(exc, (ConnectionError, TimeoutError))


def describe(exc: BaseException) -> str:
    """The fault in a few Chinese words an operator can act on (never the clerk's fault)."""
    if isinstance(exc, TownshipError):
        return str(exc)
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text:
        return "磁盘空间不足，请清理磁盘后重试" + _where(exc)
    if "readonly database" in text or "read-only database" in text:
        return "账本数据库只读（数据库文件或其所在文件夹不可写），请检查权限后重试"
    if "unable to open database file" in text:
        return "无法打开账本数据库文件（文件夹不存在、不可写或磁盘已满），请检查后重试"
    if "disk i/o error" in text:
        return "账本数据库读写磁盘出错（磁盘已满、只读或断开），请检查磁盘后重试"
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限（文件夹只读或被锁定），请检查权限后重试" + _where(exc)
    if isinstance(exc, OSError):
        return f"文件系统暂时不可用（{exc.strerror or type(exc).__name__}）" + _where(exc)
    if "database is locked" in text or "database is busy" in text or "lock timeout" in text:
        return "账本数据库正被占用（另一个程序锁住了它），稍后重试"
    if _database_error(exc) and is_transient(exc):
        return "账本数据库暂时连不上（服务器重启、断线或正在关闭），稍后重试"
    return f"程序内部错误（{type(exc).__name__}），请联系维护人员"


def low_disk(folder: Path, below: int = 1 << 20) -> str | None:
    """Said when the disk holding `folder` is (nearly) full: a fault's real cause, whatever the error
    said (SQLite answers a full disk with "disk I/O error" when it cannot grow its -shm file)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    return f"磁盘空间不足（{folder} 所在磁盘仅剩 {free // 1024} KB），请清理磁盘后重试" if free < below else None


def _where(exc: BaseException) -> str:
    name = getattr(exc, "filename", None)
    return f"：{name}" if name else ""
