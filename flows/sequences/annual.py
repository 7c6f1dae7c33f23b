"""The `annual-report` sequence up to the draft: a signed year stays as signed (unless reopened, with
its reason) → render the draft → record it as the year's next version → publish → deliver. The review
that may follow (a suspended flow run) is Prefect's alone: flows/annual_report.py."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flows.sequences.steps import Steps
from tasks.drafts.annual import render_annual, templates_to_draft
from tasks.home import Home
from tasks.ledger.reports import ReportVersion
from tasks.signoff.versions import record_draft, reopen_year, review_notes, signed_message, standing
from tasks.signoff.year_state import YearReport, drift_markdown


@dataclass(frozen=True)
class Signed:
    """The year is signed and was not reopened: nothing rendered; `message` says so (and what later
    returns no longer support)."""
    message: str


HOW_TO_DECIDE = ("审定：审定人在办公电脑的命令行运行 township signoff --year {year} --by 姓名 "
                 "[--file 修改稿.docx] [--reject \"意见\"]（修改稿请放入 outbox/审定/）；"
                 "记入台账后，Prefect 中等待审定的运行随之结束。")


async def draft_sequence(steps: Steps, h: Home, year: int, report: YearReport | None, out: str | None,
                         today: dt.date, template: str | None, reopen: str | None, deliver: bool,
                         reviewers: bool = False, address: str = "") -> ReportVersion | Signed:
    """The year's next draft, rendered and recorded (and sent, with `deliver`; to its reviewers with
    `reviewers`, with how to decide); or Signed when the year stands signed."""
    notes = await may_draft(steps, h, year, report, reopen)
    if isinstance(notes, Signed):
        return notes
    # No template named (the 20 December schedule): every template of the home, each its own draft; the
    # last is the version a review waits for.
    for name in [template] if template or out else templates_to_draft(h.root):
        version = await one_draft(steps, h, year, out, today, name, notes, deliver, reviewers, address)
    return version


async def one_draft(steps: Steps, h: Home, year: int, out: str | None, today: dt.date, template: str | None,
                    notes: tuple[str, ...], deliver: bool, reviewers: bool, address: str = "") -> ReportVersion:
    """`address`: where reviewers decide (the console's 审定 page; until it exists, the run's page in the
    Prefect UI), given in the review mail."""
    drafted = steps.call("render-draft", render_annual, h, year, Path(out) if out else None, today, template, notes)
    version = steps.call("record-version", record_draft, h, year, drafted, dt.datetime.now(dt.UTC), steps.run_id)
    await steps.publish("annual-report", "年度报告草稿",
                        f"# {year}年度报告草稿（第{version.version}稿）\n\n已生成：`{drafted.path}`\n")
    if deliver:
        from flows.mailing import MAIL_DELAYS, deliver_draft, transient_smtp

        sent = steps.call("deliver", deliver_draft, h, str(drafted.path), address if reviewers else "",
                          HOW_TO_DECIDE.format(year=year) if reviewers else "",
                          delays=MAIL_DELAYS, retry_on=transient_smtp)
        steps.tell(f"已发送给 {', '.join(sent)}")
    return version


async def may_draft(steps: Steps, home: Home, year: int, report: YearReport | None,
                    reopen: str | None) -> Signed | tuple[str, ...]:
    """A signed year is not rendered again: Signed (with which of its figures the data no longer
    supports) unless `reopen` says why it must be; the signed version stays as it is. Otherwise the lines
    the new draft's 待完善事项 opens with (the last opinion, or why the year was reopened)."""
    tz = home.settings.schedules.timezone
    known = report.versions if report else []
    signed = standing(known)
    reason = (reopen or "").strip()
    if signed is None:
        if reason:
            steps.tell(f"{year}年度报告尚未定稿，无需重新打开。")
        return review_notes(known, tz)
    if reason:
        reopened = steps.call("reopen-year", reopen_year, home, year, reason, dt.datetime.now(dt.UTC)) or signed
        steps.tell(f"已重新打开{year}年度报告（第{signed.version}稿定稿保留：{signed.final_path}），原因：{reason}")
        return review_notes([reopened if v.id == reopened.id else v for v in known], tz)
    message = signed_message(signed, tz)
    drift = drift_markdown([report]) if report else ""
    await steps.publish("annual-report", "已定稿，未重新生成",
                        f"# {year}年度报告已定稿\n\n{message}\n\n{drift or '定稿所述数字与现有数据一致。'}\n")
    steps.say(message)
    return Signed(message)
