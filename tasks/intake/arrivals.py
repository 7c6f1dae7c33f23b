"""When a dropped file should trigger an ingest (`township serve`): pure decisions, no watching here.

A file the file system says was closed after writing (inotify IN_CLOSE_WRITE, or renamed into place as
Office and WPS save) is complete: it is handed to a run at once with what it was when closed (`closed_as`),
and the run takes it only if it is still that file. Any other change (a network share, where the events
say nothing of closing, or a lost event) waits for the settle time (DESIGN §4): each changed file is due
that long after its last change, and a run starts when one is due.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tasks.home import RECEIPT_DIR
from tasks.intake.discover import is_ignored
from tasks.intake.unit_folder import Ident

MARGIN_SECONDS = 2.0   # past the settle time, so the run's own check sees the file settled


def is_arrival(path: Path, inbox: Path, deleted: bool) -> bool:
    """A file written in a unit's folder. Not: a deletion (the ingest empties the inbox), a receipt
    (the ingest writes those: it must not trigger itself), a lock or temporary file."""
    if deleted:
        return False
    try:
        parts = path.relative_to(inbox).parts
    except ValueError:
        return False
    return len(parts) >= 2 and parts[1] != RECEIPT_DIR and not any(is_ignored(p) for p in parts)


def closed_as(path: Path, inbox: Path) -> dict | None:
    """What a file closed after writing is now, as a run's parameter: its unit, its name in the unit's
    folder and its identity. None: not a return in a unit's folder, gone, a link, or a name JSON cannot
    carry (undecodable bytes) — such a file waits for the settle time like any other."""
    if not is_arrival(path, inbox, deleted=False):
        return None
    unit, *rest = path.relative_to(inbox).parts
    try:
        st = os.lstat(path)   # never followed: a link is not a return
        "/".join(rest).encode("utf-8")
    except (OSError, UnicodeEncodeError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return {"unit": unit, "rel": "/".join(rest), "dev": st.st_dev, "ino": st.st_ino, "size": st.st_size,
            "mtime_ns": st.st_mtime_ns}


def settled_on_close(closed: Iterable[dict] | None) -> frozenset[tuple[str, str, Ident]]:
    """The run's parameter as discovery matches it: (unit, name, identity) of each file seen closed."""
    return frozenset((c["unit"], c["rel"], Ident(c["dev"], c["ino"], c["size"], c["mtime_ns"]))
                     for c in closed or ())


@dataclass
class Pending:
    """Files changed but not seen closed, each due (monotonic seconds) a settle time after its last change."""
    settle_seconds: float
    due: dict[str, float] = field(default_factory=dict)

    def arrived(self, now: float, key: str = "") -> None:
        self.due[key] = now + self.settle_seconds + MARGIN_SECONDS   # a later write pushes it back

    def closed(self, key: str) -> None:
        """Handed to a run on its close: no settle-time run is needed for it."""
        self.due.pop(key, None)

    def take(self, now: float) -> bool:
        """True when a run should start now; files due later stay pending for a run of their own."""
        ready = [k for k, t in self.due.items() if t <= now]
        for k in ready:
            del self.due[k]
        return bool(ready)
