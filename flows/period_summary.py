"""Flow `period-summary`: the ledger of a month, quarter or year → the operator's workbook and the
催报 notice in outbox/; e-mailed when [delivery] is configured (scheduled runs) or asked for."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.delivery import deliver_task, wants_delivery
from tasks.home import open_home, township_today
from tasks.returns.periods import previous_month
from tasks.summaries.model import SummaryFiles
from tasks.summaries.period import summary_files

summary_task = task(summary_files, name="summary-workbook", cache_policy=NO_CACHE)


@flow(name="period-summary", log_prints=True)
def period_summary(home: str, period: str | None = None, on: dt.date | None = None,
                   deliver: bool | None = None) -> SummaryFiles:
    """Write the period workbook (汇总/分单位/报送情况/问题清单/催报名单) and the 催报 notice.
    `period`: 2024-03, 2024-Q1 or 2024; by default the month before `on` (the schedule runs early
    in the month for the month just ended)."""
    h = open_home(Path(home))
    day = on or township_today(h)  # the township's date, whatever the worker's time zone
    # quote: the home is a value to pass, not a collection for Prefect to walk looking for futures.
    files: SummaryFiles = summary_task(quote(h), period or previous_month(day), day)
    print(files.text)
    if files.remark:
        print(files.remark)
    if wants_delivery(h, deliver):
        sent = deliver_task(quote(h), files.title, [str(files.workbook)])
        print(f"已发送给 {', '.join(sent)}")
    return files
