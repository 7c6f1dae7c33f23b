"""Flow `period-summary`: the ledger of a month, quarter or year → the operator's workbook and the
催报 notice in outbox/; e-mailed when [delivery] is configured (scheduled runs) or asked for."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.delivery import deliver_task, wants_delivery
from flows.report import township_today
from tasks import summary as steps
from tasks.periods import previous_month

summary_task = task(steps.period_summary, name="summary-workbook", cache_policy=NO_CACHE)


@flow(name="period-summary", log_prints=True)
def period_summary(home: str, period: str | None = None, on: dt.date | None = None,
                   deliver: bool | None = None) -> steps.SummaryFiles:
    """Write the period workbook (汇总/分单位/报送情况/问题清单/催报名单) and the 催报 notice.
    `period`: 2024-03, 2024-Q1 or 2024; by default the month before `on` (the schedule runs early
    in the month for the month just ended)."""
    day = on or township_today(Path(home))  # the township's date, whatever the worker's time zone
    files: steps.SummaryFiles = summary_task(Path(home), period or previous_month(day), day)
    print(files.text)
    if wants_delivery(home, deliver):
        sent = deliver_task(home, files.title, [str(files.workbook)])
        print(f"已发送给 {', '.join(sent)}")
    return files
