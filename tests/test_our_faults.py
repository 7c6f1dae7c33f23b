"""Faults of ours are never the clerk's (issue 13): a ledger held by another connection, a folder made
immutable, a reading child killed mid-file — each made for real. The good return waits in the inbox
(nothing refused, no row), and is accepted in the end, exactly once."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from flows.ingest_returns import run_ingest
from tasks.intake.pool import run_batch
from tasks.intake.steps import arrive
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.intake.unit_folder import UnitFolder
from tasks.returns.validate import Context
from tests.faults import (
    immutable,
    ledger_rows,
    sqlite_held,
    waiting_in_inbox,
    waiting_on,
    write_queue_held,
)
from tests.helpers import NOW, OTHER, TODAY, VILLAGE, drop

STORED = {"accepted", "accepted_with_warnings"}


def _statuses(tally) -> dict[str, dict[str, int]]:
    """Files by unit and status (lateness aside: it is judged by arrival, today, for these 2024 returns)."""
    return {unit: {k: v for k, v in counts.items() if k != "late"} for unit, counts in tally.by_unit.items()}


def _ready(home):
    return list(find_new(home, NOW, wall=time.time() + 120).ready)


@pytest.mark.slow
def test_a_ledger_held_by_another_connection_is_waited_out_by_the_task_retry(prefect_server, home):
    """BEGIN EXCLUSIVE held 40 s: longer than SQLite's 30 s busy timeout, so the first attempt of the
    batch fails for our fault; Prefect retries it and the file is accepted, once, and counted."""
    drop(home, values={"DISPUTE": 7})
    reconcile_home(home)  # the ledger exists (in WAL) before another program holds it
    release = threading.Event()

    def hold() -> None:
        with sqlite_held(home.root / "township.db"):
            release.wait(40)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        time.sleep(0.5)
        summary = run_ingest(home=str(home.root), as_of=NOW)
    finally:
        release.set()
        holder.join()
    assert summary.by_status == {"accepted": 1} and summary.left == ()
    rows = ledger_rows(home)
    assert [(r.status, r.stage) for r in rows] == [("accepted", "done")]
    assert waiting_in_inbox(home) == []


def test_an_immutable_archive_folder_refuses_nothing_and_a_retried_batch_counts_every_file(home):
    """chattr +i on one unit's archive folder: its files wait (no row, no receipt) while the other
    unit's are taken; the batch tried again after the folder is mended counts all of them."""
    from tasks.intake.pool import ingest_and_tally

    for month in (1, 2, 3):
        drop(home, f"2024-0{month}.xlsx", period=f"2024-0{month}")
    for month in (1, 2):
        drop(home, f"2024-0{month}.xlsx", unit=OTHER, period=f"2024-0{month}")
    reconcile_home(home)
    batch = _ready(home)
    with immutable(home.archive / "2024" / OTHER):
        first = ingest_and_tally(home, batch, NOW)
        assert _statuses(first) == {VILLAGE: {"accepted": 3}}
        assert sorted(name for unit, name, _ in first.left if unit == OTHER) == ["2024-01.xlsx", "2024-02.xlsx"]
        assert all("权限" in why for _, _, why in first.left)
        assert {r.unit for r in ledger_rows(home)} == {VILLAGE}  # nothing of OTHER refused, nothing stored
        assert len(waiting_in_inbox(home)) == 2
        assert not list(home.receipt_dir(OTHER).glob("*.回执.xlsx"))
    again = ingest_and_tally(home, batch, NOW)  # what Prefect's retry of the task does: the same batch
    assert _statuses(again) == {VILLAGE: {"accepted": 3}, OTHER: {"accepted": 2}} and again.left == ()
    assert sorted((r.unit, r.status) for r in ledger_rows(home)) == sorted(
        [(VILLAGE, "accepted")] * 3 + [(OTHER, "accepted")] * 2)
    assert waiting_in_inbox(home) == []


def _kill_the_child_waiting_on(lock: Path, spared: set[int], timeout: float = 60) -> int:
    """SIGKILL the reading child blocked at the ledger's write queue: judged and archived, mid-file."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = [pid for pid in waiting_on(lock) if pid not in spared]
        if waiting:
            os.kill(waiting[0], signal.SIGKILL)
            return waiting[0]
        time.sleep(0.1)
    raise AssertionError("no reading child waited at the ledger")


def test_a_file_refused_after_its_reader_was_killed_is_judged_again_when_dropped_again(home):
    """A reading child killed mid-file, twice (the job, then the file alone): the file is refused as
    unreadable. Dropped again — the same bytes, the same name — it is judged afresh and accepted, not
    answered 重复报送; the old refusal is superseded, and the month is stored once."""
    path = drop(home, values={"DISPUTE": 7})
    data, mtime = path.read_bytes(), path.stat().st_mtime
    reconcile_home(home)
    batch = _ready(home)
    db = home.root / "township.db"
    result = {}
    lock = Path(f"{db}.write-lock")
    with write_queue_held(db):
        runner = threading.Thread(target=lambda: result.setdefault("r", run_batch(home, batch, NOW)))
        runner.start()
        first = _kill_the_child_waiting_on(lock, set())    # the unit's job
        _kill_the_child_waiting_on(lock, {first})          # then the file alone
    runner.join(60)
    [refused] = result["r"].outcomes
    assert refused.status == "rejected" and refused.findings[0].code == "E_UNREADABLE"
    assert "SIGKILL" in refused.findings[0].message
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))  # as Explorer copies it: the same bytes, name and time
    [again] = run_batch(home, _ready(home), NOW).outcomes
    assert again.status == "accepted", again.findings
    rows = ledger_rows(home)
    assert [(r.status, r.superseded_by) for r in rows] == [("superseded", rows[1].id), ("accepted", None)]
    assert waiting_in_inbox(home) == []


def test_the_read_alarm_is_cleared_when_judging_raises(home):
    """A judge that raises (here: a context without a registry) must not leave the per-file timer to
    kill a kept worker later, in the middle of other files."""
    path = drop(home)
    dropped = _ready(home)[0]
    broken = Context(VILLAGE, None, home.catalog, TODAY)
    try:
        with pytest.raises(AttributeError), UnitFolder(home.inbox, VILLAGE) as folder:
            arrive(dropped, folder, broken, home.settings.limits, home.archive, time.time() + 120, 0, alarm=30)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)  # this test process must outlive a failing assertion
    assert path.exists()
