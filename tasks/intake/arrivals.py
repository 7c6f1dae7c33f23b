"""When a dropped file should trigger an ingest (`township serve`): pure decisions, no watching here.

A file is taken only once it has settled (DESIGN §4), so an arrival schedules a run for when the
earliest unsettled file will have settled; later arrivals get a run of their own after that one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasks.home import RECEIPT_DIR
from tasks.intake.discover import is_ignored

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


@dataclass
class Pending:
    """Times (monotonic seconds) at which a run is due: `first` for the oldest arrival not yet
    handed to a run, `last` for the newest."""
    settle_seconds: float
    first: float | None = None
    last: float | None = None

    def arrived(self, now: float) -> None:
        due = now + self.settle_seconds + MARGIN_SECONDS
        self.first = due if self.first is None else min(self.first, due)
        self.last = due if self.last is None else max(self.last, due)

    def take(self, now: float) -> bool:
        """True when a run should start now; what arrived after the first file stays pending."""
        if self.first is None or now < self.first:
            return False
        self.first = self.last if self.last is not None and self.last > now else None
        self.last = self.first
        return True
