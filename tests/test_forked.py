"""A dry run's forked child (tasks/intake/forked.py) holds a file to the ingest's bounds: a hang ends
by the read alarm, an abort is a crash, an allocation past the cap is out of memory, an exception of
ours is ours; and a process running threads is given the fork server instead of a bare fork. Each case
runs in a fresh interpreter, single-threaded as the `township check` process is."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.helpers import VILLAGE, drop

CHILD = textwrap.dedent("""
    import json, os, sys, time
    from schemas.settings import Limits
    from tasks.intake.child_limits import Failed
    from tasks.intake.forked import run_forked

    def answer(): return {"pid": os.getpid()}
    def hang(): time.sleep(60)
    def abort(): os.abort()
    def hog(): return len(bytearray(900 << 20))
    def ours(): raise ValueError("a bug of ours")

    limits = Limits(read_timeout_s=1, read_memory_mb=200)
    result = run_forked(globals()[sys.argv[1]], (), limits)
    print(json.dumps({"kind": result.kind, "reason": result.reason} if isinstance(result, Failed)
                     else {"value": result, "parent": os.getpid()}))
""")


def run_case(name: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, name], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_answer_comes_from_another_process():
    got = run_case("answer")
    assert got["value"]["pid"] != got["parent"]


def test_a_hanging_reader_is_ended_by_the_read_alarm():
    assert run_case("hang") == {"kind": "alarm", "reason": "读取超时"}


def test_an_aborting_reader_is_a_crash_not_the_commands_end():
    got = run_case("abort")
    assert got["kind"] == "crash" and "SIGABRT" in got["reason"]


def test_an_allocation_past_the_cap_is_out_of_memory():
    assert run_case("hog")["kind"] == "memory"


def test_an_exception_of_ours_is_ours():
    assert run_case("ours")["kind"] == "error"


def test_a_threaded_process_is_judged_by_the_fork_server_all_the_same(home):
    """Here (pytest, a thread started) a bare fork could copy a held lock: the fork server judges instead,
    with the same answer as a fresh `township check`."""
    import datetime as dt
    import threading

    from tasks.intake.forked import judge_forked
    from tasks.returns.validate import Context

    data = drop(home, edits={"E8": "约70"}).read_bytes()
    ctx = Context(VILLAGE, home.registry, home.catalog, dt.date(2024, 4, 20), home.settings.max_count)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        verdict = judge_forked(data, ctx, home.settings.limits)
    finally:
        stop.set()
        worker.join()
    assert not verdict.ok and [f.place for f in verdict.findings if f.level == "error"] == ["报表!E8"]


def test_the_quick_commands_end_at_once_with_all_their_output_and_their_exit_codes(home):
    """`township check` and `status` skip the interpreter's teardown (flows/cli/app.py, ENDS_AT_ONCE):
    as real processes into pipes, their whole output arrives and each exit code is the command's."""
    from tests.procs import BIN

    township = str(BIN / "township")
    bad = drop(home, edits={"E8": "约70"})
    checked = subprocess.run([township, "check", str(bad), "--unit", VILLAGE, "--home", str(home.root), "--json"],
                             capture_output=True, text=True, timeout=120)
    report = json.loads(checked.stdout)
    assert (checked.returncode, report["ok"], checked.stderr) == (1, False, "")
    assert [f["place"] for f in report["findings"] if f["level"] == "error"] == ["报表!E8"]
    unknown = subprocess.run([township, "check", str(bad), "--unit", "999", "--home", str(home.root)],
                             capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "单位代码 999 不在 units.yaml 中" in unknown.stderr
    status = subprocess.run([township, "status", "--home", str(home.root), "--json"],
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0 and "missing" in json.loads(status.stdout)
