"""The archive: immutable originals under archive/<year>/<unit code>/<sha256>.<format>.

Names come from codes and hashes, never from the clerk's file name; a file already there is never
overwritten (same name ⇒ same content). Written durably: temp file, fsync, rename, fsync the folder.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_path(archive: Path, year: int, unit: str, sha256: str, fmt: str) -> Path:
    ext = fmt if fmt in {"xlsx", "xlsm", "xls", "ods"} else "bin"
    return archive / f"{year:04d}" / unit / f"{sha256}.{ext}"


def write_durably(dest: Path, data: bytes, sync_folder: bool = True) -> None:
    """The bytes are on disk before the name appears; the folder entry is durable once the folder is
    fsynced (here, or by the caller once for many files)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    if sync_folder:
        fsync_dir(dest.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
