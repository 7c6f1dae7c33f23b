"""Three villages merged into one from July (issue 28), through real return files, the real intake and a
real SQLite ledger, month by month as the year happens: their January–June returns stay theirs, the
successor's July–December returns are expected and counted, nobody is chased for a closed unit, the
year's totals are the sum of all returns, and a June correction dropped in August into a closed unit's
folder is answered with where to report."""
import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from schemas.registry import Registry, Township, Unit
from tasks.drafts.truth import missing_returns
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.ledger.aggregate import figures_for
from tasks.ledger.migrate import open_ledger
from tasks.ledger.tables import STORED, submissions
from tasks.summaries.chase_notice import notice_text
from tasks.intake.tally import IngestSummary
from tasks.summaries.ingest_artifact import ingest_report, months_due, stored_pairs
from tasks.summaries.period import collect, summary_files
from tasks.summaries.status import status_report
from tests.helpers import drop, make_home

OFFICE, EAST, WEST, SOUTH, NEW = "410423105001", "410423105211", "410423105212", "410423105213", "410423105299"
OLD = (EAST, WEST, SOUTH)
MERGED = Registry(township=Township(code="410423105", name="下汤镇", county="鲁山县"), units=(
    Unit(code=OFFICE, name="下汤镇司法所", kind="office"),
    Unit(code=EAST, name="东村", until="2025-06", merged_into=NEW),
    Unit(code=WEST, name="西村", until="2025-06", merged_into=NEW),
    Unit(code=SOUTH, name="南村", until="2025-06", merged_into=NEW),
    Unit(code=NEW, name="新下汤村", from_="2025-07"),
))
SKIPPED = {(WEST, "2025-05"), (NEW, "2025-09")}   # the year's gaps: the draft must name them
ON = dt.date(2026, 1, 20)


def month(m: int) -> str:
    return f"2025-{m:02d}"


def arrival(m: int) -> dt.datetime:
    """The third of the next month, 10:00 in the township: on time for month m."""
    return dt.datetime(2025 + m // 12, m % 12 + 1, 3, 2, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """The year as it happens: each month's returns taken by that month's ingest; in August a June
    correction lands in the closed 东村's folder. Returns the home, what was dropped and the outcomes."""
    home = make_home(tmp_path_factory.mktemp("merged") / "home", registry=MERGED)
    dropped: dict[tuple[str, str], int] = {}
    late_ones = []
    for m in range(1, 13):
        units = OLD if m <= 6 else (NEW,)
        for n, unit in enumerate(units):
            if (unit, month(m)) in SKIPPED:
                continue
            # the successor's July is a village three times the size: 3 × a predecessor's figure, no outlier
            value = 5 + n if m <= 6 else 18
            dropped[(unit, month(m))] = value
            drop(home, name=f"{month(m)}.xlsx", unit=unit, period=month(m), values={"DISPUTE": value},
                 filed=arrival(m) - dt.timedelta(days=1))
        if m == 7:  # arrives on 3 August: 东村 closed at the end of July
            drop(home, name="6月更正.xlsx", unit=EAST, period="2025-06", values={"DISPUTE": 9},
                 filed=arrival(m) - dt.timedelta(days=1))
            # … and as the receipt says: through 新下汤村's folder, with 东村's code in 单位代码
            drop(home, name="东村6月更正.xlsx", unit=EAST, folder=NEW, period="2025-06", values={"DISPUTE": 9},
                 filed=arrival(m) - dt.timedelta(days=1))
            dropped[(EAST, "2025-06")] = 9
        prepare(home)
        outcomes = ingest_batch(home, list(find_new(home, arrival(m)).ready), arrival(m))
        late_ones += sorted((o for o in outcomes if "6月更正" in o.name), key=lambda o: o.name != "6月更正.xlsx")
    return home, dropped, late_ones


def test_each_return_keeps_its_unit_and_the_successor_reports_from_july(year):
    home, dropped, _ = year
    with open_ledger(home.database_url, home.archive) as engine, engine.connect() as conn:
        stored = {(r.declared_unit if r.unit == NEW and r.declared_unit in OLD else r.unit, r.period)
                  for r in conn.execute(select(submissions.c.unit, submissions.c.declared_unit, submissions.c.period)
                                        .where(submissions.c.status.in_(STORED)))}
    assert stored == set(dropped)
    assert {p for u, p in stored if u == EAST} == {month(m) for m in range(1, 7)}
    assert {p for u, p in stored if u == NEW} == {month(m) for m in range(7, 13)} - {"2025-09"}


def test_a_june_correction_in_august_is_answered_with_where_to_report(year):
    home, _, [late, _through] = year
    assert late.status == "rejected" and late.unit == EAST
    [found] = [f for f in late.findings if f.code == "E_UNIT_CLOSED"]
    assert found.message.startswith("本单位自2025年7月起并入新下汤村，请由新下汤村报送")
    receipt = load_workbook(home.root / late.receipt)["校验结果"]
    text = "".join(str(c.value) for row in receipt.iter_rows() for c in row if c.value is not None)
    assert "本单位自2025年7月起并入新下汤村，请由新下汤村报送" in text
    assert late.receipt.startswith(f"inbox/{EAST}/回执/")
    # kept where refused files go: the original in the archive, under the closed unit, out of its inbox
    with open_ledger(home.database_url, home.archive) as engine, engine.connect() as conn:
        kept = conn.execute(select(submissions.c.archive_path).where(submissions.c.id == late.submission_id)).scalar()
    assert kept.startswith(f"archive/2025/{EAST}/") and (home.root / kept).exists()
    assert not list(home.unit_inbox(EAST).glob("*.xlsx"))


def test_the_successor_sends_the_correction_of_a_merged_villages_month(year):
    """The June correction through 新下汤村's folder: 东村's June, version 2, 东村's figures; 西村's and
    南村's Junes untouched; the successor's own months start in July."""
    home, dropped, [_, through] = year
    assert through.status in ("accepted", "accepted_with_warnings") and through.corrected
    assert [f.code for f in through.findings if f.code.startswith("I_")] == ["I_FOR_PREDECESSOR", "I_CORRECTION"]
    assert through.receipt.startswith(f"inbox/{NEW}/回执/")
    with open_ledger(home.database_url, home.archive) as engine:
        june = figures_for(engine, ["2025-06"], home.catalog.stocks)
        with engine.connect() as conn:
            rows = conn.execute(select(submissions.c.unit, submissions.c.declared_unit, submissions.c.status,
                                       submissions.c.version).where(submissions.c.period == "2025-06")
                                .order_by(submissions.c.id)).all()
    assert june.by_unit["DISPUTE"] == {EAST: 9, WEST: 6, SOUTH: 7}
    assert {(r.unit, r.status, r.version) for r in rows if EAST in (r.unit, r.declared_unit)} == {
        (EAST, "superseded", 1), (EAST, "rejected", None), (NEW, through.status, 2)}


def test_nobody_is_chased_for_a_closed_unit_and_the_successor_only_from_july(year):
    home, _, _ = year
    with open_ledger(home.database_url, home.archive) as engine:
        data = collect(home, engine, "2025", ON)
        report = status_report(home, engine, [month(m) for m in range(1, 13)])
    chased = {(c.unit.code, c.period) for c in data.chase}
    expected_gaps = {(OFFICE, month(m)) for m in range(1, 13)} | SKIPPED
    assert chased == expected_gaps
    assert all(data.states[(u, month(m))] == "absent" for u in OLD for m in range(7, 13))
    assert all(data.states[(NEW, month(m))] == "absent" for m in range(1, 7))
    assert data.states[(NEW, "2025-07")] == "on_time" and data.states[(EAST, "2025-06")] == "on_time"
    notice = notice_text(data)
    assert "西村" in notice and "东村" not in notice and "南村" not in notice
    missing = {m["period"]: {u["code"] for u in m["units"]} for m in report.missing}
    assert missing["2025-07"] == {OFFICE} and missing["2025-09"] == {OFFICE, NEW}
    assert missing["2025-03"] == {OFFICE} and missing["2025-05"] == {OFFICE, WEST}
    assert report.changes == {2025: ["2025年7月起新设新下汤村（410423105299）", "2025年7月起东村、西村、南村并入新下汤村"]}


def test_the_period_workbook_and_the_ingest_report_count_a_unit_only_while_it_exists(year):
    home, _, _ = year
    files = summary_files(home, "2025", ON)
    sheet = load_workbook(files.workbook)["报送情况"]
    rows = {r[0]: r[4:16] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] in (EAST, NEW)}
    assert rows[EAST] == ("按时",) * 6 + ("—",) * 6
    assert rows[NEW] == ("—",) * 6 + ("按时", "按时", "未报", "按时", "按时", "按时")
    assert "东村" not in files.text and "新下汤村" in files.text   # the 催报 notice: September only
    months = months_due(ON)
    with open_ledger(home.database_url, home.archive) as engine:
        stored = stored_pairs(engine, months, home.registry)
    empty = IngestSummary(0, {}, {}, 0, ())
    report = ingest_report(empty, list(home.registry.units), stored, months, "入库结果")
    gaps = {r["单位代码"]: r["缺报月份"] for r in report.rows}
    assert (gaps[EAST], gaps[WEST], gaps[NEW]) == ("—", "2025-05", "2025-09")
    assert "**2025-12 未报送（1 个单位）**：下汤镇司法所" in report.markdown


