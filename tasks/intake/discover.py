"""Finding new files in the inbox: inbox/<unit code>/…, left alone until they settle (DESIGN §4).

Each folder is listed through its descriptor, each subfolder opened relative to it without following a
link, within bounds (depth, entries): a folder a clerk made deep or huge is that unit's problem, found
here, and its files wait while every other unit goes on (issue 16).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from tasks.home import RECEIPT_DIR, TEMPLATE_DIR
from tasks.intake.folder_problems import UnitProblem, open_problem, receipt_problem, stopped
from tasks.intake.unit_folder import FOLDER_FLAGS, Ident

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "readme.md"}
TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".bak~", "~")


@dataclass(frozen=True, slots=True)
class Dropped:
    unit: str          # the folder's name: identity comes from where the file was dropped
    path: Path         # for showing only: the file is reached through its unit's folder (`rel`)
    name: str          # the name as dropped, relative to the unit's folder, as readable text
    size: int
    mtime: float
    ctime: float = 0.0  # when it came into the folder (a copy keeps the clerk's mtime, not the ctime)
    rel: str = ""      # the real relative name (undecodable bytes kept); "" : the same as `name`
    ident: Ident | None = None  # the file discovery saw; another one saved in its place is not it

    @property
    def where(self) -> str:
        return self.rel or self.name


@dataclass(frozen=True)
class Discovery:
    ready: tuple[Dropped, ...]      # settled files in registered units' folders, oldest first
    settling: tuple[Dropped, ...]   # changed within the settle time: next run
    strays: tuple[str, ...]         # files outside registered units' folders, symlinks: never ingested
    blocked: tuple[UnitProblem, ...] = ()  # units whose folder cannot be served now: their files wait
    future_dated: tuple[str, ...] = ()  # modified "in the future" (a clock set wrong): settled by ours

    def without(self, problems: list[UnitProblem] | tuple[UnitProblem, ...]) -> Discovery:
        """These units' files held back, their problems added (one per unit)."""
        known = {p.unit for p in self.blocked}
        extra = tuple(p for p in dict((p.unit, p) for p in problems).values() if p.unit not in known)
        if not extra:
            return self
        held = {p.unit for p in extra}
        return replace(self, ready=tuple(d for d in self.ready if d.unit not in held),
                       settling=tuple(d for d in self.settling if d.unit not in held),
                       blocked=(*self.blocked, *extra))


def is_ignored(name: str) -> bool:
    """Office/WPS/LibreOffice lock files, hidden and temporary files are not returns."""
    low = name.lower()
    return (low.startswith(("~$", ".~lock.", ".", "~wrl")) or low in IGNORED_NAMES
            or low.endswith(TEMP_SUFFIXES) or (low.startswith("~") and low.endswith(".tmp")))


