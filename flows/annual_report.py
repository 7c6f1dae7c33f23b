"""Flow `annual-report`: the year's figures → the draft (.docx) in outbox/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.delivery import deliver_task, wants_delivery
from tasks.drafts.annual import annual_draft
from tasks.home import open_home, township_today

render_task = task(annual_draft, name="render-draft", cache_policy=NO_CACHE)


@flow(name="annual-report", log_prints=True)
async def annual_report(home: str, year: int | None = None, out: str | None = None, on: dt.date | None = None,
                        deliver: bool | None = None, template: str | None = None) -> str:
    """Render the township's annual report draft for `year` (default: the current year, as the 20 December
    schedule wants) from stored returns; returns its path. Any past year can be re-rendered (backfill).
    E-mailed when `deliver`, or, left unset (scheduled runs), when [delivery] is configured. `template`:
    a report template of the home (<home>/templates/<template>.docx, e.g. one made by `township adopt`).

    Async only for Prefect's sake, like ingest-returns: a synchronous flow run ends by joining its
    heartbeat thread, which sleeps in whole seconds (measured: 1.06 s or 2.06 s for the same draft)."""
    h = open_home(Path(home))
    today = on or township_today(h)
    year = year or today.year
    path = render_task(quote(h), year, Path(out) if out else None, today, template)
    await acreate_markdown_artifact(f"# {year}年度报告草稿\n\n已生成：`{path}`\n", key="annual-report",
                                    description="年度报告草稿")
    if wants_delivery(h, deliver):
        sent = deliver_task(quote(h), f"{year}年法治政府建设情况报告（草稿）", [str(path)])
        print(f"已发送给 {', '.join(sent)}")
    return str(path)


def run_annual_report(**params) -> str:
    """Run `annual-report` from synchronous code (the CLI, the benchmark, tests)."""
    from prefect.utilities.asyncutils import run_coro_as_sync

    return run_coro_as_sync(annual_report(**params))
