"""Flow `annual-report`: the year's figures → the draft (.docx) in outbox/ → (from a deployment) the
review: suspended until 审定 in the Prefect UI or `township signoff` → the final copy (定稿)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import State
from prefect.utilities.annotations import quote

from flows.delivery import deliver_task, wants_delivery
from flows.signoff import await_decision, may_draft, this_run_id, waits_for_review
from tasks.drafts.annual import render_annual
from tasks.home import open_home, township_today
from tasks.signoff.versions import record_draft
from tasks.signoff.year_state import before_render

render_task = task(render_annual, name="render-draft", cache_policy=NO_CACHE)
record_task = task(record_draft, name="record-version", cache_policy=NO_CACHE)


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
    deployment): wait, suspended, for the decision (审定) and carry it out.

    Async only for Prefect's sake, like ingest-returns: a synchronous flow run ends by joining its
    heartbeat thread, which sleeps in whole seconds (measured: 1.06 s or 2.06 s for the same draft)."""
    h = open_home(Path(home))
    today = on or township_today(h)
    year = year or today.year
    waits = waits_for_review(review)
    version, report = before_render(h, year, this_run_id())  # version: what it rendered before suspending
    if version is None:
        notes = await may_draft(h, year, report, reopen)
        if isinstance(notes, State):   # the year is signed
            return notes
        drafted = render_task(quote(h), year, Path(out) if out else None, today, template, notes)
        version = record_task(quote(h), year, quote(drafted), dt.datetime.now(dt.UTC), this_run_id())
        await acreate_markdown_artifact(f"# {year}年度报告草稿（第{version.version}稿）\n\n已生成：`{drafted.path}`\n",
                                        key="annual-report", description="年度报告草稿")
        if wants_delivery(h, deliver):
            sent = deliver_task(quote(h), f"{year}年法治政府建设情况报告（草稿）", [str(drafted.path)], reviewers=waits,
                                how_to_decide=HOW_TO_DECIDE.format(year=year) if waits else "")
            print(f"已发送给 {', '.join(sent)}")
    if waits:
        return await await_decision(h, version)
    return version.draft_path


HOW_TO_DECIDE = ("审定：在 Prefect 界面打开本次 annual-report 运行，点 Resume，填写审定结果（通过/退回修改）、审定人、意见；"
                 "修改稿请放入 outbox/审定/ 并填文件名。没有界面的办公室可在命令行运行 "
                 "township signoff --year {year} --by 姓名 [--file 修改稿.docx] [--reject \"意见\"]。")


def run_annual_report(**params) -> str:
    """Run `annual-report` from synchronous code (the CLI, the benchmark, tests)."""
    from prefect.utilities.asyncutils import run_coro_as_sync

    return run_coro_as_sync(annual_report(**params))
