"""Flow `ingest-returns`: lock → reconcile → discover → ingest in batches → artifacts for the operator.

`units` limits a run to some units' folders: the dispatcher (flows/dispatch_ingest.py) starts such runs on any
worker. Without it the run takes the whole home and also finishes what an interrupted run left.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from tasks.errors import TownshipError, TransientError, describe, is_transient, low_disk
from tasks.home import open_home
from tasks.intake.discover import Discovery, Dropped
from tasks.intake.dispatch import only_units
from tasks.intake.pool import ingest_and_tally
from tasks.intake.take_stock import find_new, prepare, take_stock
from tasks.intake.tally import IngestSummary, Tally, summarize
from tasks.intake.unit_locks import LockBusy, unit_locks
from tasks.ledger.presence import ensure_present
from tasks.signoff.year_state import signed_report_check
from tasks.summaries.ingest_artifact import report_for

SKIPPED = "Skipped"  # the state name of a run that found another run holding its lock


def transient_only(_task, _run, state) -> bool:
    """Retry only faults a retry can mend (a locked file, a busy database), never a bad file."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001
        return is_transient(exc)
    return False


def retry_delays(total_s: float) -> list[int]:
    """A fault of ours (a locked or lost database, a full disk) is waited out in growing steps for at most
    `total_s` (township.toml `fault_wait_s`); then the run stops with a Chinese message and the files
    wait in the inbox for the next run."""
    delays: list[int] = []
    step = 2
    while sum(delays) + step <= total_s:
        delays.append(step)
        step = min(2 * step, 30)
    return delays


def ingest_batch_step(home, batch: list[Dropped], now: dt.datetime) -> Tally:
    """The batch task: files a fault of ours left are a transient failure while retries remain (Prefect
    tries the batch again; what the earlier attempt answered is counted, not redone); after the last,
    the tally says which files wait and why."""
    from prefect.runtime import task_run

    result = ingest_and_tally(home, batch, now)
    if result.left and task_run.run_count <= len(retry_delays(home.settings.fault_wait_s)):
        unit, name, why = result.left[0]
        raise TransientError(f"{len(result.left)} 个文件暂未处理（{unit}/{name}：{why}），稍后重试")
    return result


# Retries (how many, how long apart) are set per run from the home's `fault_wait_s`.
prepare_task = task(prepare, name="reconcile", cache_policy=NO_CACHE, retry_condition_fn=transient_only)
discover_task = task(find_new, name="discover", cache_policy=NO_CACHE)
ingest_batch_task = task(ingest_batch_step, name="ingest-batch", cache_policy=NO_CACHE,
                         retry_condition_fn=transient_only)
take_stock_task = task(take_stock, name="reconcile-and-discover", cache_policy=NO_CACHE,
                       retry_condition_fn=transient_only)


def patient(step, home) -> object:
    delays = retry_delays(home.settings.fault_wait_s)
    return step.with_options(retries=len(delays), retry_delay_seconds=delays or 0)


def chunks(items: tuple[Dropped, ...], size: int) -> list[list[Dropped]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


@flow(name="ingest-returns", log_prints=True)
async def ingest_returns(home: str, units: list[str] | None = None, as_of: dt.datetime | None = None,
                   batch_size: int = 1000, lock_wait_seconds: float = 10.0,
                   closed: list[dict] | None = None) -> IngestSummary | State:
    """Take every settled file from the inbox (or from `units`' folders only), validate, store, answer
    with a receipt, archive it. Another run holding a unit's lock: this run ends `Skipped`, changing nothing.
    `closed`: files `township serve` saw closed after writing, taken without the settle time (tasks/intake/arrivals).

    Async only for Prefect's sake: a synchronous flow run waits ~1 s at its end for its heartbeat thread
    (MEASURED.md), an async one does not. Its tasks are ordinary synchronous functions."""
    root = Path(home)
    now = as_of or dt.datetime.now(dt.UTC)
    h = open_home(root)
    registered = [u.code for u in h.registry.units]
    unknown = sorted(set(units or ()) - set(registered))
    if unknown:
        raise ValueError(f"单位代码 {'、'.join(unknown)} 不在 units.yaml 中")
    codes = sorted(set(units)) if units is not None else registered
    # quote: values to pass, not collections for Prefect to walk looking for futures (a batch of 1,000
    # files took 0.2 s to walk; a county's home, its 400 units).
    try:
        ensure_present(h.database_url, h.archive)  # a lost ledger is said here, before any step
        with unit_locks(root, h.database_url, codes, lock_wait_seconds, h.settings.fault_wait_s) as locks:
            discovery: Discovery = patient(take_stock_task, h)(quote(h), now, units is None, quote(closed))
            if units is not None:
                discovery = only_units(discovery, set(codes))
            tallies = []
            for part in chunks(discovery.ready, batch_size):
                locks.check()  # a run never goes on with its units unlocked (a lost lock session)
                tallies.append(patient(ingest_batch_task, h)(quote(h), quote(part), now))
            summary = summarize(tallies, discovery)
        title = "入库结果" + (f"（{'、'.join(codes)}）" if units is not None else "")
        # The report only reads the ledger for the artifacts: a plain call, not a task of its own (~40 ms).
        report = report_for(h, summary, codes, now, title)
    except LockBusy as exc:
        print(str(exc))
        return Completed(name=SKIPPED, message=str(exc))
    except Exception as exc:
        if not (is_transient(exc) or isinstance(exc, TownshipError)):
            raise
        # Waited out and still failing: said in Chinese, the files wait in the inbox (no traceback).
        message = f"本次入库未完成：{low_disk(root) or describe(exc)}。未处理的文件仍在收件箱，下次运行会继续。"
        print(message)
        return Failed(message=message)
    stored = sum(summary.by_status.get(k, 0) for k in ("accepted", "accepted_with_warnings"))
    drift = signed_report_check(h) if stored else ""   # late corrections against a signed report
    if drift:
        print(drift)
    await asyncio.gather(
        acreate_table_artifact(report.rows, key="ingest-summary" if units is None else None,
                               description=f"{title}：各单位收到、接收、退回、迟报，及 {report.collecting} 前缺报月份"),
        acreate_markdown_artifact(report.markdown + drift,
                                  key="ingest-summary-text" if units is None else None,
                                  description=title))
    print(summary.line())
    if summary.left:  # the run did what it could; what a fault of ours kept back is a failure to see
        return Failed(message=summary.line())
    return summary


def run_ingest(**params):
    """Run `ingest-returns` from synchronous code (the CLI, the benchmark, tests)."""
    from prefect.utilities.asyncutils import run_coro_as_sync

    return run_coro_as_sync(ingest_returns(**params))
