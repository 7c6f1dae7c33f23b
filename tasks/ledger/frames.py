"""The ledger as pandas DataFrames, for a notebook or the county's analysts (issue 29):

    from tasks.ledger.frames import returns_frame, unit_pivot, month_pivot
    df = returns_frame("./xiatang", year=2024)        # one row per stored value, current versions
    month_pivot(df)                                   # indicator × month, with the year's figure

The tidy frame (one row per unit, month and indicator, as DHIS2's analytics tables and a Frictionless
data package hold data) is built from one query. Its pivots make their figures with the draft's own
aggregation (`tasks/ledger/aggregate.py` `tally`): flows summed, stocks each unit's latest value in the
period — a pivot's total is the draft's figure, never a second reckoning of it.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import String, case, cast, func, null, or_, select
from sqlalchemy.engine import Engine

from schemas import default_file
from schemas.catalog import Catalog, load_catalog
from schemas.registry import Registry
from tasks.home import Home, open_home
from tasks.ledger.aggregate import Figures, tally
from tasks.ledger.migrate import read_ledger
from tasks.ledger.tables import STORED, return_values, submissions
from tasks.returns.periods import canonical_period, months_of

# The tidy frame's columns, in order (the 说明 of an export says each one's meaning in Chinese).
COLUMNS = ("unit", "unit_name", "period", "indicator", "indicator_name", "measure", "kind", "value",
           "status", "version", "late", "arrived_at", "file", "note")
HISTORY = (*STORED, "superseded")  # every version that was once accepted: the history of a value

Source = Home | Engine | str | os.PathLike


def returns_frame(home_or_engine: Source, year: int | None = None, period: str | None = None,
                  all_versions: bool = False, *, catalog: Catalog | None = None,
                  registry: Registry | None = None) -> pd.DataFrame:
    """The stored values of `year` or `period` (2024-03, 2024-Q1, 2024; neither: every month stored).

    By default the current version of each accepted return (what the draft counts); `all_versions=True`
    adds the versions corrections superseded (status `superseded`). `value` is <NA> for a cell the clerk
    left blank (stored as 0, but no value: a stock's latest month is the latest one filled in).
    Given an engine rather than a home, names and kinds come from `catalog` (default: the project's
    catalog) and `registry` (default: none, names left empty)."""
    months = _months(year, period)
    with _engine_of(home_or_engine) as (engine, home):
        catalog = catalog or (home.catalog if home else load_catalog(default_file("indicators.yaml")))
        registry = registry or (home.registry if home else None)
        columns = _query(engine, months, HISTORY if all_versions else STORED)
    return _framed(columns, catalog, registry, months, all_versions)


def _months(year: int | None, period: str | None) -> list[str] | None:
    if year is not None and period is not None:
        raise ValueError("give year or period, not both")
    if year is not None:
        return months_of(str(int(year)))
    return months_of(canonical_period(period)) if period is not None else None


@contextmanager
def _engine_of(source: Source) -> Iterator[tuple[Engine, Home | None]]:
    if isinstance(source, Engine):
        yield source, None
        return
    home = source if isinstance(source, Home) else open_home(Path(source).expanduser().resolve())
    with read_ledger(home.database_url, home.archive) as engine:  # looks only: never takes the write lock
        yield engine, home


def _query(engine: Engine, months: list[str] | None, statuses: tuple[str, ...]) -> list[tuple]:
    """One query: every value of the months asked with its submission's status, version and arrival,
    ordered by unit then month (the order `tally` reads a stock's latest value in); returned column by
    column (a county's year is ~60,000 rows: pandas building a frame from row objects took seconds)."""
    rv, s = return_values.c, submissions.c
    # a blank cell (stored as 0 with nothing typed) is no value: NULL, <NA> in the frame
    value = case((or_(rv.raw != "", rv.value != 0), rv.value), else_=null())
    # arrival as the database's text, parsed by pandas at once rather than one datetime per row
    arrived = cast(func.coalesce(s.arrived_at, s.received_at), String)
    # by the submission's month (a value's is its submission's): its index leads to ~13 values a return,
    # where the values' own period index looks each of them up alone (0.3 vs 0.5 s for a county's year)
    query = (select(rv.unit, rv.period, rv.indicator, value, s.status, s.version, s.late, arrived,
                    s.original_name, rv.note)
             .join(submissions, submissions.c.id == rv.submission_id)
             .where(s.status.in_(statuses))
             .order_by(rv.unit, rv.period, rv.indicator, s.version))
    if months is not None:
        query = query.where(s.period.in_(months))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return list(zip(*rows, strict=True)) if rows else [()] * len(query.selected_columns)


def _framed(columns: list[tuple], catalog: Catalog, registry: Registry | None, months: list[str] | None,
            all_versions: bool) -> pd.DataFrame:
    """The query's columns as the tidy frame: names, units and kinds looked up once per distinct code
    (plain Python over the columns: pandas' `map` on its string arrays walks them one by one)."""
    unit, period, indicator, value, status, version, late, arrived, file, note = columns
    indicators = catalog.by_code()
    units = {u.code: u.name for u in registry.units} if registry else {}
    codes = set(indicator)
    named = {c: indicators[c].name if c in indicators else None for c in codes}
    measures = {c: indicators[c].unit if c in indicators else None for c in codes}
    kinds = {c: catalog.kind_of(c) for c in codes}
    text = {"unit": unit, "unit_name": [units.get(u) for u in unit], "period": period, "indicator": indicator,
            "indicator_name": [named[c] for c in indicator], "measure": [measures[c] for c in indicator],
            "kind": [kinds[c] for c in indicator]}
    frame = pd.DataFrame({name: pd.array(values, dtype="string") for name, values in text.items()})
    frame["value"] = pd.array(value, dtype="Int64")
    frame["status"] = pd.array(status, dtype="string")
    frame["version"] = pd.array(version, dtype="Int64")
    frame["late"] = pd.array([None if x is None else bool(x) for x in late], dtype="boolean")
    arrivals = pd.to_datetime(pd.Series(arrived, dtype=object), format="ISO8601")
    frame["arrived_at"] = arrivals.dt.tz_localize("UTC")
    frame["file"] = pd.array(file, dtype="string")
    frame["note"] = pd.array(note, dtype="string")
    order = [i.code for i in catalog.indicators]
    frame.attrs.update(periods=months or sorted(set(period)), all_versions=all_versions,
                       indicators=order + sorted(codes - set(order)))
    return frame


def figures_of(frame: pd.DataFrame) -> Figures:
    """The draft's figures of a current-values frame, by the draft's own aggregation (`tally`)."""
    if frame.attrs.get("all_versions") or (frame["status"] == "superseded").any():
        raise ValueError("a frame with superseded versions would count a corrected value twice: "
                         "aggregate returns_frame(..., all_versions=False)")
    ordered = frame.sort_values(["unit", "period"], kind="stable")
    # plain lists: walking pandas' (arrow) string arrays value by value costs ~20 × more
    unit, period = ordered["unit"].tolist(), ordered["period"].tolist()
    given = ordered["value"].notna().tolist()
    counts = ordered["value"].fillna(0).astype(int).tolist()
    rows = zip(unit, period, ordered["indicator"].tolist(), counts, given, ordered["note"].fillna("").tolist(),
               ordered["file"].tolist(), strict=True)
    stocks = set(frame.loc[frame["kind"] == "stock", "indicator"].tolist())
    periods = list(frame.attrs.get("periods") or sorted(set(period)))
    return tally(periods, stocks, rows, set(zip(unit, period, strict=True)))


def unit_pivot(frame: pd.DataFrame) -> pd.DataFrame:
    """Unit × indicator over the frame's period: each unit's share of the draft's figure (a flow's sum
    over the months, a stock's latest value); <NA> where the unit gave no value."""
    figures = figures_of(frame)
    columns = [c for c in _indicator_order(frame) if c in figures.by_unit]
    units = sorted(figures.reporting_units)
    table = pd.DataFrame({c: [figures.by_unit[c].get(u) for u in units] for c in columns}, index=units,
                         dtype="Int64")
    table.index.name, table.columns.name = "unit", "indicator"
    return table


def month_pivot(frame: pd.DataFrame) -> pd.DataFrame:
    """Indicator × month (the sum over units of each month), and `total`: the period's figure as the
    draft states it (a flow's months added, a stock's latest value per unit added)."""
    figures = figures_of(frame)
    months = list(figures.periods)
    rows = [c for c in _indicator_order(frame) if c in figures.by_month]
    table = pd.DataFrame([[figures.by_month[c].get(m, 0) for m in months] + [figures.total(c)] for c in rows],
                         index=rows, columns=[*months, "total"], dtype="Int64")
    table.index.name, table.columns.name = "indicator", "period"
    return table


def _indicator_order(frame: pd.DataFrame) -> list[str]:
    return list(frame.attrs.get("indicators") or sorted(frame["indicator"].unique()))
