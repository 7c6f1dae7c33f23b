"""The `period-summary` sequence: the ledger of a month, quarter or year → the operator's workbook and
the 催报 notice in outbox/; e-mailed when asked (a scheduled run: when [delivery] is configured)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.sequences.steps import Steps
from tasks.home import open_home, township_today
from tasks.returns.periods import previous_month
from tasks.summaries.model import SummaryFiles
from tasks.summaries.period import summary_files


def summary_sequence(steps: Steps, home: str, period: str | None = None, on: dt.date | None = None,
                     deliver: bool | None = None) -> SummaryFiles:
    """`period`: 2024-03, 2024-Q1 or 2024; by default the month before `on` (the schedule runs early in
    the month for the month just ended)."""
    from flows.mailing import MAIL_DELAYS, deliver_files, transient_smtp, wants_delivery

    h = open_home(Path(home))
    day = on or township_today(h)  # the township's date, whatever the worker's time zone
    files: SummaryFiles = steps.call("summary-workbook", summary_files, h, period or previous_month(day), day)
    steps.say(files.text)
    if files.remark:
        steps.say(files.remark)
    if wants_delivery(h, deliver):
        sent = steps.call("deliver", deliver_files, h, files.title, [str(files.workbook)],
                          delays=MAIL_DELAYS, retry_on=transient_smtp)
        steps.tell(f"已发送给 {', '.join(sent)}")
    return files
