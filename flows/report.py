"""Flow `annual-report`: the year's figures → the draft (.docx) in outbox/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.delivery import deliver_task, wants_delivery
from tasks import report as steps

render_task = task(steps.annual_draft, name="render-draft", cache_policy=NO_CACHE)


@flow(name="annual-report", log_prints=True)
def annual_report(home: str, year: int, out: str | None = None, on: dt.date | None = None,
                  deliver: bool | None = None) -> str:
    """Render the township's annual report draft for `year` from stored returns; returns its path.
    E-mailed when `deliver`, or, left unset (scheduled runs), when [delivery] is configured."""
    path = render_task(Path(home), year, Path(out) if out else None, on or dt.date.today())
    if wants_delivery(home, deliver):
        sent = deliver_task(home, f"{year}年法治政府建设情况报告（草稿）", [str(path)])
        print(f"已发送给 {', '.join(sent)}")
    return str(path)
