"""What the operator sees: every submission with its findings, who is missing (DESIGN §6), and each
year's annual report (草稿 / 待审定 / 已退回 / 已定稿, its versions, figures later data no longer supports)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from schemas.registry_time import active_in, changes_in, owner_of
from tasks.home import Home
from tasks.intake.discover import discover
from tasks.ledger.tables import STORED, submissions
from tasks.ledger.tables import findings as findings_t
from tasks.signoff.year_state import year_reports


@dataclass(frozen=True)
class StatusReport:
    submissions: list[dict]
    missing: list[dict]
    unregistered: list[str]
    blocked: list[dict]        # unit folders that cannot be served now: {unit, place, message}
    reports: list[dict] = field(default_factory=list)   # one per year with a rendered draft
    changes: dict[int, list[str]] = field(default_factory=dict)  # year → the registry's changes (units.yaml)
    new_folders: str = ""      # 已为新增单位建立报送文件夹：… (said once: the folders exist afterwards)

    def as_json(self) -> dict:
        return {"submissions": self.submissions, "missing": self.missing, "unregistered": self.unregistered,
                "blocked": self.blocked, "reports": self.reports,
                "registry_changes": {str(y): lines for y, lines in self.changes.items()},
                "new_folders": self.new_folders}


LEVEL_RANK = {"error": 0, "warning": 1, "info": 2}


def _level_rank(issue: dict) -> int:
    return LEVEL_RANK.get(issue["level"], 3)


def _future(sub: dict) -> bool:
    return sub["status"] == "rejected" and any(i["code"] == "E_PERIOD_FUTURE" for i in sub["issues"])


def status_report(home: Home, engine: Engine, periods: list[str] | None = None) -> StatusReport:
    c = submissions.c  # only the columns shown: a county's year is thousands of rows
    query = select(c.id, c.unit, c.period, c.original_name, c.status, c.version, c.late, c.received_at,
                   c.arrived_at, c.receipt_path, c.declared_unit).order_by(c.id)
    if periods:
        query = query.where(submissions.c.period.in_(periods))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        issues: dict[int, list[dict]] = {}
        for f in conn.execute(select(findings_t).order_by(findings_t.c.submission_id, findings_t.c.seq)):
            issues.setdefault(f.submission_id, []).append(
                {"level": f.level, "place": f.place, "message": f.message, "code": f.code})
    names = {u.code: u.name for u in home.registry.units}
    # Rows unpacked as tuples: a county's year is thousands of rows, and a Row's attribute access is
    # the slow part of this list (~25 ms → ~12 ms for 400 units × 12 months).
    subs = [{
        "id": id_, "unit": unit, "unit_name": names.get(unit, ""), "period": period, "file": name,
        "status": status, "version": version, "late": late,
        "received_at": received.isoformat(timespec="seconds") + "Z",
        "arrived_at": arrived.isoformat(timespec="seconds") + "Z" if arrived else None,
        "receipt": receipt, "issues": sorted(issues.get(id_, []), key=_level_rank),  # errors first
        "for_unit": owner_of(home.registry, unit, declared),  # a merged unit's month sent by its successor
    } for id_, unit, period, name, status, version, late, received, arrived, receipt, declared in rows]
    stored = {(sub["for_unit"], sub["period"]) for sub in subs if sub["status"] in STORED}
    # A period exists once a return for it came in; one refused for a month not yet come (a 2027-01 typed
    # in 2026) makes none: every unit would be listed as missing a month nobody owes.
    seen_periods = periods or sorted({sub["period"] for sub in subs if sub["period"] and not _future(sub)})
    missing = []
    for period in seen_periods:
        absent = [{"code": u.code, "name": u.name, "contact": u.contact, "phone": u.phone}
                  for u in home.registry.units if active_in(u, period) and (u.code, period) not in stored]
        missing.append({"period": period, "units": absent})
    limits = home.settings.limits
    found = discover(home.inbox, {u.code for u in home.registry.units}, 0.0, 0.0, limits.max_folder_files,
                     limits.max_folder_depth)
    blocked = [{"unit": p.unit, "place": p.place, "message": p.message} for p in found.blocked]
    years = {int(p[:4]) for p in periods} if periods else None
    reports = [r.as_json(home.settings.schedules.timezone) for r in year_reports(engine, home)
               if years is None or r.year in years]
    shown_years = years or {int(p[:4]) for p in seen_periods} or registry_years(home)
    changes = {y: lines for y in sorted(shown_years) if (lines := changes_in(home.registry, y))}
    return StatusReport(subs, missing, list(found.strays), blocked, reports, changes)


def registry_years(home: Home) -> set[int]:
    """The years units.yaml names (from/until): where a home without returns has changes to show."""
    return {int(m[:4]) for u in home.registry.units for m in (u.from_, u.until) if m}
