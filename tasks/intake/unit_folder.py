"""A unit's drop folder, opened once: every file operation below it goes through the folder's descriptor
(openat-style), never through a path, and no symbolic link below it is ever followed (issue 16).

A clerk can write only in their own folder, but there they can swap a subfolder, 回执/ or a file for a
link between any two steps of a run. So: each name is opened relative to its parent's descriptor with
O_NOFOLLOW; a file is read from the descriptor whose fstat was checked (a regular file, the inode and
size discovery saw, within the size limit); it is deleted only while its name still holds that very
inode; receipts are written under unpredictable temporary names (O_CREAT|O_EXCL) inside 回执/, opened
the same way, then renamed within it.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tasks.home import RECEIPT_DIR
from tasks.intake.at_folder import NEW_FILE_FLAGS, TEMP_SUFFIX, temp_name, write_at
from tasks.intake.folder_problems import UnitProblem, open_problem, receipt_problem

FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO put in a file's place after listing must not hang the open (fstat refuses it next)
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True, slots=True)
class Ident:
    """Which file a name held when it was looked at: a file saved in its place is another one."""
    dev: int
    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Ident:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class Taken:
    """A file read from its checked descriptor; data None: larger than the limit, never read."""
    data: bytes | None
    ident: Ident
    mtime: float
    ctime: float


class UnitFolder:
    """inbox/<unit>/ opened once (a symlinked unit folder is refused: OSError on opening)."""

    def __init__(self, inbox: Path, unit: str) -> None:
        self.unit = unit
        self.place = f"{inbox.name}/{unit}"
        inbox_fd = os.open(inbox, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the operator's path
        try:
            self.fd = os.open(unit, FOLDER_FLAGS, dir_fd=inbox_fd)
        finally:
            os.close(inbox_fd)
        self._receipts: int | None = None

    def close(self) -> None:
        for fd in (fd for fd in (self._receipts, self.fd) if fd is not None):
            os.close(fd)
        self._receipts = None

    def __enter__(self) -> UnitFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the clerk's files -------------------------------------------------------------------
    def take(self, rel: str, max_bytes: int, expected: Ident | None = None) -> Taken | None:
        """The file at `rel` (a/b.xlsx), read through the descriptor that was checked. None: gone, not
        a regular file, reached through a link, or not the file `expected` (replaced or changed)."""
        try:
            parent, leaf = self._parent_of(rel)
        except OSError:
            return None
        try:
            fd = os.open(leaf, FILE_FLAGS, dir_fd=parent)
        except OSError:
            return None
        finally:
            if parent != self.fd:
                os.close(parent)
        try:
            st = os.fstat(fd)
            ident = Ident.of(st)
            if not stat.S_ISREG(st.st_mode) or (expected is not None and ident != expected):
                return None
            if st.st_size > max_bytes:
                return Taken(None, ident, st.st_mtime, st.st_ctime)
            data = _read_exactly(fd, st.st_size)
        except OSError:
            return None
        finally:
            os.close(fd)
        return Taken(data, ident, st.st_mtime, st.st_ctime) if data is not None else None

    def remove(self, rel: str, ident: Ident) -> bool:
        """Delete `rel` only while it still holds the file that was read: a correction saved there in
        the meantime (a new inode, or the same one rewritten) stays for the next run."""
        try:
            parent, leaf = self._parent_of(rel)
        except OSError:
            return False
        try:
            st = os.stat(leaf, dir_fd=parent, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or Ident.of(st) != ident:
                return False
            os.unlink(leaf, dir_fd=parent)
            return True
        except OSError:  # gone, or not ours to delete: it stays, and the next run looks again
            return False
        finally:
            if parent != self.fd:
                os.close(parent)

    def _parent_of(self, rel: str) -> tuple[int, str]:
        """The descriptor of `rel`'s folder (each step refusing a link) and the last name."""
        *folders, leaf = rel.split("/")
        fd = self.fd
        try:
            for name in folders:
                if name in ("", ".", ".."):
                    raise OSError(errno.EINVAL, "odd path", rel)
                nxt = os.open(name, FOLDER_FLAGS, dir_fd=fd)
                if fd != self.fd:
                    os.close(fd)
                fd = nxt
        except OSError:
            if fd != self.fd:
                os.close(fd)
            raise
        return fd, leaf

    # ---- receipts and templates: the program's own files in the clerk's folder ------------------
    def subfolder(self, name: str) -> int:
        """回执/ or 模板/, created when missing; a link or a file in its place is refused (OSError)."""
        if name == RECEIPT_DIR and self._receipts is not None:
            return self._receipts
        try:
            fd = os.open(name, FOLDER_FLAGS, dir_fd=self.fd)
        except FileNotFoundError:
            os.mkdir(name, 0o755, dir_fd=self.fd)
            fd = os.open(name, FOLDER_FLAGS, dir_fd=self.fd)
        if name == RECEIPT_DIR:
            self._receipts = fd
        return fd

    def receipts(self) -> int:
        return self.subfolder(RECEIPT_DIR)

    def receipt_taken(self, name: str) -> bool:
        """Whether a receipt name is in use (by anything: a link there counts as taken, never followed)."""
        try:
            os.stat(name, dir_fd=self.receipts(), follow_symlinks=False)
            return True
        except FileNotFoundError:
            return False

    def write_receipt(self, name: str, data: bytes) -> None:
        write_at(self.receipts(), name, data)

    def write_file(self, sub: str, name: str, data: bytes) -> None:
        """A file of ours (a blank return in 模板/) written like a receipt: a link there is replaced."""
        fd = self.subfolder(sub)
        try:
            write_at(fd, name, data)
        finally:
            if fd != self._receipts:
                os.close(fd)

    def probe(self) -> UnitProblem | None:
        """Can a receipt be written here now? Checked before any of the unit's files is stored, so no
        row is recorded that its receipt cannot follow."""
        try:
            folder = self.receipts()
            tmp = temp_name()
            os.close(os.open(tmp, NEW_FILE_FLAGS, 0o644, dir_fd=folder))
            os.unlink(tmp, dir_fd=folder)
        except OSError as exc:
            return self.problem(exc)
        return None

    def sweep(self) -> list[str]:
        """Half-written receipts a killed run left (regular files of the temporary names only) removed;
        the other names in 回执/ returned (reconcile looks for receipts no ledger row names)."""
        try:
            folder = self.receipts()
            with os.scandir(folder) as entries:
                names = {e.name: e.name.startswith(".") and e.name.endswith(TEMP_SUFFIX)
                         and e.is_file(follow_symlinks=False) for e in entries}
            for name in (name for name, stale in names.items() if stale):
                os.unlink(name, dir_fd=folder)
            return [name for name, stale in names.items() if not stale]
        except OSError:
            return []

    def problem(self, exc: OSError) -> UnitProblem:
        return receipt_problem(self.unit, f"{self.place}/{RECEIPT_DIR}", exc)


class Folders:
    """Each unit's folder opened once for a job; None for one that cannot be opened (its files wait)."""

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        self._open: dict[str, UnitFolder | None] = {}
        self._failed: dict[str, OSError] = {}

    def get(self, unit: str) -> UnitFolder | None:
        if unit not in self._open:
            try:
                self._open[unit] = UnitFolder(self.inbox, unit)
            except OSError as exc:
                self._open[unit], self._failed[unit] = None, exc
        return self._open[unit]

    def problem(self, unit: str) -> UnitProblem:
        """Why `get(unit)` gave None."""
        return open_problem(unit, f"{self.inbox.name}/{unit}", self._failed.get(unit) or OSError("?"))

    def close(self) -> None:
        for folder in (f for f in self._open.values() if f is not None):
            folder.close()
        self._open = {}

    def __enter__(self) -> Folders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes, or None when the file holds fewer or more now (it is being written)."""
    chunks: list[bytes] = []
    left = size + 1  # one byte more than expected tells a file that grew
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks) if len(chunks) != 1 else chunks[0]
    return data if len(data) == size else None
