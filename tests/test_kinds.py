"""Flows and stocks (DESIGN §7.1, issue 23 item 2). A stock — 基础网格, held and reported every month —
counts each unit once in a period's figure (its latest value), never once a month; a flow is the sum of
its months. A real home: three units' returns for a year, built by the template code and ingested; the
draft, its 附表 and comments, and the period workbook read back as a reader would."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from schemas.catalog import load_catalog
from schemas.problems import ContractError
from tasks.drafts.annual import annual_draft
from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.ledger.aggregate import figures_for
from tasks.ledger.engine import make_engine
from tasks.returns.blank import ReturnContent, build_return
from tasks.returns.periods import months_of
from tasks.summaries.period import summary_files
from tests.docx_helpers import comments, unit_table
from tests.helpers import OTHER, REGISTRY, VILLAGE, drop, make_home
from tests.reports import REPORTS, registry_for, write_report

OFFICE = "410423105001"
GRIDS = {OFFICE: 5, VILLAGE: 3, OTHER: 7}  # each unit's 基础网格, the same every month
STOCK_LINE = "  - {code: GRID, name: 基础网格, unit: 个, kind: stock}\n"
TEMPLATE = ["{{ county }}{{ township }}人民政府", "关于{{ year }}年平安建设工作情况的报告", "",
            "全镇划分{{ f.GRID }}基础网格，组织开展法律专题培训{{ f.TRAINING }}。", "{{ township }}人民政府", "{{ date }}"]
runner = CliRunner()


@pytest.fixture(scope="module")
def stock_home(tmp_path_factory):
    """下汤镇 with a stock indicator: every unit reports its 网格 each month (下汤村 leaves December's
    cell blank: a blank cell is no value, so its latest is November's 3) and one 法律专题培训 a month."""
    home = make_home(tmp_path_factory.mktemp("kinds") / "home")
    catalog = home.root / "indicators.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("indicators:\n", "indicators:\n" + STOCK_LINE), encoding="utf-8")
    (home.root / "templates").mkdir(exist_ok=True)
    write_report(TEMPLATE, home.root / "templates" / "annual_report.docx")
    home = open_home(home.root)
    for month in months_of("2024"):
        for unit, grids in GRIDS.items():
            blank = unit == VILLAGE and month == "2024-12"
            drop(home, name=f"{month}月报表.xlsx", unit=unit, period=month,
                 values={"GRID": None if blank else grids, "TRAINING": 1})
    now = dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)
    prepare(home)
    ingest_batch(home, list(find_new(home, now).ready), now)
    return home


def test_a_stock_is_each_units_latest_value_summed_and_a_flow_the_months_sum(stock_home):
    engine = make_engine(stock_home.database_url)
    year = figures_for(engine, months_of("2024"), stock_home.catalog.stocks)
    spring = figures_for(engine, months_of("2024-Q1"), stock_home.catalog.stocks)
    engine.dispose()
    assert len(year.unit_months) == 36
    assert year.total("GRID") == 15 and year.by_unit["GRID"] == GRIDS  # 5 + 3 + 7, not 177
    assert year.as_of["GRID"][VILLAGE] == "2024-11" and year.as_of["GRID"][OTHER] == "2024-12"
    assert year.by_month["GRID"]["2024-03"] == 15 and year.by_month["GRID"]["2024-12"] == 12
    assert spring.total("GRID") == 15 and year.total("TRAINING") == 36 and spring.total("TRAINING") == 9


