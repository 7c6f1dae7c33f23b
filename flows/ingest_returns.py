"""Flow `ingest-returns`: its sequence (flows/sequences/ingest.py: lock → reconcile → discover → ingest in
batches → the operator's report) with Prefect's steps — task runs, retries, artifacts on the server."""
from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State

from flows.prefect_steps import PrefectSteps
from flows.sequences.ingest import ingest_sequence
from tasks.errors import is_transient
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.intake.tally import IngestSummary

SKIPPED = "Skipped"  # the state name of a run that found another run holding its lock


def transient_only(_task, _run, state) -> bool:
    """Retry only faults a retry can mend (a locked file, a busy database), never a bad file."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001
        return is_transient(exc)
    return False


# The dispatcher's steps (flows/dispatch_ingest.py): reconcile the whole home, then find what waits.
reconcile_task = task(reconcile_home, name="reconcile", cache_policy=NO_CACHE, retry_condition_fn=transient_only)
discover_task = task(find_new, name="discover", cache_policy=NO_CACHE)


@flow(name="ingest-returns", log_prints=True)
async def ingest_returns(home: str, units: list[str] | None = None, as_of: dt.datetime | None = None,
                         batch_size: int = 1000, lock_wait_seconds: float = 10.0,
                         closed: list[dict] | None = None) -> IngestSummary | State:
    """Take every settled file from the inbox (or from `units`' folders only), validate, store, answer
    with a receipt, archive it. Another run holding a unit's lock: this run ends `Skipped`, changing nothing.
    `closed`: files `township serve` saw closed after writing, taken without the settle time (tasks/intake/arrivals).

    Async only for Prefect's sake: a synchronous flow run waits ~1 s at its end for its heartbeat thread
    (MEASURED.md), an async one does not. Its tasks are ordinary synchronous functions."""
    run = await ingest_sequence(PrefectSteps(), home, units, as_of, batch_size, lock_wait_seconds, closed)
    if run.skipped:
        return Completed(name=SKIPPED, message=run.skipped)
    if run.stopped:
        return Failed(message=run.stopped)
    if run.summary.left:  # the run did what it could; what a fault of ours kept back is a failure to see
        return Failed(message=run.summary.line())
    return run.summary


def run_ingest(**params):
    """Run `ingest-returns` from synchronous code (the CLI, the benchmark, tests)."""
    from prefect.utilities.asyncutils import run_coro_as_sync

    return run_coro_as_sync(ingest_returns(**params))
