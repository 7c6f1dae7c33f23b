"""What one ingest job carries from file to file while it records them (tasks/intake/job.py `_record`),
owned by one object: the files stored so far, the files left for a later try, each unit's ledger as
read, the receipt names already promised, the units whose 回执/ broke. A write group that rolls back
takes its part back with `rollback()` — the snapshot taken by `begin_group()` — instead of each
collection being copied and restored by hand."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tasks.home import Home
from tasks.intake.discover import Dropped
from tasks.intake.unit_folder import Folders
from tasks.ledger.unit_ledger import UnitLedger

if TYPE_CHECKING:
    from tasks.intake.receipt import ReceiptInfo
    from tasks.intake.steps import Arrived, FileOutcome


@dataclass(frozen=True)
class Left:
    """A file a fault of ours kept from its answer: still in the inbox, or its ledger row unfinished."""
    dropped: Dropped
    why: str


@dataclass
class JobResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)


@dataclass(frozen=True)
class _Mark:
    stored: int
    left: int
    promised: frozenset[tuple[str, str]]
    broken: tuple[tuple[str, str], ...]


@dataclass
class JobState:
    home: Home
    folders: Folders
    conns: tuple            # (reader, writer) connections of the job
    now: dt.datetime
    result: JobResult
    stored: list[tuple[Arrived, FileOutcome, ReceiptInfo]] = field(default_factory=list)
    ledgers: dict[str, UnitLedger] = field(default_factory=dict)   # unit → its ledger as this job read it
    promised: set[tuple[str, str]] = field(default_factory=set)    # (unit, receipt name) promised, not written
    broken: dict[str, str] = field(default_factory=dict)           # unit → why its 回执/ cannot be written
    _mark: _Mark | None = None

    def begin_group(self) -> None:
        """Remember where the state stands before a write group."""
        self._mark = _Mark(len(self.stored), len(self.result.left), frozenset(self.promised),
                           tuple(self.broken.items()))

    def rollback(self, units: set[str]) -> None:
        """The group's transaction rolled back: nothing of it is stored, left, promised or broken, and the
        `units`' ledgers are read again (what the rolled-back writes noted there is gone)."""
        mark = self._mark
        assert mark is not None, "rollback without begin_group"
        del self.stored[mark.stored:], self.result.left[mark.left:]
        self.promised.clear()
        self.promised.update(mark.promised)
        self.broken.clear()
        self.broken.update(mark.broken)
        for unit in units:
            self.ledgers.pop(unit, None)

    def forget_ledger(self, unit: str) -> None:
        """Another run wrote this unit's rows meanwhile: read them again before the next file."""
        self.ledgers.pop(unit, None)
