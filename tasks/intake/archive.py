"""The archive: immutable originals under archive/<year>/<unit code>/<sha256>.<format>.

Names come from codes and hashes, never from the clerk's file name; a file already there is never
overwritten (same name ⇒ same content). Written durably: temp file, fsync, rename, fsync the folder.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
from pathlib import Path


def bytes_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_path(archive: Path, year: int, unit: str, sha256: str, fmt: str) -> Path:
    ext = fmt if fmt in {"xlsx", "xlsm", "xls", "ods"} else "bin"
    return archive / f"{year:04d}" / unit / f"{sha256}.{ext}"


def write_durably(dest: Path, data: bytes, sync: bool = True) -> None:
    """Temp file + rename, so the name never shows half a file. sync=False leaves durability to one
    `sync_filesystem` call for a whole batch (one flush instead of two fsyncs per file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, dest)
    if sync:
        fsync_dir(dest.parent)


def sync_filesystem(folder: Path) -> None:
    """Make everything written under `folder` durable: syncfs(2) on Linux, else a global sync."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
