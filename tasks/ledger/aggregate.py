"""Yearly and monthly figures from the stored values of accepted returns — and where each came from.

The one place a period's figure is made, by the indicator's kind (schemas/catalog.py `Kind`), as DHIS2
aggregates a data element by its aggregation type:
- flow (DHIS2 `SUM`): what happened in a month; a period's figure is the sum over its months and units.
- stock (DHIS2 `LAST_IN_PERIOD`, "last value in period, sum in org unit hierarchy"): a count held at
  month end (网格, 法律顾问, 清单N项); a period's figure is each unit's latest value in the period (the
  latest month it filled the row in, of its current accepted version; a blank cell is no value), summed
  over units. A unit reporting its 5 网格 every month counts 5 for the year, never 60. Only the period
  asked is looked at (DHIS2's plain `LAST` would also carry a value forward from earlier periods): a
  unit silent all year has no stock in it, and the draft lists it as missing.
A month's figure is the same either way (each unit has one value in a month): the sum over units.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, select
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
    totals: dict[str, int] = field(default_factory=dict)                  # indicator → the period's figure
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)      # indicator → unit → its share
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)     # indicator → month → over units
    sources: dict[str, list[Source]] = field(default_factory=dict)        # indicator → contributing files
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (unit, period, indicator, note)
    reporting_units: frozenset[str] = frozenset()
    unit_months: frozenset[tuple[str, str]] = frozenset()  # (unit, period) of every stored return, empty or not
    filled: frozenset[str] = frozenset()  # indicators some clerk filled in (0 included); a blank cell is not
    stocks: frozenset[str] = frozenset()  # indicators aggregated as stocks (by_unit: each unit's latest)
    as_of: dict[str, dict[str, str]] = field(default_factory=dict)  # stock → unit → month of its latest

    def reported(self, indicator: str) -> bool:
        """Whether any stored return gave this indicator a value: a typed 0 and a blank cell differ."""
        return indicator in self.filled

    def total(self, indicator: str) -> int:
        return self.totals.get(indicator, 0)

    def is_stock(self, indicator: str) -> bool:
        return indicator in self.stocks


# One stored value as the aggregation reads it: (unit, period, indicator, value, given, note, file); given:
# the clerk filled the cell (a typed 0 included), a blank cell is stored as 0 but gives no value.
Row = tuple[str, str, str, int, bool, str, str]


def figures_for(engine: Engine, periods: list[str], stocks: Collection[str]) -> Figures:
    """The figures of `periods`; `stocks`: the codes of the catalog's stock indicators (`Catalog.stocks`),
    asked of every caller so that none sums a stock by forgetting it."""
    query = (select(return_values.c.unit, return_values.c.period, return_values.c.indicator,
                    return_values.c.value, return_values.c.note, submissions.c.original_name,
                    return_values.c.raw)
             .join(submissions, submissions.c.id == return_values.c.submission_id)
             .where(submissions.c.status.in_(STORED), return_values.c.period.in_(periods))
             .order_by(return_values.c.unit, return_values.c.period, return_values.c.indicator))
    # a stored row whose file named another unit is a merged unit's month sent by its successor (any
    # other mismatch is refused): that month is the merged unit's (schemas/registry_time.py owner_of)
    c = submissions.c
    owner = case((and_(c.declared_unit != "", c.declared_unit != c.unit), c.declared_unit), else_=c.unit)
    stored = (select(owner, submissions.c.period)
              .where(submissions.c.status.in_(STORED), submissions.c.period.in_(periods)).distinct())
    with engine.connect() as conn:
        unit_months = frozenset((u, p) for u, p in conn.execute(stored))
        rows = [(unit, period, indicator, value, raw != "" or bool(value), note, name)
                for unit, period, indicator, value, note, name, raw in conn.execute(query)]
    return tally(periods, stocks, rows, unit_months)


def tally(periods: list[str], stocks: Collection[str], rows: Iterable[Row],
          unit_months: Collection[tuple[str, str]]) -> Figures:
    """The figures of the current values `rows`, ordered by unit then period (a stock's latest is the
    last row of its unit): the one aggregation the draft, the period workbook and the ledger's data
    frames (`tasks/ledger/frames.py`) all make their figures with."""
    stocks = frozenset(stocks)
    totals: dict[str, int] = defaultdict(int)
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sources: dict[str, list[Source]] = defaultdict(list)
    latest: dict[str, dict[str, Source]] = defaultdict(dict)  # stock → unit → its latest filled value
    notes: list[tuple[str, str, str, str]] = []
    units: set[str] = set()
    filled: set[str] = set()
    for unit, period, indicator, value, given, note, name in rows:
        units.add(unit)
        if given:
            filled.add(indicator)
        by_month[indicator][period] += value
        if note and note.strip():
            notes.append((unit, period, indicator, note.strip()))
        if indicator in stocks:
            if given:  # rows come month by month: the last one written is the unit's latest
                latest[indicator][unit] = Source(unit, period, name, value)
            continue
        totals[indicator] += value
        by_unit[indicator][unit] += value
        if value:
            sources[indicator].append(Source(unit, period, name, value))
    as_of: dict[str, dict[str, str]] = {}
    for indicator, per_unit in latest.items():
        by_unit[indicator] = defaultdict(int, {u: s.value for u, s in per_unit.items()})
        totals[indicator] = sum(s.value for s in per_unit.values())
        sources[indicator] = [s for s in per_unit.values() if s.value]
        as_of[indicator] = {u: s.period for u, s in per_unit.items()}
    return Figures(tuple(periods), dict(totals), {k: dict(v) for k, v in by_unit.items()},
                   {k: dict(v) for k, v in by_month.items()}, dict(sources), notes, frozenset(units),
                   frozenset(unit_months), frozenset(filled), stocks, as_of)
