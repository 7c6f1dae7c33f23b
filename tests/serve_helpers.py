"""Calls to `township serve`'s locked Prefect API as the UI makes them (tests/procs.py `LockedApi`):
run a deployment, follow a run's state, read what its Resume dialog shows."""
from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.procs import BIN, LockedApi, free_port, start, stop, wait_for

DEPLOYMENT = "annual-report/annual-report"


@contextmanager
def serving(root: Path, workdir: Path, env: dict[str, str], *extra: str,
            port: int | None = None) -> Iterator[tuple[int, Path]]:
    """`township serve` of the home as a real process, until the block ends (SIGTERM: it must exit 0)."""
    port = port or free_port()
    log = workdir / f"serve-{port}.log"
    proc = start([str(BIN / "township"), "serve", "--home", str(root), "--port", str(port), *extra], env, log)
    try:
        wait_for(lambda: "Prefect 界面" in log.read_text(errors="replace") or proc.poll() is not None, 180,
                 "township serve to start", log)
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        yield port, log
    finally:
        assert stop(proc, signal.SIGTERM) == 0, log.read_text(errors="replace")[-3000:]


def create_run(api: LockedApi, parameters: dict, deployment: str = DEPLOYMENT, **body) -> httpx.Response:
    """What the UI's "Run" (custom run) sends: a flow run of the deployment with these parameters (and
    any other field of Prefect's create_flow_run)."""
    def registered():
        found = api.request("GET", f"/deployments/name/{deployment}")
        return found.json() if found.status_code == 200 else None
    found = wait_for(registered, 60, "the served deployments")
    return api.request("POST", f"/deployments/{found['id']}/create_flow_run", json={"parameters": parameters, **body})


def run_deployment(api: LockedApi, **parameters) -> str:
    created = create_run(api, parameters)
    created.raise_for_status()
    return created.json()["id"]


def state_of(api: LockedApi, run_id: str) -> dict:
    return api.request("GET", f"/flow_runs/{run_id}").json()["state"]


def until(api: LockedApi, run_id: str, kind: str, log, timeout: float = 240, allow_failed: bool = False) -> dict:
    def reached():
        state = state_of(api, run_id)
        assert allow_failed or state["type"] not in ("FAILED", "CRASHED"), \
            (state, log.read_text(errors="replace")[-3000:])
        return state if state["type"] == kind else None
    return wait_for(reached, timeout, f"run {run_id} to be {kind}", log, step=1.0)


def run_input(api: LockedApi, run_id: str, which: str):
    """What the UI builds its Resume dialog from: the form's JSON schema, or the text above it."""
    keyset = state_of(api, run_id)["state_details"]["run_input_keyset"]
    value = api.request("GET", f"/flow_runs/{run_id}/input/{keyset[which]}").json()
    return json.loads(value) if which == "schema" and isinstance(value, str) else value
