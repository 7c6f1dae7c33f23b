"""Several machines, on this one: a real `prefect server start` on PostgreSQL, a process work pool and
two workers. `township deploy` registers the deployments; one dispatcher run splits 200 returns by unit
into per-unit `ingest-returns` runs that the workers share. Every file is processed exactly once. The
server is set up as a county's must be (issue 22): an auth string on the server, the clients and the
workers, CSRF protection on."""
from __future__ import annotations

import re
import secrets
import signal

import pytest
from sqlalchemy import func, select

from tasks.ledger.engine import make_engine
from tasks.ledger.tables import submissions
from tests.bulk import bulk_home, drop_many
from tests.pg import scratch_database, sqlalchemy_url
from tests.procs import BIN, LockedApi, clean_env, cli, flow_runs, free_port, healthy, start, stop, wait_for

pytestmark = pytest.mark.slow
FILES, UNITS, PER_RUN = 200, 10, 20


def test_two_workers_share_a_large_inbox_and_each_file_is_processed_once(tmp_path):
    with scratch_database("prefect_test") as prefect_db, scratch_database() as township_db:
        home = bulk_home(tmp_path / "home", UNITS, sqlalchemy_url(township_db))
        dropped = drop_many(home, FILES)
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        auth = "county:" + secrets.token_urlsafe(24)
        env = clean_env(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_API_URL=api, PREFECT_API_AUTH_STRING=auth,
                        PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="1")
        server_env = clean_env(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_UI_ENABLED="false",
                               PREFECT_SERVER_API_AUTH_STRING=auth, PREFECT_SERVER_CSRF_PROTECTION_ENABLED="true",
                               PREFECT_API_DATABASE_CONNECTION_URL=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{prefect_db}")
        procs = []
        try:
            server_log = tmp_path / "server.log"
            procs.append(start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               server_env, server_log))
            wait_for(lambda: healthy(api), 180, "the Prefect server", server_log)

            unlocked = {k: v for k, v in env.items() if k != "PREFECT_API_AUTH_STRING"}
            refused = cli([str(BIN / "township"), "deploy", "--home", str(home.root), "--pool", "county"], unlocked)
            assert refused.returncode == 2 and "PREFECT_API_AUTH_STRING" in refused.stderr, refused.stdout + refused.stderr
            deployed = cli([str(BIN / "township"), "deploy", "--home", str(home.root), "--pool", "county"], env)
            assert deployed.returncode == 0 and "不要求认证" not in deployed.stderr, deployed.stdout + deployed.stderr
            assert "dispatch-ingest/dispatch-ingest" in deployed.stdout

            logs = [tmp_path / f"worker-{n}.log" for n in ("a", "b")]
            for name, log in zip(("worker-a", "worker-b"), logs):
                procs.append(start([str(BIN / "prefect"), "worker", "start", "--pool", "county", "--name", name,
                                    "--limit", "2"], {**env, "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO"},
                                   log, cwd=tmp_path))
            ran = cli([str(BIN / "prefect"), "deployment", "run", "dispatch-ingest/dispatch-ingest",
                       "--param", f"per_run={PER_RUN}", "--watch", "--watch-timeout", "600"], env, timeout=660)
            assert ran.returncode == 0, ran.stdout + ran.stderr + "".join(p.read_text()[-2000:] for p in logs)

            dispatcher = re.search(r"UUID: ([0-9a-f-]{36})", ran.stdout)[1]
            # Only this dispatcher's runs: its own cron (every 10 minutes) may fire meanwhile and start
            # runs of its own, which end Skipped (a unit's lock held) or find nothing, and change nothing.
            ingest_runs = flow_runs(LockedApi(api, auth), parent_flow_run_id={"any_": [dispatcher]})
            assert len(ingest_runs) == UNITS and {r["state_name"] for r in ingest_runs} == {"Completed"}, \
                [(r["name"], r["state_name"], r["parameters"]) for r in ingest_runs]
            names = {r["name"] for r in ingest_runs}
            by_worker = {log.name: _started(log) & names for log in logs}
            assert all(by_worker.values()), by_worker          # both workers ran ingest runs
            assert set.union(*by_worker.values()) == names
        finally:
            for proc in reversed(procs):
                stop(proc, signal.SIGINT)

        engine = make_engine(home.database_url)
        with engine.connect() as conn:
            rows = conn.execute(select(submissions.c.unit, submissions.c.original_name, submissions.c.status,
                                       submissions.c.stage)).all()
            distinct = conn.execute(select(func.count(func.distinct(submissions.c.sha256)))).scalar_one()
        engine.dispose()
        assert len(rows) == FILES and distinct == FILES                       # each file exactly once
        assert {(r.status, r.stage) for r in rows} == {("accepted", "done")}
        assert {(r.unit, r.original_name) for r in rows} == {(p.parent.name, p.name) for p in dropped}
        assert not any(p.exists() for p in dropped)
        assert len(list(home.inbox.glob("*/回执/*.回执.xlsx"))) == FILES


def _started(log) -> set[str]:
    """Flow runs a worker started (its own log, the record of who ran what). A worker that lost the race
    for a run logs 'Aborted submission' instead: the server lets one worker have it."""
    return set(re.findall(r"Flow run '([^']+)' submitted to infrastructure", log.read_text(errors="replace")))