def test_the_draft_its_table_and_its_comment_count_a_stock_once_per_unit(stock_home, tmp_path):
    doc = docx.Document(annual_draft(stock_home, 2024, tmp_path / "draft.docx", dt.date(2025, 1, 8)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "全镇划分15个基础网格，组织开展法律专题培训36次。" in text
    table = unit_table(doc)
    header = [c.text for c in table.rows[0].cells]
    grid = next(i for i, h in enumerate(header) if h.startswith("基础网格"))
    assert "期末数" in header[grid] and "期末数" not in header[grid + 1]
    column = {row.cells[0].text: row.cells[grid].text for row in table.rows[1:]}
    assert column == {"下汤镇司法所": "5", "下汤村": "3", "松垛村": "7", "合计": "15"}
    note = next(c for anchor, c in comments(doc) if anchor == "15个")
    assert "期末数15个" in note and "15 = 松垛村 7（12月） + 下汤镇司法所 5（12月） + 下汤村 3（11月）" in note
    training = next(c for anchor, c in comments(doc) if anchor == "36次")
    assert "合计36次" in training and "期末数" not in training


@pytest.mark.parametrize("period, total, months", [("2024", 15, 12), ("2024-Q4", 15, 3), ("2024-03", 15, 1)])
def test_the_period_workbook_totals_a_stock_by_its_latest_values(stock_home, period, total, months):
    book = load_workbook(summary_files(stock_home, period, dt.date(2025, 1, 20)).workbook)
    sheet = book["汇总"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    grid, training = rows["GRID"], rows["TRAINING"]
    assert grid[2] == "个，期末数" and grid[3 + months] == total  # the 合计/期末数 column
    assert grid[3:3 + months] == ((15,) * (months - 1) + (12 if period != "2024-03" else 15,))
    assert training[3 + months] == months * 3  # a flow: the months' sum
    per_unit = {r[1]: r for r in book["分单位"].iter_rows(min_row=4, values_only=True)}
    grid_col = [c.value for c in book["分单位"][3]].index("基础网格（个，期末数）")
    assert (per_unit["下汤村"][grid_col], per_unit["合计"][grid_col]) == (3, total)


def ingest(home) -> None:
    now = dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)
    prepare(home)
    ingest_batch(home, list(find_new(home, now).ready), now)


def test_a_signed_stock_is_unsupported_only_when_a_units_latest_value_changes(stock_home, tmp_path):
    shutil.copytree(stock_home.root, tmp_path / "home")
    home = open_home(tmp_path / "home")
    assert runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024"]).exit_code == 0
    signed = runner.invoke(app, ["signoff", "--home", str(home.root), "--year", "2024", "--by", "王镇长", "--accept-open"])
    assert signed.exit_code in (0, 1), signed.output  # 1: no LibreOffice for the PDF
    drop(home, name="2024-03更正.xlsx", unit=VILLAGE, period="2024-03", values={"GRID": 4, "TRAINING": 1})
    ingest(home)  # March is not 下汤村's latest month: the year's 基础网格 is still 15 (summed: 178)
    assert unsupported(home) == []
    drop(home, name="2024-12更正.xlsx", unit=OFFICE, period="2024-12", values={"GRID": 6, "TRAINING": 1})
    ingest(home)  # 下汤镇司法所 now holds 6 网格 at year end
    assert [(d["code"], d["stated"], d["total_now"], d["stated_now"]) for d in unsupported(home)] == \
        [("GRID", "15个", 16, "16个")]


def unsupported(home) -> list[dict]:
    done = runner.invoke(app, ["status", "--home", str(home.root), "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)["reports"][0]["unsupported"]


def test_the_clerks_return_labels_a_stock_and_says_what_it_means(stock_home):
    wb = build_return(stock_home.catalog, ReturnContent("下汤镇", REGISTRY.units[1], "2025-01"))
    rows = {r[1]: r for r in wb["报表"].iter_rows(min_row=6, values_only=True)}
    assert rows["GRID"][2:4] == ("基础网格", "个（期末数）") and rows["TRAINING"][3] == "次"
    notes = "\n".join(str(r[0]) for r in wb["说明"].iter_rows(values_only=True) if r[0])
    assert "月末现有的数量，不是本月新增" in notes and "GRID  基础网格（个，期末数）" in notes


def test_a_wrong_kind_is_said_in_chinese_with_its_line(tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text("version: 1\nindicators:\n  - {code: GRID, name: 基础网格, unit: 个}\n"
                    "  - {code: LAWYER, name: 聘请法律顾问, unit: 名, kind: 存量}\n", encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_catalog(path)
    assert "第 4 行" in str(caught.value) and "kind 只能是 flow" in str(caught.value) and "存量" in str(caught.value)
    path.write_text(path.read_text(encoding="utf-8").replace("存量", "stock"), encoding="utf-8")
    assert load_catalog(path).stocks == frozenset({"LAWYER"})  # and GRID, unsaid, keeps flow


STOCK_REPORT = ["宝丰县城关镇人民政府", "关于2024年度平安建设工作情况的报告", "",
                "一是夯实网格基础。全镇划分15个基础网格，配备15名专职网格员，镇政府聘请3名法律顾问，组建8支巡逻队。",
                "二是精简事项。梳理权责清单117项，行政审批事项压减至20项。",
                "三是网格先行。划分基础网格16个，现有兼职网格员42名。",
                "四是强化演练。全镇开展4次综合性应急演练，组织法律专题培训12次。"]
STOCKS = {"15个", "15名", "3名", "8支", "117项", "20项", "16个", "42名"}


def test_adopt_says_which_figures_are_stocks(tmp_path):
    root = tmp_path / "home"
    make_home(root, registry=registry_for(REPORTS["城关镇"][1]))
    report = write_report(STOCK_REPORT, tmp_path / "平安建设.docx")
    done = runner.invoke(app, ["adopt", str(report), "--home", str(root), "--json"])
    assert done.exit_code == 0, done.output
    kinds = {f["phrase"]: f["kind"] for f in json.loads(done.output)["figures"]}
    assert {p for p, k in kinds.items() if k == "stock"} == STOCKS
    assert kinds["4次"] == kinds["12次"] == "flow"
    catalog = open_home(root).catalog
    assert {catalog.by_code()[c].unit for c in catalog.stocks} == {"个", "名", "支", "项"}
    table = runner.invoke(app, ["adopt", str(report), "--home", str(root), "--name", "又一份"],
                          terminal_width=200)
    assert table.exit_code == 0 and "期末数" in table.output
