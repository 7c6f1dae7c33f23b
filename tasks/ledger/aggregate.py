"""Yearly and monthly figures from the stored values of accepted returns — and where each came from."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from tasks.ledger.tables import STORED, return_values, submissions


@dataclass(frozen=True)
class Source:
    unit: str
    period: str
    file: str
    value: int


@dataclass(frozen=True)
class Figures:
    """Totals for a set of months, with the breakdown a leader can check them against."""
    periods: tuple[str, ...]
    totals: dict[str, int] = field(default_factory=dict)                  # indicator → total
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)      # indicator → unit → total
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)     # indicator → period → total
    sources: dict[str, list[Source]] = field(default_factory=dict)        # indicator → contributing files
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (unit, period, indicator, note)
    reporting_units: frozenset[str] = frozenset()
    unit_months: frozenset[tuple[str, str]] = frozenset()  # (unit, period) of every stored return, empty or not
    filled: frozenset[str] = frozenset()  # indicators some clerk filled in (0 included); a blank cell is not

    def reported(self, indicator: str) -> bool:
        """Whether any stored return gave this indicator a value: a typed 0 and a blank cell differ."""
        return indicator in self.filled

    def total(self, indicator: str) -> int:
        return self.totals.get(indicator, 0)


def figures_for(engine: Engine, periods: list[str]) -> Figures:
    query = (select(return_values.c.unit, return_values.c.period, return_values.c.indicator,
                    return_values.c.value, return_values.c.note, submissions.c.original_name,
                    return_values.c.raw)
             .join(submissions, submissions.c.id == return_values.c.submission_id)
             .where(submissions.c.status.in_(STORED), return_values.c.period.in_(periods))
             .order_by(return_values.c.unit, return_values.c.period, return_values.c.indicator))
    totals: dict[str, int] = defaultdict(int)
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sources: dict[str, list[Source]] = defaultdict(list)
    notes: list[tuple[str, str, str, str]] = []
    units: set[str] = set()
    filled: set[str] = set()
    stored = (select(submissions.c.unit, submissions.c.period)
              .where(submissions.c.status.in_(STORED), submissions.c.period.in_(periods)).distinct())
    with engine.connect() as conn:
        unit_months = frozenset((u, p) for u, p in conn.execute(stored))
        for unit, period, indicator, value, note, name, raw in conn.execute(query):
            units.add(unit)
            if raw != "" or value:
                filled.add(indicator)
            totals[indicator] += value
            by_unit[indicator][unit] += value
            by_month[indicator][period] += value
            if value:
                sources[indicator].append(Source(unit, period, name, value))
            if note and note.strip():
                notes.append((unit, period, indicator, note.strip()))
    return Figures(tuple(periods), dict(totals), {k: dict(v) for k, v in by_unit.items()},
                   {k: dict(v) for k, v in by_month.items()}, dict(sources), notes, frozenset(units),
                   unit_months, frozenset(filled))
