"""Flow `annual-report`: the year's figures → the draft (.docx) in outbox/ (its sequence:
flows/sequences/annual.py) → (from a deployment) the review: suspended until `township signoff` records
审定 in the ledger (it makes the final copy, 定稿). This flow, with `home`, `out` and `reopen`, is what
the CLI runs in its own process; a deployment runs flows/deployed.py's, which has none of them."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from prefect import flow
from prefect.states import Completed, State

from flows.mailing import wants_delivery
from flows.prefect_steps import PrefectSteps
from flows.sequences.annual import Signed, draft_sequence
from flows.sequences.steps import retry_delays
from flows.signoff import await_decision, review_address, waits_for_review
from schemas.labels import REPORT_STATES
from tasks.home import open_home, township_today
from tasks.signoff.year_state import before_render


@flow(name="annual-report", log_prints=True)
async def annual_report(home: str, year: int | None = None, out: str | None = None, on: dt.date | None = None,
                        deliver: bool | None = None, template: str | None = None, reopen: str | None = None,
                        review: bool | None = None) -> str | State:
    """Render the township's annual report draft for `year` (default: the current year, as the 20 December
    schedule wants) from stored returns; returns its path. Any past year can be re-rendered (backfill).
    E-mailed when `deliver`, or, left unset (scheduled runs), when [delivery] is configured. `template`:
    a report template of the home (<home>/templates/<template>.docx, e.g. one made by `township adopt`).

    A signed year is not rendered again (the run ends 已定稿, saying which figures later returns no
    longer support) unless `reopen` gives the reason. `review` (default: when the run comes from a
    deployment): wait, suspended, for the decision (审定, taken by `township signoff`).

    Async only for Prefect's sake, like ingest-returns: a synchronous flow run ends by joining its
    heartbeat thread, which sleeps in whole seconds (measured: 1.06 s or 2.06 s for the same draft)."""
    steps = PrefectSteps()
    h = open_home(Path(home))
    today = on or township_today(h)
    year = year or today.year
    waits = waits_for_review(review)
    # version: what it rendered before suspending (a resumed run). A step: the ledger is read where the run shows it.
    version, report = steps.call("read-year", before_render, h, year, steps.run_id,
                                 delays=retry_delays(h.settings.fault_wait_s))
    if version is None:
        version = await draft_sequence(steps, h, year, report, out, today, template, reopen,
                                       wants_delivery(h, deliver), reviewers=waits,
                                       address=review_address(steps.run_id, os.environ.get("TOWNSHIP_CONSOLE_URL"))
                                       if waits else "")
        if isinstance(version, Signed):
            return Completed(name=REPORT_STATES["signed"], message=version.message)
    if waits:
        return await await_decision(h, version)
    return version.draft_path


def run_annual_report(**params) -> str:
    """Run `annual-report` from synchronous code (the CLI, the benchmark, tests)."""
    from prefect.utilities.asyncutils import run_coro_as_sync

    return run_coro_as_sync(annual_report(**params))
