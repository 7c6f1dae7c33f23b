"""Flow `dispatch-ingest`'s body (several machines; the flow itself is flows/deployed.py, as it only ever
runs from its deployment): split the inbox by unit and start per-unit `ingest-returns` runs through the
server, which any worker of the pool picks up. Each run holds its units' locks, and the ledger's unique
index guarantees each file once whatever happens."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from prefect import get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.utilities.annotations import quote

from flows.ingest_returns import SKIPPED, discover_task, reconcile_task
from tasks.home import open_home
from tasks.intake.dispatch import files_per_unit, plan_runs
from tasks.intake.unit_locks import LockBusy, unit_locks

INGEST_DEPLOYMENT = "ingest-returns/ingest-returns"


def dispatch(home: str, per_run: int = 200, wait: bool = True, timeout_seconds: float = 3600.0,
                    as_of: dt.datetime | None = None) -> dict[str, str]:
    """Start one `ingest-returns` run per group of units (about `per_run` files each); with `wait`,
    wait for them and return each run's final state by name. The runs' home is their worker's (their
    deployment's), as this one's is: no run is told where to work."""
    logger = get_run_logger()
    root = Path(home)
    h = open_home(root)
    now = as_of or dt.datetime.now(dt.UTC)
    try:  # finishing an interrupted run's rows needs every unit idle; otherwise the next dispatch does it
        with unit_locks(root, h.database_url, [u.code for u in h.registry.units], wait_seconds=0):
            reconcile_task(quote(h), True)
    except LockBusy:
        logger.info("有单位正在入库，本次不补做中断的收尾")
        reconcile_task(quote(h), False)
    groups = plan_runs(files_per_unit(discover_task(quote(h), now)), per_run)
    runs = [run_deployment(INGEST_DEPLOYMENT, timeout=0, parameters={"units": group},
                           flow_run_name=f"ingest-{group[0]}" + (f"-and-{len(group) - 1}" if len(group) > 1 else ""))
            for group in groups]
    logger.info("已分派 %d 个入库运行（%d 个单位）", len(runs), sum(len(g) for g in groups))
    if not wait or not runs:
        return {r.name: "Scheduled" for r in runs}
    states = _wait([r.id for r in runs], timeout_seconds)
    create_table_artifact([{"运行": states[r.id][0], "单位": "、".join(g), "状态": states[r.id][1]}
                           for r, g in zip(runs, groups)], key="dispatch-ingest", description="分派的入库运行")
    failed = [name for name, state in states.values() if state not in ("Completed", SKIPPED)]
    if failed:  # the dispatcher's own state tells the operator that some unit's run needs a look
        raise RuntimeError(f"{len(failed)} 个入库运行未成功完成：{'、'.join(failed)}")
    return dict(states.values())


def _wait(ids: list, timeout_seconds: float) -> dict:
    """Poll the server until every run is final (or the time is up): {id: (name, state name)}."""
    deadline = time.monotonic() + timeout_seconds
    with get_client(sync_client=True) as client:
        while True:
            found = {i: client.read_flow_run(i) for i in ids}
            if all(r.state and r.state.is_final() for r in found.values()) or time.monotonic() > deadline:
                return {i: (r.name, r.state.name if r.state else "Unknown") for i, r in found.items()}
            time.sleep(2.0)
