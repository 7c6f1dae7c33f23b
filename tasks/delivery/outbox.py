"""Names in outbox/: dated, and never overwriting an older file (a leader may hold the earlier one)."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path


def dated_paths(outbox: Path, on: dt.date, *names: tuple[str, str]) -> list[Path]:
    """[(stem, suffix), …] → paths '<stem>-YYYYMMDD<suffix>' sharing one '-2', '-3' … tag, chosen so
    that none of them exists yet: a workbook and its notice keep the same name."""
    n = 1
    while True:
        tag = f"-{on:%Y%m%d}" + (f"-{n}" if n > 1 else "")
        paths = [outbox / f"{stem}{tag}{suffix}" for stem, suffix in names]
        if not any(p.exists() for p in paths):
            return paths
        n += 1


def dated_path(outbox: Path, stem: str, suffix: str, on: dt.date) -> Path:
    return dated_paths(outbox, on, (stem, suffix))[0]


def free_path(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext` … when it exists already."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def write_atomic(path: Path, data: bytes) -> Path:
    """Bytes made in memory (a full disk then fails this plain write, not a library's half-written zip)
    written under a hidden name nobody can guess in the same folder, then renamed: a reader or a crash
    never sees half a file, and a failed write leaves nothing behind. The folder must exist."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:40]}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # as the office's other files (mkstemp's 0600 hides it from a shared drive)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
