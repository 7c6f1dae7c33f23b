"""Contracts as last validated, kept between processes: a command that opens an unchanged township.toml,
units.yaml or indicators.yaml (or the package's own YAML) takes the models it built last time instead of
parsing YAML and building pydantic's validators again (~35 ms of a 0.2 s `township check`).

A snapshot is trusted only when all of these hold, else the file is read and validated as before:
- the source file is the one it was taken from, unchanged: device, inode, size, mtime and ctime (an
  editor, `cp -p` or `touch -d` all change one of them);
- it was taken at least RACY_S after the file's last change (a change within the same clock tick
  as the snapshot would otherwise leave its times as they were: git's "racily clean" index entries);
- the code that validated it is unchanged (every file of this package, pydantic's and Python's version);
- it is the user's own regular file, writable by no one else (unpickling runs code): snapshots live in
  the user's cache directory, never in a township's home, which others may share.
"""
from __future__ import annotations

import functools
import os
import pickle
import stat
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
RACY_S = 2.0
KEEP = 64        # snapshots kept at most (the oldest go): every home ever opened, a test's or a bench's, has its own
CACHE_ENV = "TOWNSHIP_CACHE"  # a directory; "off" keeps no snapshots


def cache_dir() -> Path | None:
    chosen = os.environ.get(CACHE_ENV)
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "township" / "contracts"


def snapshotted(load: Callable[[Path], T]) -> Callable[[Path], T]:
    """`load(path)` (a loader that validates a contract file into frozen models), kept between processes."""

    @functools.wraps(load)
    def kept(path: Path) -> T:
        where = cache_dir()
        before = _identity(path)
        if where is None or before is None:
            return load(path)
        entry = where / f"{_entry_name(load, path)}.pickle"
        key = (_code_fingerprint(), os.path.abspath(path), before)
        found = _read(entry, key)
        if found is not None:
            return found
        value = load(path)
        if _identity(path) == before and time.time_ns() - before[3] > RACY_S * 1e9:
            _write(where, entry, key, value)
        return value

    return kept


def _identity(path: Path) -> tuple[int, int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _entry_name(load: Callable, path: Path) -> str:
    """One file per loader and source path (the key holds the path too: a clash of names is a miss)."""
    name = f"{load.__module__}.{load.__qualname__}\0{os.path.abspath(path)}".encode()
    return f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}"


@functools.cache
def _code_fingerprint() -> tuple:
    import pydantic

    here = Path(__file__).parent
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in here.iterdir() if p.is_file())
    return (sys.version, pydantic.VERSION, tuple(files))


def _read(entry: Path, key: tuple):
    try:
        fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            kept_key, value = pickle.load(fh)
    except Exception:  # noqa: BLE001 — a damaged or foreign snapshot is no snapshot: read the file
        return None
    finally:
        os.close(fd)
    return value if kept_key == key else None


def _write(where: Path, entry: Path, key: tuple, value) -> None:
    """Atomic, and never fatal: a cache that cannot be written (read-only home, full disk) is skipped."""
    import tempfile  # only when a snapshot is taken: a command that finds one does not pay for it

    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=where, prefix=".snapshot-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, entry)
        except BaseException:
            os.unlink(temp)
            raise
        _prune(where)
    except Exception:  # noqa: BLE001
        return


def _prune(where: Path) -> None:
    entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
