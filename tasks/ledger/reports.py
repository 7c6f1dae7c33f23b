"""The annual report's versions in the ledger: each rendered draft, the township's decision on it and,
for a signed one, the final copy. A decision is taken once: the update that records it only applies to
a version still undecided, so the Prefect UI and `township signoff` deciding at once cannot both win."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from tasks.ledger.engine import write_transaction
from tasks.ledger.tables import report_versions as rv

UNDECIDED = ("draft", "pending")


@dataclass(frozen=True)
class ReportVersion:
    id: int
    year: int
    version: int
    state: str                      # draft | pending | rejected | signed
    draft_path: str
    draft_sha256: str
    rendered_at: dt.datetime
    flow_run_id: str | None
    figures: dict[str, dict] = field(default_factory=dict)
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    opinion: str | None = None
    signed_from: str | None = None
    final_path: str | None = None
    final_sha256: str | None = None
    pdf_path: str | None = None
    delivered_at: dt.datetime | None = None
    delivered_to: str | None = None
    reopened_at: dt.datetime | None = None
    reopen_reason: str | None = None
    pdf_sha256: str | None = None
    open_items: dict = field(default_factory=dict)    # as recorded with 通过 (0007)
    accepted_open: bool | None = None
    completeness: str | None = None
    kept_appendix: bool | None = None
    removed_appendices: str | None = None

    @property
    def undecided(self) -> bool:
        return self.state in UNDECIDED

    @property
    def standing(self) -> bool:
        """Signed and not reopened: the year's report, which no new draft may replace."""
        return self.state == "signed" and self.reopened_at is None


def _version(row) -> ReportVersion:
    values = dict(row._mapping)
    values["figures"] = json.loads(values["figures"] or "{}")
    values["open_items"] = json.loads(values.get("open_items") or "{}")
    return ReportVersion(**values)


def add_version(engine: Engine, year: int, draft: Path, sha256: str, figures: dict[str, dict],
                at: dt.datetime, flow_run_id: str | None = None) -> ReportVersion:
    """A new draft of `year`: the next version number, state 草稿."""
    with write_transaction(engine) as conn:
        last = conn.execute(select(func.max(rv.c.version)).where(rv.c.year == year)).scalar_one()
        new_id = conn.execute(rv.insert().values(
            year=year, version=(last or 0) + 1, state="draft", draft_path=str(draft), draft_sha256=sha256,
            rendered_at=at, flow_run_id=flow_run_id, figures=json.dumps(figures, ensure_ascii=False),
        ).returning(rv.c.id)).scalar_one()
        return _version(conn.execute(select(rv).where(rv.c.id == new_id)).one())


def versions(engine: Engine, year: int | None = None) -> list[ReportVersion]:
    query = select(rv).order_by(rv.c.year, rv.c.version)
    if year is not None:
        query = query.where(rv.c.year == year)
    with engine.connect() as conn:
        return [_version(r) for r in conn.execute(query)]


def version_by_id(engine: Engine, version_id: int) -> ReportVersion:
    with engine.connect() as conn:
        return _version(conn.execute(select(rv).where(rv.c.id == version_id)).one())


def version_of_run(engine: Engine, flow_run_id: str) -> ReportVersion | None:
    """The version a flow run rendered: a run resumed after its suspension finds it, not renders again."""
    with engine.connect() as conn:
        row = conn.execute(select(rv).where(rv.c.flow_run_id == flow_run_id)).first()
    return _version(row) if row else None


def mark_pending(engine: Engine, version_id: int) -> None:
    """草稿 → 待审定: the draft went to the reviewers and a run waits for their decision."""
    with write_transaction(engine) as conn:
        conn.execute(update(rv).where(rv.c.id == version_id, rv.c.state == "draft").values(state="pending"))


def record_decision(engine: Engine, version_id: int, **values) -> bool:
    """Record 通过 (state signed, the final copy's fields) or 退回修改 (state rejected, the opinion), once:
    False when the version was decided already (by another path, or an earlier attempt)."""
    with write_transaction(engine) as conn:
        done = conn.execute(update(rv).where(rv.c.id == version_id, rv.c.state.in_(UNDECIDED))
                            .values(**values))
        return done.rowcount == 1


def record_delivery(engine: Engine, version_id: int, at: dt.datetime, to: list[str]) -> None:
    with write_transaction(engine) as conn:
        conn.execute(update(rv).where(rv.c.id == version_id)
                     .values(delivered_at=at, delivered_to=", ".join(to)))


def record_reopen(engine: Engine, version_id: int, reason: str, at: dt.datetime) -> bool:
    """The signed version stays as it is (its files, its hash); only a new draft may now start."""
    with write_transaction(engine) as conn:
        done = conn.execute(update(rv).where(rv.c.id == version_id, rv.c.state == "signed",
                                             rv.c.reopened_at.is_(None))
                            .values(reopened_at=at, reopen_reason=reason))
        return done.rowcount == 1
