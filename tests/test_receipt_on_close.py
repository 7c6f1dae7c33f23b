"""A receipt seconds after the clerk saves (issue 12): under `township serve` a file the file system says
was closed after writing is taken at once, however long the settle time; a file still open is not; a
file that is no longer what was seen closed waits for the settle time like any other."""
from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest

from tasks.intake.arrivals import closed_as
from tasks.intake.take_stock import find_new
from tests.helpers import OTHER, VILLAGE, make_home, return_file
from tests.procs import BIN, clean_env, free_port, start, stop, wait_for

OFFICE = "410423105001"
LONG_SETTLE = 600   # only the close can take a file within a test's time


def _receipts(home, unit):
    return list(home.receipt_dir(unit).glob("*.回执.xlsx"))


def _good_bytes(home, tmp_path, unit, period="2024-03"):
    return return_file(tmp_path / f"made-{unit}-{period}.xlsx", home, unit=unit, period=period).read_bytes()


def test_a_file_seen_closed_is_taken_at_once_but_only_while_it_is_still_that_file(tmp_path):
    home = make_home(tmp_path / "home", settle_seconds=LONG_SETTLE)
    data = _good_bytes(home, tmp_path, VILLAGE)
    path = home.unit_inbox(VILLAGE) / "三月.xlsx"
    path.write_bytes(data)
    seen = closed_as(path, home.inbox)
    now = dt.datetime.now(dt.UTC)
    assert [d.name for d in find_new(home, now).settling] == ["三月.xlsx"]          # young: settling
    assert [d.name for d in find_new(home, now, closed=[seen]).ready] == ["三月.xlsx"]

    replaced = path.with_name("new.tmp")
    replaced.write_bytes(data)
    os.replace(replaced, path)                  # the same bytes saved in its place: another file
    found = find_new(home, now, closed=[seen])
    assert found.ready == () and [d.name for d in found.settling] == ["三月.xlsx"]

    seen = closed_as(path, home.inbox)
    with open(path, "ab") as f:                 # written again after the close that was seen
        f.write(b"\0")
    assert find_new(home, now, closed=[seen]).ready == ()
    assert find_new(home, now, closed=[{**seen, "unit": OTHER}]).ready == ()  # another unit's file


def test_closed_as_is_only_for_a_regular_file_in_a_unit_folder(tmp_path):
    home = make_home(tmp_path / "home", settle_seconds=LONG_SETTLE)
    folder = home.unit_inbox(VILLAGE)
    (folder / "a.xlsx").write_bytes(b"x")
    (folder / "link.xlsx").symlink_to(folder / "a.xlsx")
    assert closed_as(folder / "a.xlsx", home.inbox)["rel"] == "a.xlsx"
    assert closed_as(folder / "link.xlsx", home.inbox) is None
    assert closed_as(folder / "~$a.xlsx", home.inbox) is None       # an Office lock file
    assert closed_as(home.inbox / "a.xlsx", home.inbox) is None     # not in a unit's folder
    assert closed_as(folder / "gone.xlsx", home.inbox) is None


@pytest.mark.slow
def test_serve_answers_a_closed_file_not_an_open_one(tmp_path):
    home = make_home(tmp_path / "home", settle_seconds=LONG_SETTLE)
    village, other, office = (_good_bytes(home, tmp_path, u) for u in (VILLAGE, OTHER, OFFICE))
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start([str(BIN / "township"), "serve", "--home", str(home.root), "--port", str(port)],
                 clean_env(PREFECT_HOME=str(tmp_path / "prefect-client")), log)
    try:
        wait_for(lambda: "Prefect 界面" in log.read_text(errors="replace") or proc.poll() is not None, 180,
                 "township serve to start", log)
        assert proc.poll() is None, log.read_text(errors="replace")
        time.sleep(2)   # the watcher's observer is started just before the UI's address is printed

        open_path = home.unit_inbox(OTHER) / "三月.xlsx"
        half = len(other) // 2
        with open(open_path, "wb") as writing:  # a clerk's copy still going: written, not closed
            writing.write(other[:half])
            writing.flush()

            path = home.unit_inbox(VILLAGE) / "三月.xlsx"
            with open(path, "wb") as f:         # another clerk's save, closed
                f.write(village)
            wait_for(lambda: _receipts(home, VILLAGE), 120, "the closed file's receipt", log)
            assert not path.exists()            # taken and archived, though it is far from settled
            time.sleep(3)                       # that run looked at the whole inbox
            assert open_path.exists() and not _receipts(home, OTHER)

            writing.write(other[half:])
        wait_for(lambda: _receipts(home, OTHER), 120, "the receipt once the file is closed", log)
        assert not open_path.exists()

        temp = home.unit_inbox(OFFICE) / "~WRL0001.tmp"   # Office/WPS: a temporary file renamed into place
        temp.write_bytes(office)
        os.rename(temp, home.unit_inbox(OFFICE) / "三月.xlsx")
        wait_for(lambda: _receipts(home, OFFICE), 120, "the receipt of a file saved by rename", log)
    finally:
        code = stop(proc, signal.SIGTERM)
    assert code == 0, log.read_text(errors="replace")[-3000:]


def test_files_closed_during_a_run_get_one_more_run_after_it():
    """serve's runs, one at a time: what closes while a run goes is handed to the next, none lost."""
    import threading

    from flows.watch import IngestRuns

    started, release, calls = threading.Event(), threading.Event(), []

    def run(closed):
        calls.append([c["rel"] for c in closed])
        started.set()
        release.wait(30)

    runs = IngestRuns(run)
    runs.start()
    try:
        runs.request([{"rel": "a"}])
        assert started.wait(30)
        runs.request([{"rel": "b"}])            # while the first run goes
        runs.request([{"rel": "c"}])
        time.sleep(0.5)
        assert calls == [["a"]]                 # never two at once
        release.set()
        wait_for(lambda: len(calls) == 2, 30, "the run after it")
        time.sleep(1)
        assert calls == [["a"], ["b", "c"]]     # one more run, with both
    finally:
        release.set()
        runs.stop(timeout=10)
