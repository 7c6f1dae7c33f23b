"""`township serve` end to end as an operator runs it: a persistent Prefect server under the home, the
three deployments with their crons and time zone, a dropped file answered without a manual trigger,
`prefect deployment run` working, history surviving a restart, and SIGTERM stopping everything."""
from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.helpers import VILLAGE, drop, make_home
from tests.procs import BIN, clean_env, cli, flow_runs, free_port, healthy, start, stop, wait_for

pytestmark = pytest.mark.slow


def _serve(root, port, env, log):
    proc = start([str(BIN / "township"), "serve", "--home", str(root), "--port", str(port)], env, log)
    wait_for(lambda: "Prefect 界面" in log.read_text(errors="replace") or proc.poll() is not None, 180,
             "township serve to start", log)
    assert proc.poll() is None, log.read_text(errors="replace")
    return proc


def test_serve_schedules_watches_and_stops_cleanly(tmp_path):
    home = make_home(tmp_path / "home", settle_seconds=2)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    log = tmp_path / "serve.log"
    proc = _serve(home.root, port, env, log)
    try:
        assert (home.root / ".prefect" / "prefect.db").exists() and healthy(api)
        client_env = {**env, "PREFECT_API_URL": api}
        served = ("ingest-returns/ingest-returns", "period-summary/period-summary",
                  "annual-report/annual-report")
        # The runner registers them as it starts, just after the UI's address is printed: on a busy
        # machine the first listing may come before the last of them.
        listed = lambda: cli([str(BIN / "prefect"), "deployment", "ls"], client_env).stdout  # noqa: E731
        wait_for(lambda: all(name in listed() for name in served), 60, "the three deployments", log)
        inspected = cli([str(BIN / "prefect"), "deployment", "inspect", "annual-report/annual-report"], client_env)
        assert "'cron': '0 8 20 12 *'" in inspected.stdout and "'timezone': 'Asia/Shanghai'" in inspected.stdout

        path = drop(home)                       # a clerk drops a file now: no trigger but the watcher's
        os.utime(path, None)
        receipts = home.receipt_dir(VILLAGE)
        wait_for(lambda: list(receipts.glob("*.回执.xlsx")), 60 + 2, "the dropped file's receipt", log)
        assert not path.exists()

        ran = cli([str(BIN / "prefect"), "deployment", "run", "ingest-returns/ingest-returns", "--watch",
                   "--watch-timeout", "120"], client_env)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        one_shot = cli([str(BIN / "township"), "ingest", "--home", str(home.root)], env)  # finds serve's server
        assert one_shot.returncode == 0 and "收到 0 个文件" in one_shot.stdout, one_shot.stdout + one_shot.stderr
        completed = flow_runs(api, state={"type": {"any_": ["COMPLETED"]}})
        assert len(completed) >= 3
    finally:
        code = stop(proc, signal.SIGTERM)
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert "已停止" in log.read_text(errors="replace")
    assert not healthy(api) and not _servers_on(port) and not (home.root / ".prefect" / "serve.json").exists()

    log = tmp_path / "serve-again.log"
    proc = _serve(home.root, port, env, log)   # history survives a restart: it is in the home's database
    try:
        assert len(flow_runs(api, state={"type": {"any_": ["COMPLETED"]}})) >= len(completed)
    finally:
        assert stop(proc, signal.SIGINT) == 0   # Ctrl-C
    assert not healthy(api) and not _servers_on(port)


def test_ctrl_c_while_starting_leaves_no_server_behind(tmp_path):
    home = make_home(tmp_path / "home")
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start([str(BIN / "township"), "serve", "--home", str(home.root), "--port", str(port)],
                 clean_env(PREFECT_HOME=str(tmp_path / "prefect-client")), log)
    wait_for(lambda: _servers_on(port), 60, "the Prefect server process", log)
    assert stop(proc, signal.SIGINT) == 0, log.read_text(errors="replace")
    wait_for(lambda: not _servers_on(port), 30, "the Prefect server to stop", log)


def _servers_on(port: int) -> list[str]:
    out = subprocess.run(["pgrep", "-f", f"prefect server start .*--port {port}"], capture_output=True, text=True, check=False)
    return out.stdout.split()
