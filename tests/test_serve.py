"""`township serve` end to end as an operator runs it: a persistent Prefect server under the home, the
three deployments with their crons and time zone, a dropped file answered without a manual trigger,
`prefect deployment run` working, history surviving a restart, and SIGTERM stopping everything."""
from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.helpers import VILLAGE, drop, make_home
from tests.procs import BIN, LockedApi, clean_env, cli, flow_runs, free_port, healthy, home_auth, start, stop, wait_for

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
        auth = home_auth(home.root)     # Prefect's own CLI needs the home's auth string (issue 22)
        client_env = {**env, "PREFECT_API_URL": api, "PREFECT_API_AUTH_STRING": auth}
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
        completed = flow_runs(LockedApi(api, auth), state={"type": {"any_": ["COMPLETED"]}})
        assert len(completed) >= 3
    finally:
        code = stop(proc, signal.SIGTERM)
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert "已停止" in log.read_text(errors="replace")
    assert not healthy(api) and not _servers_on(port) and not (home.root / ".prefect" / "serve.json").exists()

    log = tmp_path / "serve-again.log"
    proc = _serve(home.root, port, env, log)   # history survives a restart: it is in the home's database
    try:
        assert home_auth(home.root) == auth   # made once: the clients and the UI's login keep working
        assert len(flow_runs(LockedApi(api, auth), state={"type": {"any_": ["COMPLETED"]}})) >= len(completed)
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


def test_serve_keeps_its_server_its_port_and_its_home(tmp_path):
    """On a port other than 4200 the UI is told its own API; a killed Prefect server is started again
    and a dropped file is still answered; a second serve of the home says which one runs and leaves
    the first one's serve.json alone."""
    import json

    import httpx

    home = make_home(tmp_path / "home", settle_seconds=2)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    log = tmp_path / "serve.log"
    proc = _serve(home.root, port, env, log)
    record = home.root / ".prefect" / "serve.json"
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=10).json()["api_url"] == api

        second = cli([str(BIN / "township"), "serve", "--home", str(home.root), "--port", str(free_port())], env,
                     timeout=120)
        said = second.stdout + second.stderr
        assert second.returncode == 2 and "已有 township serve 在运行" in said and str(proc.pid) in said, said
        assert json.loads(record.read_text(encoding="utf-8"))["pid"] == proc.pid  # the first one's, kept

        server_pid = json.loads(record.read_text(encoding="utf-8"))["server_pid"]
        os.killpg(server_pid, signal.SIGKILL)   # the Prefect server dies under serve
        wait_for(lambda: not healthy(api), 30, "the server to be gone", log)
        wait_for(lambda: "Prefect 服务已重新启动" in log.read_text(errors="replace"), 180, "the server restarted", log)
        assert healthy(api) and json.loads(record.read_text(encoding="utf-8"))["server_pid"] != server_pid

        path = drop(home)
        os.utime(path, None)
        wait_for(lambda: list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx")), 120, "the dropped file's receipt", log)
    finally:
        code = stop(proc, signal.SIGTERM)
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert not healthy(api) and not _servers_on(port) and not record.exists()
