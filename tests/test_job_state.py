"""The job's state across a rolled-back write group (tasks/intake/job_state.py)."""
from __future__ import annotations

import datetime as dt

from tasks.intake.job import JobResult, Left
from tasks.intake.job_state import JobState


def test_rollback_takes_back_exactly_what_the_group_added(home):
    state = JobState(home, folders=None, conns=(None, None), now=dt.datetime(2024, 4, 1, tzinfo=dt.UTC),
                     result=JobResult())
    state.stored.append(("kept", None, None))
    state.promised.add(("U1", "回执-1.xlsx"))
    state.ledgers.update({"U1": "ledger-1", "U2": "ledger-2"})
    state.begin_group()
    state.stored.append(("group's", None, None))
    state.result.left.append(Left(dropped=None, why="x"))
    state.promised.add(("U2", "回执-2.xlsx"))
    state.broken["U2"] = "只读"
    state.rollback({"U2"})
    assert state.stored == [("kept", None, None)] and state.result.left == []
    assert state.promised == {("U1", "回执-1.xlsx")} and state.broken == {}
    assert state.ledgers == {"U1": "ledger-1"}   # the group's unit is read again, the other kept
