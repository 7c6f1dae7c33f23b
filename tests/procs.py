"""Real processes for the end-to-end tests (a Prefect server, workers, `township serve`): each in a
session of its own, stopped by its id, its output kept in a file for the failure message."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any Prefect server address (a test names its own), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "INFO"}, **extra)
    return env


def start(cmd: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=cwd, start_new_session=True)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 30.0) -> int | None:
    """Signal the process (not its group: it must stop what it started itself); kill the group if it
    lingers. Returns its exit code."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything of its session left behind
    except (ProcessLookupError, PermissionError):
        pass
    return proc.wait(timeout=10)


def wait_for(predicate, timeout: float, what: str, log: Path | None = None, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n{tail}")


def healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def flow_runs(api: str | LockedApi, **filters) -> list[dict]:
    body = {"flow_runs": filters, "limit": 200} if filters else {"limit": 200}
    post = api.request if isinstance(api, LockedApi) else (lambda m, path, **kw: httpx.post(f"{api}{path}", **kw))
    response = post("POST", "/flow_runs/filter", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def home_auth(root: Path) -> str:
    """The auth string `township serve` keeps for its home's Prefect server."""
    return (root / ".prefect" / "auth").read_text(encoding="ascii").strip()


class LockedApi:
    """A Prefect API with the auth string and CSRF protection on, called as Prefect's own clients call
    it: the auth string on every request, a CSRF token (fetched once, for this client) on every change.
    A 503 (the server's database busy for a moment, seen on a loaded machine) is tried again."""

    def __init__(self, url: str, auth: str) -> None:
        import uuid

        self.url, self.auth, self.client_id = url.rstrip("/"), auth, str(uuid.uuid4())
        self._token: str | None = None

    def headers(self, method: str) -> dict[str, str]:
        import base64

        out = {"Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode()}
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            if self._token is None:
                got = httpx.get(f"{self.url}/csrf-token", params={"client": self.client_id}, headers=out, timeout=10)
                got.raise_for_status()
                self._token = got.json()["token"]
            out.update({"Prefect-Csrf-Token": self._token, "Prefect-Csrf-Client": self.client_id})
        return out

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        kwargs.setdefault("timeout", 10)
        for _ in range(5):
            response = httpx.request(method, self.url + path, headers=self.headers(method), **kwargs)
            if response.status_code != 503:
                return response
            time.sleep(1.0)
        return response


def cli(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          check=False)
