"""Flow `annual-report`: the year's figures → the draft (.docx) in outbox/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tasks import report as steps

render_task = task(steps.annual_draft, name="render-draft", cache_policy=NO_CACHE)


@flow(name="annual-report")
def annual_report(home: str, year: int, out: str | None = None, on: dt.date | None = None) -> str:
    """Render the township's annual report draft for `year` from stored returns; returns its path."""
    return str(render_task(Path(home), year, Path(out) if out else None, on or dt.date.today()))