def test_the_drafts_count_of_expected_returns_follows_the_registry(year, capsys):
    from flows.cli.draft_checks import completeness

    home, dropped, _ = year
    assert completeness(home, 2025) == 0
    said = capsys.readouterr().err.replace("\n", "")
    assert f"2025年截至今天应有 36 份月报表，库中只有 {len(dropped)} 份" in said   # 12 office + 3 × 6 + 6, not 5 × 12


def test_the_years_totals_are_the_sum_of_all_returns_and_the_draft_names_the_gaps(year):
    home, dropped, _ = year
    with open_ledger(home.database_url, home.archive) as engine:
        figures = figures_for(engine, [month(m) for m in range(1, 13)], home.catalog.stocks)
    assert figures.total("DISPUTE") == sum(dropped.values())
    assert figures.by_unit["DISPUTE"][EAST] == sum(v for (u, _), v in dropped.items() if u == EAST)
    items = missing_returns(figures, home.registry, 2025)
    assert items[0].startswith("2025年全年没有收到这些单位的月报表：下汤镇司法所。")
    assert "西村缺5月；新下汤村缺9月" in items[1]
    assert "东村" not in "".join(items) and "新下汤村缺1月" not in "".join(items)


def test_the_successors_history_is_its_predecessors_months(year):
    """A July figure of 18 after three villages of 5–7 a month: no outlier (their summed months are the
    successor's history); a late September of 90 is one, against the merged months' median, though the
    successor itself has only two months before September (too few to judge alone)."""
    home, _, _ = year
    drop(home, name="9月补报.xlsx", unit=NEW, period="2025-09", values={"DISPUTE": 90},
         filed=dt.datetime(2026, 1, 4, 2, tzinfo=dt.UTC))
    prepare(home)
    [outcome] = ingest_batch(home, list(find_new(home, arrival(12)).ready), arrival(12) + dt.timedelta(days=1))
    [outlier] = [f for f in outcome.findings if f.code == "W_OUTLIER"]
    assert outlier.value == "90" and "18" in outlier.message
