"""A persistent Prefect server for one home: started as a child process, its SQLite under <home>/.prefect,
so runs and their history survive restarts (Prefect's temporary local server drops them, MEASURED.md).

Only the edge (the CLI) calls these: they read the environment and start processes.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PREFECT_DIR = ".prefect"
SERVE_RECORD = "serve.json"   # where a running `township serve` says which server it uses
SERVE_LOCK = "serve.lock"     # held by the one `township serve` of a home


class ServerError(Exception):
    """The Prefect server could not be started or reached; terminal for the command."""


def is_reachable(api_url: str, timeout: float = 2.0) -> bool:
    import httpx

    try:
        return httpx.get(api_url.rstrip("/") + "/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(root: Path, host: str, port: int, auth: str, public_api: str | None = None,
                 wait_seconds: float = 120.0) -> subprocess.Popen:
    """`prefect server start` in a session of its own (so stopping it stops all it started), locked:
    the home's auth string required, CSRF on, CORS to its UI's origin (flows/server_auth.py)."""
    from flows.server_auth import server_settings

    api = api_url(host, port)
    if is_reachable(api, timeout=1.0):
        raise ServerError(f"端口 {port} 上已有 Prefect 服务；设置 PREFECT_API_URL={api} 复用它，或换一个 --port")
    folder = root / PREFECT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(folder)
    # The UI asks its server where the API is: its own port, not Prefect's default 4200 (where another
    # home's server may answer, and the UI's Run would start that township's flows); beyond the loopback,
    # an address the browsers that open the UI can reach.
    env.update(server_settings(auth, public_api or api), PREFECT_SERVER_API_HOST=host,
               PREFECT_SERVER_API_PORT=str(port))
    log = open(folder / "server.log", "ab")  # noqa: SIM115 — the child writes it for its whole life
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    log.close()
    deadline = time.monotonic() + wait_seconds
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ServerError(f"Prefect 服务启动失败（退出码 {proc.returncode}），见 {folder / 'server.log'}")
            if is_reachable(api, timeout=1.0):
                return proc
            time.sleep(0.5)
        raise ServerError(f"Prefect 服务 {wait_seconds:.0f} 秒内未就绪，见 {folder / 'server.log'}")
    except BaseException:  # Ctrl-C while waiting too: never leave the child behind
        stop_process(proc)
        raise


def stop_process(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM to the child's whole session (uvicorn and its services), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def api_url(host: str, port: int) -> str:
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/api"


def ui_url(api: str) -> str:
    return api.rstrip("/").removesuffix("/api")


def claim_home(root: Path):
    """One `township serve` per home: a lock held for serve's life. A second one is told which is running
    (from serve.json, which it never touches) and stops: ServerError."""
    from filelock import FileLock, Timeout

    folder = root / PREFECT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / SERVE_LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        try:
            running = json.loads((folder / SERVE_RECORD).read_text(encoding="utf-8"))
            which = f"（进程 {running['pid']}，界面 {ui_url(running['api_url'])}）"
        except (OSError, ValueError, KeyError):
            which = "（正在启动）"
        raise ServerError(f"本实例 {root} 已有 township serve 在运行{which}；一个实例只能运行一个，"
                          "请使用它，或先停止它") from exc
    return lock


def record_server(root: Path, api: str, server_pid: int | None = None) -> None:
    folder = root / PREFECT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SERVE_RECORD).write_text(json.dumps({"api_url": api, "pid": os.getpid(), "server_pid": server_pid}),
                                       encoding="utf-8")


def forget_server(root: Path) -> None:
    (root / PREFECT_DIR / SERVE_RECORD).unlink(missing_ok=True)


def use_home_server(root: Path) -> str | None:
    """Point this process at the server a running `township serve` of this home uses, with the home's
    auth string, so a one-shot command keeps its history there and skips Prefect's ~10 s temporary
    server. Call before prefect is imported. An explicit PREFECT_API_URL wins (the home's auth string
    goes with it only when it is serve's own address)."""
    record = root / PREFECT_DIR / SERVE_RECORD
    try:
        api = json.loads(record.read_text(encoding="utf-8"))["api_url"]
    except (OSError, ValueError, KeyError):
        api = None
    explicit = os.environ.get("PREFECT_API_URL")
    if explicit:
        if explicit.rstrip("/") == (api or "").rstrip("/"):
            use_home_auth(root)
        return explicit
    if api is None or not is_reachable(api, timeout=1.0):
        return None
    os.environ["PREFECT_API_URL"] = api
    use_home_auth(root)
    return api


def use_home_auth(root: Path) -> None:
    """The home's auth string for this process, unless the operator gave one (PREFECT_API_AUTH_STRING)."""
    from flows.server_auth import read_auth_string, use_auth

    auth = read_auth_string(root)
    if auth and not os.environ.get("PREFECT_API_AUTH_STRING"):
        use_auth(auth)
