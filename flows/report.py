"""Flow `annual-report`: the year's figures → the draft (.docx) in outbox/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from tasks import report as steps
from tasks.home import open_home

render_task = task(steps.annual_draft, name="render-draft", cache_policy=NO_CACHE)


def township_today(root: Path) -> dt.date:
    """Today where the township is (its schedules' time zone), not where the worker's clock is set."""
    return dt.datetime.now(ZoneInfo(open_home(root).settings.schedules.timezone)).date()


@flow(name="annual-report")
def annual_report(home: str, year: int | None = None, out: str | None = None, on: dt.date | None = None) -> str:
    """Render the township's annual report draft for `year` (default: the current year) from stored
    returns; returns its path. Any past year can be re-rendered (backfill)."""
    root = Path(home)
    today = on or township_today(root)
    path = str(render_task(root, year or today.year, Path(out) if out else None, today))
    create_markdown_artifact(f"# {year or today.year}年度报告草稿\n\n已生成：`{path}`\n", key="annual-report",
                             description="年度报告草稿")
    return path
