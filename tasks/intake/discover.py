"""Finding new files in the inbox: inbox/<unit code>/…, left alone until they settle (DESIGN §4)."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tasks.home import RECEIPT_DIR, TEMPLATE_DIR

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "readme.md"}
TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".bak~", "~")


@dataclass(frozen=True, slots=True)
class Dropped:
    unit: str          # the folder's name: identity comes from where the file was dropped
    path: Path
    name: str          # the name as dropped, relative to the unit's folder
    size: int
    mtime: float
    ctime: float = 0.0  # when it came into the folder (a copy keeps the clerk's mtime, not the ctime)


@dataclass(frozen=True)
class Discovery:
    ready: tuple[Dropped, ...]      # settled files in registered units' folders, oldest first
    settling: tuple[Dropped, ...]   # changed within the settle time: next run
    strays: tuple[str, ...]         # files outside registered units' folders, symlinks: never ingested
    future_dated: tuple[str, ...] = ()  # modified "in the future" (a clock set wrong): settled by ours


def is_ignored(name: str) -> bool:
    """Office/WPS/LibreOffice lock files, hidden and temporary files are not returns."""
    low = name.lower()
    return (low.startswith(("~$", ".~lock.", ".", "~wrl")) or low in IGNORED_NAMES
            or low.endswith(TEMP_SUFFIXES) or (low.startswith("~") and low.endswith(".tmp")))


def discover(inbox: Path, unit_codes: set[str], now: float, settle_seconds: float) -> Discovery:
    """`now` is the wall clock (seconds since the epoch): settling is about the file system, not the
    business date a run may be told to act on."""
    ready: list[Dropped] = []
    settling: list[Dropped] = []
    strays: list[str] = []
    future: list[str] = []
    if not inbox.is_dir():
        return Discovery((), (), ())
    for entry in _scan(inbox):
        if entry.is_symlink():
            strays.append(readable_name(entry.name))
        elif entry.is_dir(follow_symlinks=False):
            if entry.name in unit_codes:
                _walk_unit(Path(entry.path), entry.name, now, settle_seconds, ready, settling, strays, future)
            elif not is_ignored(entry.name):
                strays.extend(readable_name(f"{entry.name}/{p.name}") for p in _files_below(Path(entry.path)))
        elif entry.is_file(follow_symlinks=False) and not is_ignored(entry.name):
            strays.append(readable_name(entry.name))
    ready.sort(key=lambda d: (d.mtime, d.unit, d.name))
    return Discovery(tuple(ready), tuple(settling), tuple(sorted(strays)), tuple(future))


def _scan(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []


def _walk_unit(folder: Path, unit: str, now: float, settle: float, ready: list[Dropped],
               settling: list[Dropped], strays: list[str], future: list[str], prefix: str = "") -> None:
    for entry in _scan(folder):
        rel = f"{prefix}{entry.name}"
        if is_ignored(entry.name) or (not prefix and entry.name in (RECEIPT_DIR, TEMPLATE_DIR)):
            continue
        if entry.is_symlink():
            strays.append(readable_name(f"{unit}/{rel}"))  # never followed: it could point out of the inbox
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk_unit(Path(entry.path), unit, now, settle, ready, settling, strays, future, prefix=f"{rel}/")
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue  # vanished between listing and looking
        if not stat.S_ISREG(st.st_mode):
            continue
        dropped = Dropped(unit, Path(entry.path), readable_name(rel), st.st_size, st.st_mtime, st.st_ctime)
        changed = last_change(st.st_mtime, st.st_ctime, now)
        if st.st_mtime > now + CLOCK_SLACK_S:
            future.append(readable_name(f"{unit}/{rel}"))
        (settling if changed is not None and now - changed < settle else ready).append(dropped)


CLOCK_SLACK_S = 5.0  # a share's clock a little ahead of ours is not "the future"


def last_change(mtime: float, ctime: float, now: float) -> float | None:
    """When the file last changed, by our wall clock: ctime too, since a copy that keeps the original's
    mtime (Explorer, cp -p) still moves ctime while it writes; a time in the future (a PC or share whose
    clock is wrong, `touch -d 2030`) tells nothing and is ignored. None: no time to trust."""
    times = [t for t in (mtime, ctime) if t <= now + CLOCK_SLACK_S]
    return max(times) if times else None


def readable_name(name: str) -> str:
    """A name as text a database and a receipt can hold: bytes that are not UTF-8 (a name made on another
    system) become U+FFFD. The file itself is always reached through its real path."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _files_below(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink() and not is_ignored(p.name)]
