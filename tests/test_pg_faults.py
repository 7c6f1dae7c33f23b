"""PostgreSQL that fails and comes back (issue 13): a ledger session killed with pg_terminate_backend in
the middle of a job, the unit locks' session terminated (taken again, or the run stops), a server
shutting down and restarting under a run, and an outage longer than the run waits."""
from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest_returns import run_ingest
from tasks.errors import describe, is_transient
from tasks.home import open_home
from tasks.intake.pool import run_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.intake.unit_locks import APPLICATION_NAME, LockLost, lock_key, unit_locks
from tests.faults import ledger_rows, waiting_in_inbox
from tests.helpers import NOW, drop
from tests.pg import scratch_database, sqlalchemy_url, use_database
from tests.private_pg import private_cluster

LOCK_HOLDERS = """SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                  WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = %s
                  AND a.datname = current_database()"""
TERMINATE = """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE application_name = %s AND datname = current_database()"""


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_terminated_lock_session_is_taken_again_or_the_run_stops(tmp_path):
    with scratch_database() as name:
        admin = psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}", autocommit=True)
        try:
            with unit_locks(tmp_path, sqlalchemy_url(name), ["A", "B"], 1.0) as locks:
                [first] = admin.execute(LOCK_HOLDERS, (APPLICATION_NAME,)).fetchall()
                admin.execute(TERMINATE, (APPLICATION_NAME,))
                again = _until(lambda: [r for r in admin.execute(LOCK_HOLDERS, (APPLICATION_NAME,)).fetchall()
                                        if r != first], 10, "the locks taken again on a new session")
                assert len(again) == 1
                locks.check()  # held again: the run goes on
                admin.execute(TERMINATE, (APPLICATION_NAME,))
                _until(lambda: admin.execute("SELECT pg_try_advisory_lock(%s)", (lock_key("A"),)).fetchone()[0],
                       10, "another run taking unit A's lock")

                def lost() -> bool:
                    try:
                        locks.check()
                    except LockLost as exc:
                        return "丢失" in str(exc)
                    return False
                assert _until(lost, 10, "the run told its lock is lost")
        finally:
            admin.close()


def test_a_ledger_session_killed_mid_job_leaves_the_file_for_the_next_try(home):
    with scratch_database() as name:
        use_database(home.root, sqlalchemy_url(name))
        home = open_home(home.root)
        drop(home, values={"DISPUTE": 7})
        reconcile_home(home)
        batch = list(find_new(home, NOW, wall=time.time() + 120).ready)
        admin = psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}")
        admin.execute("LOCK TABLE submissions IN ACCESS EXCLUSIVE MODE")  # the job waits at the ledger
        look = psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}", autocommit=True)
        result: dict = {}
        runner = threading.Thread(target=lambda: result.setdefault("r", run_batch(home, batch, NOW)))
        runner.start()
        try:
            waiting = _until(lambda: look.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchall(), 30, "the reading child waiting at the ledger")
            for (pid,) in waiting:
                look.execute("SELECT pg_terminate_backend(%s)", (pid,))
            runner.join(90)  # still holding the table: nothing of the job may go on behind our back
        finally:
            admin.rollback()
            admin.close()
            look.close()
            runner.join(120)
        assert [(x.dropped.name, "数据库" in x.why) for x in result["r"].left] == [("2024-03月报表.xlsx", True)]
        assert result["r"].outcomes == [] and ledger_rows(home) == [] and len(waiting_in_inbox(home)) == 1
        [accepted] = run_batch(home, batch, NOW).outcomes
        assert accepted.status == "accepted"
        assert [(r.status, r.stage) for r in ledger_rows(home)] == [("accepted", "done")]
        assert waiting_in_inbox(home) == []


def test_a_server_shutting_down_is_a_transient_fault():
    """What PostgreSQL answers a new connection while it shuts down (smart mode, a session still open)."""
    with private_cluster() as pg:
        session = psycopg.connect(pg.dsn)
        try:
            pg.stop("smart", wait=False)
            engine = create_engine(pg.url)
            try:
                def refused():
                    try:
                        engine.connect().close()
                    except Exception as exc:  # noqa: BLE001
                        return exc if "shutting down" in str(exc) else None
                    return None
                exc = _until(refused, 10, "the server refusing new sessions while it shuts down")
            finally:
                engine.dispose()
            assert is_transient(exc) and describe(exc).startswith("账本数据库暂时连不上")
        finally:
            session.close()


@pytest.mark.slow
def test_a_run_waits_out_a_restart_and_says_an_outage_in_chinese(prefect_server, home):
    with private_cluster() as pg:
        use_database(home.root, pg.url)
        home = open_home(home.root)
        drop(home, "2024-02.xlsx", period="2024-02")
        session = psycopg.connect(pg.dsn)
        pg.stop("smart", wait=False)  # shutting down: new sessions are refused while this one lives

        def come_back() -> None:
            time.sleep(3)
            session.close()
            _until(lambda: pg.ctl("status", check=False).returncode == 3, 20, "the server stopped")
            pg.start()
        restart = threading.Thread(target=come_back)
        restart.start()
        summary = run_ingest(home=str(home.root), as_of=NOW)
        restart.join()
        assert summary.by_status == {"accepted": 1}

        pg.stop("fast")  # an outage longer than the run waits (fault_wait_s = 3)
        toml = home.root / "township.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace("fault_wait_s = 60", "fault_wait_s = 3"),
                        encoding="utf-8")
        drop(home, "2024-03.xlsx", period="2024-03")
        state = run_ingest(home=str(home.root), as_of=NOW, return_state=True)
        assert state.is_failed() and "账本数据库暂时连不上" in state.message, state.message
        result = CliRunner().invoke(app, ["ingest", "--home", str(home.root)])
        assert result.exit_code == 1 and "账本数据库暂时连不上" in result.output, result.output
        assert "Traceback" not in result.output
        assert len(waiting_in_inbox(home)) == 1
        pg.start()
        assert run_ingest(home=str(home.root), as_of=NOW).by_status == {"accepted": 1}
        assert sorted(r.period for r in ledger_rows(open_home(home.root))) == ["2024-02", "2024-03"]
