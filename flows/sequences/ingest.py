"""The `ingest-returns` sequence: lock → reconcile → discover → ingest in batches → the operator's report.

`units` limits a run to some units' folders: the dispatcher (flows/dispatch_ingest.py) starts such runs on any
worker. Without it the run takes the whole home and also finishes what an interrupted run left.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flows.sequences.steps import Steps, retry_delays
from tasks.errors import TownshipError, describe, is_transient, low_disk
from tasks.home import open_home
from tasks.intake.discover import Discovery, Dropped
from tasks.intake.dispatch import only_units
from tasks.intake.take_stock import take_stock
from tasks.intake.tally import IngestSummary, summarize
from tasks.intake.unit_locks import LockBusy, unit_locks
from tasks.ledger.presence import ensure_present
from tasks.summaries.ingest_artifact import report_for


@dataclass(frozen=True)
class IngestRun:
    """How a run ended: its summary, or why it was skipped (another run holds a lock) or stopped (a fault
    of ours outlasted its wait: the files wait in the inbox)."""
    summary: IngestSummary | None = None
    skipped: str = ""
    stopped: str = ""


def files_left(result) -> str:
    """Why a batch must be tried again: files a fault of ours kept back ("" when none)."""
    if not result.left:
        return ""
    unit, name, why = result.left[0]
    return f"{len(result.left)} 个文件暂未处理（{unit}/{name}：{why}），稍后重试"


def registry_checked(h) -> str:
    """units.yaml against the home: a deleted unit with stored returns stops the run (ContractError);
    a new unit's folder is made and said (issue 28, tasks/intake/registry_sync.py)."""
    from tasks.intake.registry_sync import check_removed, folders_message, new_unit_folders
    from tasks.ledger.engine import make_engine

    ensure_present(h.database_url, h.archive)  # a lost ledger is said, never made again empty here
    engine = make_engine(h.database_url)
    try:
        check_removed(engine, h)
    finally:
        engine.dispose()
    return folders_message(h, new_unit_folders(h))


def chunks(items: tuple[Dropped, ...], size: int) -> list[list[Dropped]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


async def ingest_sequence(steps: Steps, home: str, units: list[str] | None = None,
                          as_of: dt.datetime | None = None, batch_size: int = 1000,
                          lock_wait_seconds: float = 10.0, closed: list[dict] | None = None) -> IngestRun:
    """Take every settled file from the inbox (or from `units`' folders only), validate, store, answer
    with a receipt, archive it. Another run holding a unit's lock: skipped, changing nothing."""
    root = Path(home)
    now = as_of or dt.datetime.now(dt.UTC)
    h = open_home(root)
    registered = [u.code for u in h.registry.units]
    unknown = sorted(set(units or ()) - set(registered))
    if unknown:
        raise ValueError(f"单位代码 {'、'.join(unknown)} 不在 units.yaml 中")
    codes = sorted(set(units)) if units is not None else registered
    delays = retry_delays(h.settings.fault_wait_s)
    made = ""
    try:
        ensure_present(h.database_url, h.archive)  # a lost ledger is said here, before any step
        # a step: the ledger read there waits out a fault of ours like the others (a restarting server)
        made = steps.call("registry-check", registry_checked, h, delays=delays)
        if made:
            steps.tell(made)
        with unit_locks(root, h.database_url, codes, lock_wait_seconds, h.settings.fault_wait_s) as locks:
            discovery: Discovery = steps.call("reconcile-and-discover", take_stock, h, now, units is None, closed,
                                              delays=delays)
            if units is not None:
                discovery = only_units(discovery, set(codes))
            tallies = []
            if discovery.ready:  # the reading pool's modules (~0.5 s) only for a run with files to read
                from tasks.intake.pool import ingest_and_tally
            for part in chunks(discovery.ready, batch_size):
                locks.check()  # a run never goes on with its units unlocked (a lost lock session)
                tallies.append(steps.call("ingest-batch", ingest_and_tally, h, part, now, delays=delays,
                                          again=files_left))
            summary = summarize(tallies, discovery)
        title = "入库结果" + (f"（{'、'.join(codes)}）" if units is not None else "")
        # Documented exception (issue 26): the report only reads the ledger, inside the run's retried
        # batches' outcome; a task run of its own would add ~40 ms to every receipt the watcher answers.
        report = report_for(h, summary, codes, now, title)
    except LockBusy as exc:
        steps.say(str(exc))
        return IngestRun(skipped=str(exc))
    except Exception as exc:
        if not (is_transient(exc) or isinstance(exc, TownshipError)):
            raise
        # Waited out and still failing: said in Chinese, the files wait in the inbox (no traceback).
        message = f"本次入库未完成：{low_disk(root) or describe(exc)}。未处理的文件仍在收件箱，下次运行会继续。"
        steps.say(message)
        return IngestRun(stopped=message)
    stored = sum(summary.by_status.get(k, 0) for k in ("accepted", "accepted_with_warnings"))
    drift = ""
    if stored:  # late corrections against a signed report (reads only; imported here, as the report above)
        from tasks.signoff.year_state import signed_report_check

        drift = signed_report_check(h)
    if drift:
        steps.tell(drift)
    await steps.publish("ingest-summary" if units is None else None,
                        f"{title}：各单位收到、接收、退回、迟报，及 {report.collecting} 前缺报月份",
                        report.markdown + drift + (f"\n{made}\n" if made else ""), rows=report.rows)
    steps.say(summary.line())
    return IngestRun(summary=summary)
