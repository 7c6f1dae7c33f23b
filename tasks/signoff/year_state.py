"""Each year's report as the operator sees it (`township status`, the runs' artifacts): its state —
草稿 / 待审定 / 已退回 / 已定稿 — its versions, and which figures of its signed report the data no longer
supports (returns corrected after signing)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from schemas.labels import REPORT_STATES
from tasks.home import Home
from tasks.ledger.aggregate import figures_for
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, version_of_run, versions
from tasks.returns.periods import months_of
from tasks.signoff.figures import Drift, drifts
from tasks.signoff.versions import local, standing


@dataclass(frozen=True)
class YearReport:
    year: int
    versions: list[ReportVersion]
    drifts: list[Drift]             # against the signed report that stands (none when none stands)

    @property
    def latest(self) -> ReportVersion:
        return self.versions[-1]

    @property
    def state(self) -> str:
        return self.latest.state

    @property
    def accepted(self) -> ReportVersion | None:
        """The signed report that stands, when its signer accepted what was open (missing returns, an
        unanswered opinion): named wherever the year is shown (issue 24)."""
        signed = standing(self.versions)
        return signed if signed is not None and signed.accepted_open else None

    def version_line(self, v: ReportVersion, tz: str) -> list[str]:
        """One version in words, part by part: 第2稿 已定稿, its draft, who decided and when, the final copy."""
        label = REPORT_STATES[v.state]
        if v.undecided and v is not self.latest:
            label += "（已被新稿取代）"
        parts = [f"第{v.version}稿 {label}", f"草稿 {Path(v.draft_path).name}（{local(v.rendered_at, tz)}）"]
        if v.state == "rejected":
            parts.append(f"{v.decided_by} {local(v.decided_at, tz)} 退回：{v.opinion}")
        if v.state == "signed":
            parts.append(f"{v.decided_by} {local(v.decided_at, tz)} 签发：{Path(v.final_path or '').name}"
                         f"（sha256 {(v.final_sha256 or '')[:12]}）")
            parts.append("已送达 " + v.delivered_to if v.delivered_at else "定稿尚未发送")
            if v.accepted_open:
                parts.append(f"签发时确认了未了结的事项：{v.completeness or '见台账'}")
            if v.reopened_at:
                parts.append(f"{local(v.reopened_at, tz)} 重新打开：{v.reopen_reason}")
        return parts

    def as_json(self, tz: str) -> dict:
        return {"year": self.year, "state": self.state, "label": REPORT_STATES[self.state],
                "versions": [_version_json(v, v is self.latest) for v in self.versions],
                "unsupported": [d.as_json() for d in self.drifts],
                "accepted_open": self.accepted is not None,
                "completeness": self.accepted.completeness if self.accepted else None,
                "lines": ["；".join(self.version_line(v, tz)) for v in self.versions],
                "parts": [self.version_line(v, tz) for v in self.versions]}


def _version_json(v: ReportVersion, latest: bool) -> dict:
    def when(moment):
        return moment.isoformat(timespec="seconds") + "Z" if moment else None
    return {"version": v.version, "state": v.state, "label": REPORT_STATES[v.state], "latest": latest,
            "draft": v.draft_path, "draft_sha256": v.draft_sha256, "rendered_at": when(v.rendered_at),
            "flow_run_id": v.flow_run_id, "decided_by": v.decided_by, "decided_at": when(v.decided_at),
            "opinion": v.opinion, "signed_from": v.signed_from, "final": v.final_path,
            "final_sha256": v.final_sha256, "pdf": v.pdf_path, "pdf_sha256": v.pdf_sha256,
            "delivered_at": when(v.delivered_at),
            "delivered_to": v.delivered_to, "reopened_at": when(v.reopened_at),
            "reopen_reason": v.reopen_reason, "figures": v.figures,
            "open_items": v.open_items, "accepted_open": bool(v.accepted_open), "completeness": v.completeness,
            "kept_appendix": v.kept_appendix, "removed_appendices": v.removed_appendices}


def year_reports(engine: Engine, home: Home, year: int | None = None) -> list[YearReport]:
    by_year: dict[int, list[ReportVersion]] = {}
    for v in versions(engine, year):
        by_year.setdefault(v.year, []).append(v)
    return [YearReport(y, vs, signed_drifts(engine, home, vs)) for y, vs in sorted(by_year.items())]


def before_render(home: Home, year: int,
                  run_id: str | None) -> tuple[ReportVersion | None, YearReport | None]:
    """In one look at the ledger: the version this run rendered before it was suspended (a resumed run
    carries on with it), and the year's report as it stands."""
    with open_ledger(home.database_url) as engine:
        resumed = version_of_run(engine, run_id) if run_id else None
        reports = year_reports(engine, home, year)
    return resumed, reports[0] if reports else None


def signed_drifts(engine: Engine, home: Home, year_versions: list[ReportVersion]) -> list[Drift]:
    """The signed report's figures against the year's data now, stated the way the draft states them."""
    signed = standing(year_versions)
    if signed is None:
        return []
    from tasks.drafts.statements import statements  # the drafts' wording (~0.3 s): only for a signed year

    names = {u.code: u.name for u in home.registry.units}
    figures = figures_for(engine, months_of(str(signed.year)), home.catalog.stocks)  # by kind, as the draft
    now = statements(figures, home.catalog, home.settings.wording, names, signed.year)
    return drifts(signed.figures, now)


def drift_markdown(reports: list[YearReport]) -> str:
    """For a run's artifact: each signed report whose figures the data no longer supports."""
    lines: list[str] = []
    for r in reports:
        if not r.drifts:
            continue
        signed = standing(r.versions)
        lines += [f"## {r.year}年度报告（第{signed.version}稿，已定稿）与现有数据不符" if signed else "", ""]
        lines += [f"- {d.message()}" for d in r.drifts]
        lines += ["", "定稿签发后又收到更正的报表。如需改正文，请重新打开："
                      f"`township report --year {r.year} --reopen \"原因\"`", ""]
    return "\n".join(lines)


def accepted_markdown(reports: list[YearReport]) -> str:
    """For a run's artifact: each signed report whose signer accepted missing returns or an opinion."""
    lines: list[str] = []
    for r in reports:
        if (signed := r.accepted) is not None:
            lines += [f"## {r.year}年度报告（第{signed.version}稿）签发时确认了未了结的事项", "",
                      f"- {signed.completeness or '缺报或退回意见，见 township status'}（审定人：{signed.decided_by}）", ""]
    return "\n".join(lines)


def signed_report_check(home: Home) -> str:
    """After an ingest: markdown naming the signed reports whose figures the data no longer supports,
    and those signed with open items accepted ('' when none; only a year with a standing signed report
    costs a yearly sum)."""
    with open_ledger(home.database_url) as engine:
        signed_years = {v.year for v in versions(engine) if v.standing}
        reports = [r for y in sorted(signed_years) for r in year_reports(engine, home, y)]
    return "\n".join(part for part in (drift_markdown(reports), accepted_markdown(reports)) if part)
