"""Names in outbox/: dated, and never overwriting an older file (a leader may hold the earlier one)."""
from __future__ import annotations

import datetime as dt
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
