"""The final copy and its PDF are written in outbox/ under hidden names nobody can guess or mistake for
a signed report (.township-signing-<random>.docx / .pdf), and take their 定稿 names only once the ledger
says the version is signed. So a sign-off killed anywhere, or a full disk, leaves no complete-looking
（定稿） file that nobody signed: before the decision, only hidden strays; after it, the next run finds the
staged files by the hash the ledger holds and gives them their names.

A staged set is locked (flock) while its writer lives: a sweep, by a later or a concurrent sign-off,
removes only strays whose writer is gone, and never those the ledger still waits to name.
"""
from __future__ import annotations

import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tasks.ledger.reports import ReportVersion
from tasks.signoff.versions import file_sha256

PREFIX = ".township-signing-"


@dataclass
class Staged:
    docx: Path
    fd: int             # holds the lock; closed by `release`

    @property
    def pdf(self) -> Path:
        return self.docx.with_suffix(".pdf")

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def discard(self) -> None:
        """Nothing of this attempt left in outbox/ (a failure, or a decision taken elsewhere)."""
        for path in (self.docx, self.pdf):
            path.unlink(missing_ok=True)
        self.release()


def stage(outbox: Path) -> Staged:
    """A fresh hidden name for the final copy, created and locked (its PDF takes the same name, .pdf)."""
    while True:
        fd, name = tempfile.mkstemp(dir=outbox, prefix=PREFIX, suffix=".docx")
        os.fchmod(fd, 0o666 & ~_umask())  # as any file written there (mkstemp's 0600 would hide it from the office)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:  # a sweep may have taken the empty file between its creation and the lock: take another
            if os.stat(name).st_ino == os.fstat(fd).st_ino:
                return Staged(Path(name), fd)
        except FileNotFoundError:
            pass
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Bytes made by the caller in memory (a full disk then fails here, cleanly, rather than inside a
    half-written zip), on disk before the ledger may name them."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask, read without setting it (os.umask would change it for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def publish(staged: Staged, final: Path, pdf: Path | None) -> None:
    """The staged files under their final names, the PDF first: while the .docx keeps its hidden name
    (and its lock) no sweep touches the PDF beside it. Never over an existing file."""
    moves = ([(staged.pdf, pdf)] if pdf else []) + [(staged.docx, final)]
    for source, target in moves:
        if target.exists():
            raise FileExistsError(17, "已存在", str(target))
        os.replace(source, target)
    sync(final.parent)  # the names, too, survive a power cut
    staged.release()


def _unlocked(path: Path) -> bool:
    """True when no living writer holds the file's lock (one killed mid-way holds none)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def strays(outbox: Path) -> list[Path]:
    """Staged final copies whose writer is gone."""
    return [p for p in sorted(outbox.glob(f"{PREFIX}*.docx")) if _unlocked(p)]


def complete(version: ReportVersion) -> list[Path]:
    """A signed version whose files did not get their names (the run was killed just after the ledger
    recorded it): the staged copy with the recorded hash is named now. Returns the files named."""
    if version.state != "signed" or not version.final_path or Path(version.final_path).exists():
        return []
    final = Path(version.final_path)
    for staged in strays(final.parent):
        if file_sha256(staged) != version.final_sha256:
            continue
        pdf = Path(version.pdf_path) if version.pdf_path else None
        keep = pdf if pdf is not None and staged.with_suffix(".pdf").exists() and not pdf.exists() else None
        publish(Staged(staged, -1), final, keep)
        return [p for p in (final, keep) if p]
    return []


def sweep(outbox: Path, waiting: set[str]) -> int:
    """Remove the strays of sign-offs that died before their decision was recorded; `waiting`: hashes
    of signed versions whose final copy is still to be named (kept for `complete`)."""
    removed = 0
    try:
        for staged in strays(outbox):
            if file_sha256(staged) not in waiting:
                Staged(staged, -1).discard()
                removed += 1
        for pdf in outbox.glob(f"{PREFIX}*.pdf"):  # a PDF whose .docx is gone is nobody's
            if not pdf.with_suffix(".docx").exists():
                pdf.unlink(missing_ok=True)
                removed += 1
    except OSError:
        pass  # tidying only: a folder that refuses it is said by the write that follows
    return removed