def discover(inbox: Path, unit_codes: set[str], now: float, settle_seconds: float,
             max_files: int = 5000, max_depth: int = 8,
             closed: frozenset[tuple[str, str, Ident]] = frozenset()) -> Discovery:
    """`now` is the wall clock (seconds since the epoch): settling is about the file system, not the
    business date a run may be told to act on. max_files, max_depth: bounds on one unit's folder.
    `closed`: (unit, name, identity) of files the file system said were closed after writing: such a file
    is settled at once, but only while it is still exactly that file (else it settles as any other)."""
    ready: list[Dropped] = []
    settling: list[Dropped] = []
    strays: list[str] = []
    blocked: list[UnitProblem] = []
    future: list[str] = []
    try:
        inbox_fd = os.open(inbox, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return Discovery((), (), ())
    try:
        for entry in _listing(inbox_fd):
            if entry.is_symlink():
                strays.append(readable_name(entry.name))
            elif entry.is_dir(follow_symlinks=False):
                walk = _Walk(inbox, entry.name, max_files, max_depth)
                walk.start(inbox_fd)
                if entry.name not in unit_codes:
                    if not is_ignored(entry.name):
                        strays.extend(readable_name(f"{entry.name}/{rel}") for rel, _ in walk.found)
                        strays.extend(readable_name(f"{entry.name}/{rel}") for rel in walk.links)
                    continue
                strays.extend(readable_name(f"{entry.name}/{rel}") for rel in walk.links)
                if walk.problem is not None:
                    blocked.append(walk.problem)
                    continue
                for rel, st in walk.found:
                    dropped = Dropped(entry.name, inbox / entry.name / rel, readable_name(rel), st.st_size,
                                      st.st_mtime, st.st_ctime, rel, Ident.of(st))
                    changed = last_change(st.st_mtime, st.st_ctime, now)
                    if st.st_mtime > now + CLOCK_SLACK_S:
                        future.append(readable_name(f"{entry.name}/{rel}"))
                    young = changed is not None and now - changed < settle_seconds
                    on_close = (entry.name, rel, dropped.ident) in closed
                    (settling if young and not on_close else ready).append(dropped)
            elif entry.is_file(follow_symlinks=False) and not is_ignored(entry.name):
                strays.append(readable_name(entry.name))
    finally:
        os.close(inbox_fd)
    ready.sort(key=lambda d: (d.mtime, d.unit, d.name))
    return Discovery(tuple(ready), tuple(settling), tuple(sorted(strays)), tuple(blocked), tuple(future))


CLOCK_SLACK_S = 5.0  # a share's clock a little ahead of ours is not "the future"


def last_change(mtime: float, ctime: float, now: float) -> float | None:
    """When the file last changed, by our wall clock: ctime too, since a copy that keeps the original's
    mtime (Explorer, cp -p) still moves ctime while it writes; a time in the future (a PC or share whose
    clock is wrong, `touch -d 2030`) tells nothing and is ignored. None: no time to trust."""
    times = [t for t in (mtime, ctime) if t <= now + CLOCK_SLACK_S]
    return max(times) if times else None


def _listing(fd: int) -> list[os.DirEntry]:
    try:
        with os.scandir(fd) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


class _Walk:
    """One unit's folder, walked through descriptors: regular files found, links noted (never followed),
    and the first problem that makes the folder unusable (then the walk stops)."""

    def __init__(self, inbox: Path, unit: str, max_files: int, max_depth: int) -> None:
        self.unit, self.place = unit, f"{inbox.name}/{unit}"
        self.max_files, self.max_depth = max_files, max_depth
        self.found: list[tuple[str, os.stat_result]] = []
        self.links: list[str] = []
        self.seen = 0
        self.problem: UnitProblem | None = None

    def start(self, inbox_fd: int) -> None:
        try:
            fd = os.open(self.unit, FOLDER_FLAGS, dir_fd=inbox_fd)
        except OSError as exc:
            self.problem = open_problem(self.unit, self.place, exc)
            return
        try:
            self._folder(fd, "", 1)
        finally:
            os.close(fd)

    def _folder(self, fd: int, prefix: str, depth: int) -> None:
        entries = self._entries(fd)
        for entry in entries or ():
            rel = f"{prefix}{entry.name}"
            if not prefix and entry.name in (RECEIPT_DIR, TEMPLATE_DIR):
                if entry.name == RECEIPT_DIR and not entry.is_dir(follow_symlinks=False):
                    self.problem = receipt_problem(self.unit, f"{self.place}/{RECEIPT_DIR}",
                                                   NotADirectoryError(20, "not a folder"))
                    return
                continue  # receipts and blank templates are never ingested
            if is_ignored(entry.name):
                continue
            if entry.is_symlink():
                self.links.append(rel)  # never followed: it could point out of the unit's folder
            elif entry.is_dir(follow_symlinks=False):
                if depth >= self.max_depth:
                    self._stop(f"文件夹层级过深（超过 {self.max_depth} 层）；请把报表直接放在本单位文件夹中，"
                               "删去多余的子文件夹")
                    return
                try:
                    sub = os.open(entry.name, FOLDER_FLAGS, dir_fd=fd)
                except OSError:
                    continue  # gone or swapped for a link since it was listed
                try:
                    self._folder(sub, f"{rel}/", depth + 1)
                finally:
                    os.close(sub)
                if self.problem is not None:
                    return
            else:
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # vanished between listing and looking
                if stat.S_ISREG(st.st_mode):
                    self.found.append((rel, st))

    def _entries(self, fd: int) -> list[os.DirEntry] | None:
        """The folder's entries, counted against the bound before any is kept beyond it."""
        out: list[os.DirEntry] = []
        try:
            with os.scandir(fd) as it:
                for entry in it:
                    self.seen += 1
                    if self.seen > self.max_files:
                        self._stop(f"文件夹中的文件和子文件夹过多（超过 {self.max_files} 个）；请清理后再报送")
                        return None
                    out.append(entry)
        except OSError:
            return None
        return sorted(out, key=lambda e: e.name)

    def _stop(self, why: str) -> None:
        self.problem = stopped(self.unit, self.place, why)


def readable_name(name: str) -> str:
    """A name as text a database and a receipt can hold: bytes that are not UTF-8 (a name made on another
    system) become U+FFFD. The file itself is always reached through its real name (`Dropped.rel`)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
