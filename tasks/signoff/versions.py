"""A year's report versions at the edges of a run: a rendered draft recorded as a new version, the
signed year that no new draft may replace (until reopened with a reason), and what the next draft's
待完善事项 must open with."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, add_version, record_reopen, version_by_id, versions
from tasks.signoff.figures import stated_figures

if TYPE_CHECKING:  # annotations only: the drafts' modules are imported where drafts are made
    from tasks.drafts.annual import Draft


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """The ledger keeps UTC without a zone (as submissions' received_at)."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_draft(home: Home, year: int, drafted: Draft, now: dt.datetime,
                 flow_run_id: str | None = None) -> ReportVersion:
    """A rendered draft becomes the year's next version (草稿), with the figures its text states."""
    figures = stated_figures(drafted.stated, home.catalog)
    with open_ledger(home.database_url) as engine:
        return add_version(engine, year, drafted.path, file_sha256(drafted.path), figures, utc_naive(now),
                           flow_run_id)


def standing(all_versions: list[ReportVersion]) -> ReportVersion | None:
    """The year's signed report, unless it has been reopened."""
    return next((v for v in reversed(all_versions) if v.standing), None)


def signed_message(v: ReportVersion, tz: str) -> str:
    return (f"{v.year}年度报告已于{local(v.decided_at, tz)}由{v.decided_by}审定签发（第{v.version}稿，"
            f"定稿 {Path(v.final_path or '').name}），不再重新生成；如确需修改，请注明原因重新打开："
            f"township report --year {v.year} --reopen \"原因\"")


def reopen_year(home: Home, year: int, reason: str, now: dt.datetime) -> ReportVersion | None:
    """Reopen the year's signed report (it stays as signed, with its files); None when none stands."""
    with open_ledger(home.database_url) as engine:
        signed = standing(versions(engine, year))
        if signed is None or not record_reopen(engine, signed.id, reason.strip(), utc_naive(now)):
            return None
        return version_by_id(engine, signed.id)


def review_notes(all_versions: list[ReportVersion], tz: str) -> tuple[str, ...]:
    """What the next draft opens its 待完善事项 with: the last decision's opinion when it sent the draft
    back, or why a signed report was reopened."""
    decided = [v for v in all_versions if v.decided_at is not None]
    if not decided:
        return ()
    last = decided[-1]
    if last.state == "rejected":
        return (f"【审定意见】第{last.version}稿经{last.decided_by}于{local(last.decided_at, tz)}审定，退回修改："
                f"{last.opinion}",)
    if last.state == "signed" and last.reopened_at is not None:
        return (f"【重新修改】第{last.version}稿已于{local(last.decided_at, tz)}由{last.decided_by}签发，"
                f"{local(last.reopened_at, tz)}因“{last.reopen_reason}”重新打开；改定后请重新审定签发。",)
    return ()


def local(moment: dt.datetime | None, tz: str) -> str:
    """A ledger time (UTC) as the township reads it: 2024年12月25日 10:30."""
    if moment is None:
        return "—"
    there = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz))
    return f"{there.year}年{there.month}月{there.day}日 {there:%H:%M}"
