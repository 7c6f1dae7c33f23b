"""Flow `ingest-returns`: reconcile → discover → ingest in batches → summary for the operator."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tasks import batch as steps
from tasks.discover import Discovery, Dropped
from tasks.errors import is_transient
from tasks.ingest import FileOutcome
from tasks.lock import home_lock


def transient_only(_task, _run, state) -> bool:
    """Retry only faults a retry can mend (a locked file, a busy database), never a bad file."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001
        return is_transient(exc)
    return False


prepare_task = task(steps.prepare, name="reconcile", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2,
                    retry_condition_fn=transient_only)
discover_task = task(steps.find_new, name="discover", cache_policy=NO_CACHE)
ingest_batch_task = task(steps.ingest_batch, name="ingest-batch", cache_policy=NO_CACHE, retries=3,
                         retry_delay_seconds=5, retry_condition_fn=transient_only)


def chunks(items: tuple[Dropped, ...], size: int) -> list[list[Dropped]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


@flow(name="ingest-returns", log_prints=True)
def ingest_returns(home: str, as_of: dt.datetime | None = None, batch_size: int = 200) -> steps.IngestSummary:
    """Take every settled file from the inbox, validate, store, answer with a receipt, archive it."""
    root = Path(home)
    now = as_of or dt.datetime.now(dt.UTC)
    with home_lock(root):
        prepare_task(root)
        discovery: Discovery = discover_task(root, now)
        outcomes: list[FileOutcome] = []
        for part in chunks(discovery.ready, batch_size):
            outcomes.extend(ingest_batch_task(root, part, now))
        summary = steps.summarize(outcomes, discovery)
    print(summary.line())
    return summary
