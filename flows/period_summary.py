"""Flow `period-summary`: its sequence (flows/sequences/summary.py: the period's workbook and 催报 notice,
e-mailed when [delivery] is configured or asked for) with Prefect's steps."""
from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.prefect_steps import PrefectSteps
from flows.sequences.summary import summary_sequence
from tasks.summaries.model import SummaryFiles


@flow(name="period-summary", log_prints=True)
def period_summary(home: str, period: str | None = None, on: dt.date | None = None,
                   deliver: bool | None = None) -> SummaryFiles:
    """Write the period workbook (汇总/分单位/报送情况/问题清单/催报名单) and the 催报 notice.
    `period`: 2024-03, 2024-Q1 or 2024; by default the month before `on`."""
    return summary_sequence(PrefectSteps(), home, period, on, deliver)
