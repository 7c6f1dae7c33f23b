"""The ledger as pandas DataFrames (issue 29): the tidy frame of a real ledger (returns built by the
template code and ingested), its numbers the draft's — the same aggregation, not a second one."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.ledger.aggregate import figures_for
from tasks.ledger.engine import make_engine
from tasks.ledger.frames import COLUMNS, month_pivot, returns_frame, unit_pivot
from tasks.returns.periods import months_of
from tasks.samples.demo import REFERENCE_TOTALS
from tests.helpers import OTHER, VILLAGE, drop
from tests.pg import use_database

OFFICE = "410423105001"
STOCK_LINE = "  - {code: GRID, name: 基础网格, unit: 个, kind: stock}\n"


def ingest(home, now=dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)) -> None:
    prepare(home)
    ingest_batch(home, list(find_new(home, now).ready), now)


@pytest.fixture(scope="module")
def demo_frame(demo_ledger):
    return returns_frame(demo_ledger, year=2024)


def test_the_demo_years_frame_sums_to_the_reference_reports_totals(demo_frame):
    assert list(demo_frame.columns) == list(COLUMNS)
    assert set(demo_frame["status"]) <= {"accepted", "accepted_with_warnings"}
    assert demo_frame.groupby("indicator")["value"].sum().to_dict() == REFERENCE_TOTALS
    assert month_pivot(demo_frame)["total"].to_dict() == REFERENCE_TOTALS
    assert demo_frame["period"].str.startswith("2024-").all() and demo_frame["period"].nunique() == 12
    dispute = demo_frame[demo_frame["indicator"] == "DISPUTE"].iloc[0]
    assert (dispute["indicator_name"], dispute["measure"], dispute["kind"]) == ("调处矛盾纠纷", "起", "flow")
    assert demo_frame["unit_name"].notna().all()
    assert demo_frame["file"].str.endswith((".xlsx", ".xls", ".ods")).all()


def test_the_frames_pivots_are_the_drafts_figures_with_their_provenance(demo_ledger, demo_frame):
    engine = make_engine(demo_ledger.database_url)
    draft = figures_for(engine, months_of("2024"), demo_ledger.catalog.stocks)  # as the draft makes them
    engine.dispose()
    months = month_pivot(demo_frame)
    assert months["total"].to_dict() == draft.totals
    assert {c: {m: v for m, v in row.items() if m != "total"} for c, row in months.to_dict("index").items()} \
        == {c: {m: draft.by_month[c].get(m, 0) for m in months_of("2024")} for c in draft.by_month}
    units = unit_pivot(demo_frame)
    assert {c: units[c].dropna().to_dict() for c in units.columns} == draft.by_unit
    # every contributing file of the draft's comment is a row of the frame, with its value
    rows = set(zip(demo_frame["unit"], demo_frame["period"], demo_frame["indicator"], demo_frame["file"],
                   demo_frame["value"], strict=True))
    assert all((s.unit, s.period, code, s.file, s.value) in rows
               for code, contributing in draft.sources.items() for s in contributing)


def test_a_correction_replaces_its_version_and_all_versions_keeps_both(home, database_url):
    """On each ledger the project supports (SQLite, PostgreSQL): the one query reads both alike."""
    use_database(home.root, database_url)
    home = open_home(home.root)
    drop(home, values={"DISPUTE": 7, "TRAINING": 1})
    ingest(home)
    drop(home, name="更正.xlsx", values={"DISPUTE": 9, "TRAINING": 1})
    ingest(home)
    current = returns_frame(home.root, period="2024-03")
    dispute = current[current["indicator"] == "DISPUTE"]
    assert dispute[["value", "version", "status", "file"]].values.tolist() == [[9, 2, "accepted", "更正.xlsx"]]
    history = returns_frame(home, period="2024年3月", all_versions=True)
    both = history[history["indicator"] == "DISPUTE"].sort_values("version")
    assert both[["value", "version", "status"]].values.tolist() == [[7, 1, "superseded"], [9, 2, "accepted"]]
    assert month_pivot(current).loc["DISPUTE", "total"] == 9
    # taken long after March's due date (lateness is judged by arrival, not the file's own time)
    assert history["late"].dtype == "boolean" and history["late"].all()
    assert history["arrived_at"].notna().all() and str(history["arrived_at"].dt.tz) == "UTC"
    with pytest.raises(ValueError, match="twice"):
        month_pivot(history)  # a history is for reading: summed, a corrected value would count twice


@pytest.fixture(scope="module")
def stock_home(tmp_path_factory):
    """Three units report their 基础网格 (a stock) for Q1 and one 法律专题培训 (a flow) a month; 下汤村
    leaves March's 网格 blank, so its latest is February's."""
    from tests.helpers import make_home

    home = make_home(tmp_path_factory.mktemp("frames") / "home")
    catalog = home.root / "indicators.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("indicators:\n", "indicators:\n" + STOCK_LINE), encoding="utf-8")
    home = open_home(home.root)
    grids = {OFFICE: (5, 5, 6), VILLAGE: (3, 4, None), OTHER: (7, 7, 7)}
    for i, month in enumerate(months_of("2024-Q1")):
        for unit, values in grids.items():
            drop(home, name=f"{month}月报表.xlsx", unit=unit, period=month,
                 values={"GRID": values[i], "TRAINING": 1})
    ingest(home)
    return home


def test_a_stocks_pivot_takes_each_units_latest_month(stock_home):
    frame = returns_frame(stock_home, period="2024-Q1")
    grid = frame[frame["indicator"] == "GRID"]
    assert set(grid["kind"]) == {"stock"} and grid["value"].isna().sum() == 1  # the blank cell: no value
    months = month_pivot(frame)
    assert months.loc["GRID"].to_dict() == {"2024-01": 15, "2024-02": 16, "2024-03": 13, "total": 17}
    assert months.loc["TRAINING", "total"] == 9  # a flow: its months added
    units = unit_pivot(frame)
    assert units["GRID"].to_dict() == {OFFICE: 6, VILLAGE: 4, OTHER: 7}  # 下汤村: February's, its latest
    engine = make_engine(stock_home.database_url)
    assert figures_for(engine, months_of("2024-Q1"), stock_home.catalog.stocks).total("GRID") == 17
    engine.dispose()


def test_an_engine_alone_gives_the_frame_with_the_catalogs_names(stock_home):
    engine = make_engine(stock_home.database_url, read_only=True)
    try:
        frame = returns_frame(engine, period="2024-02", catalog=stock_home.catalog)
    finally:
        engine.dispose()
    assert len(frame) == 3 * len(stock_home.catalog.indicators)
    assert frame["unit_name"].isna().all()  # no registry given: names unknown, never guessed
    assert pd.api.types.is_datetime64_any_dtype(frame["arrived_at"])
    assert str(frame["arrived_at"].dt.tz) == "UTC"
