"""`township export` (issue 29) as an analyst runs it, on the demo year's real ledger: the files read
back by the readers analysts use (pandas, the csv module, openpyxl), their Chinese intact and their
numbers the reference report's; bad arguments a Chinese message and exit 2; --out never overwrites."""
from __future__ import annotations

import csv
import re
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tasks.ledger.frame_files import HEADERS
from tasks.samples.demo import REFERENCE_TOTALS

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"Traceback|Error|Usage|Invalid|Missing|No such|Try '|is not|must be")
TOTALS_BY_NAME = {"法律专题培训": 12, "调处矛盾纠纷": 73, "宣传彩页发放": 7260, "法治书籍发放": 4150}


@pytest.fixture(scope="module")
def demo(demo_ledger, tmp_path_factory):
    """A copy of the session's demo home: exports write into its folders, never into the shared one."""
    root = tmp_path_factory.mktemp("export") / "home"
    shutil.copytree(demo_ledger.root, root)
    return root


def exported(args: list[str]) -> str:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_csv_opens_with_its_chinese_intact_in_pandas_and_the_csv_module(demo, tmp_path):
    path = exported(["--home", str(demo), "--year", "2024", "--format", "csv",
                     "--out", str(tmp_path / "下汤镇.csv")])
    assert path == str(tmp_path / "下汤镇.csv")
    raw = (tmp_path / "下汤镇.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel on Windows needs to read UTF-8
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"单位代码": str})
    assert list(frame.columns) == [h for h, _m in HEADERS.values()]
    assert frame.groupby("指标代码")["数值"].sum().astype(int).to_dict() == REFERENCE_TOTALS
    by_name = frame.groupby("指标名称")["数值"].sum()
    assert {n: int(by_name[n]) for n in TOTALS_BY_NAME} == TOTALS_BY_NAME
    assert set(frame["汇总方式"]) == {"按月相加"} and set(frame["状态"]) <= {"已接收", "已接收（有提示）"}
    assert frame["单位代码"].str.startswith("410423105").all()  # codes stay text: no 4.1e11
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(frame) and {"下汤村", "下汤镇司法所"} <= {r["单位名称"] for r in rows}
    assert sum(int(r["数值"]) for r in rows if r["指标代码"] == "LEAFLET" and r["数值"]) == 7260
    explanation = (tmp_path / "下汤镇.csv.说明.txt").read_text(encoding="utf-8-sig")
    assert "下汤镇2024年月报表数据" in explanation and "期末数" in explanation
    assert all(header in explanation for header, _m in HEADERS.values())


def test_xlsx_reads_back_in_openpyxl_with_its_header_frozen_and_its_explanation(demo, tmp_path):
    path = exported(["--home", str(demo), "--period", "2024-03", "--out", str(tmp_path / "三月.xlsx")])
    book = load_workbook(path)
    assert book.sheetnames == ["数据", "汇总", "说明"]
    data = book["数据"]
    assert data.freeze_panes == "A2"
    header = [c.value for c in data[1]]
    assert header == [h for h, _m in HEADERS.values()]
    rows = [dict(zip(header, r, strict=True)) for r in data.iter_rows(min_row=2, values_only=True)]
    assert {r["报告期"] for r in rows} == {"2024-03"}
    blank = [r for r in rows if r["数值"] is None]  # a cell the clerk left blank: empty, the rest in place
    assert blank and all(r["状态"].startswith("已接收") and isinstance(r["版本"], int) for r in blank)
    assert all(r["报送时间"].year in (2024, 2025) for r in rows)  # a real date cell, not text
    march = pd.read_csv(exported(["--home", str(demo), "--period", "2024-03", "--format", "csv",
                                  "--out", str(tmp_path / "三月.csv")]), encoding="utf-8-sig")
    assert sum(r["数值"] or 0 for r in rows) == int(march["数值"].sum())  # the same values either way
    widths = {c: data.column_dimensions[c].width for c in "ABDE"}
    assert widths["B"] > widths["A"] >= 14 and widths["E"] > 10  # sized to the names, not Excel's 8.43
    notes = [[c for c in r if c] for r in book["说明"].iter_rows(values_only=True)]
    assert notes[0][0].startswith("下汤镇2024年3月月报表数据")
    meanings = {r[0]: r[2] for r in notes if len(r) == 3}
    assert "按月相加" in meanings["汇总方式"] and "不是 0" in meanings["数值"]


def test_the_xlsx_summary_sheet_holds_the_drafts_figures(demo, tmp_path):
    book = load_workbook(exported(["--home", str(demo), "--year", "2024", "--out", str(tmp_path / "y.xlsx")]))
    rows = list(book["汇总"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("指标代码", "指标名称", "计量单位", "汇总方式") and header[-1] == "合计（即草稿的数）"
    assert header[4:-1] == tuple(f"2024-{m:02d}" for m in range(1, 13))
    assert {r[0]: r[-1] for r in body} == REFERENCE_TOTALS
    assert all(sum(v or 0 for v in r[4:-1]) == r[-1] for r in body)  # flows: the months add up to it


def test_out_never_overwrites_and_never_makes_folders(demo, tmp_path):
    target = tmp_path / "year.xlsx"
    target.write_bytes(b"the analyst's own file")
    path = exported(["--home", str(demo), "--year", "2024", "--out", str(target)])
    assert path == str(tmp_path / "year-2.xlsx") and target.read_bytes() == b"the analyst's own file"
    assert load_workbook(path)["数据"].max_row > 1
    result = runner.invoke(app, ["export", "--home", str(demo), "--year", "2024",
                                 "--out", str(tmp_path / "nowhere" / "year.xlsx")])
    assert result.exit_code == 2 and "不会新建文件夹" in result.output and not (tmp_path / "nowhere").exists()
    default = exported(["--home", str(demo), "--year", "2024", "--format", "csv"])
    assert default.startswith(str(demo / "outbox")) and default.endswith(".csv")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no hidden leftovers


@pytest.mark.parametrize("args, words", [
    (["--year", "24"], "--year 的值无效：不能小于 2000"),
    (["--year", "二〇二四"], "应为整数"),
    (["--format", "docx"], "格式“docx”不支持"),
    (["--period", "2024-13"], "报告期“2024-13”无法识别"),
    (["--year", "2024", "--period", "2024-03"], "只能给一个"),
])
def test_a_bad_argument_is_a_chinese_message_and_exit_2(demo, args, words):
    result = runner.invoke(app, ["export", "--home", str(demo), *args], terminal_width=200)
    assert result.exit_code == 2, result.output
    assert CJK.search(result.output) and not ENGLISH.search(result.output), result.output
    assert re.sub(r"[\s│╭╮╰╯─]+", "", words) in re.sub(r"[\s│╭╮╰╯─]+", "", result.output)


def test_parquet_keeps_the_typed_frame_and_its_explanation(demo, tmp_path):
    import pyarrow.parquet as pq

    path = exported(["--home", str(demo), "--year", "2024", "--format", "parquet",
                     "--out", str(tmp_path / "y.parquet")])
    frame = pd.read_parquet(path)
    assert frame.groupby("indicator")["value"].sum().to_dict() == REFERENCE_TOTALS
    assert str(frame["arrived_at"].dt.tz) == "UTC" and frame["value"].dtype == "Int64"
    schema = pq.read_schema(path)
    assert "下汤镇2024年" in schema.metadata[b"township.explanation"].decode("utf-8")
    assert schema.field("value").metadata[b"header"].decode("utf-8") == "数值"
    assert (tmp_path / "y.parquet.说明.txt").exists()


def test_parquet_without_its_extra_says_how_to_install_it(demo, tmp_path):
    """A child process in which pyarrow cannot be found, as on an install without the extra."""
    import subprocess
    import sys

    hide = ("import sys, importlib.abc\n"
            "class Hide(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'pyarrow': raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, Hide())\n"
            "sys.argv = ['township'] + sys.argv[1:]\n"
            "from flows.cli import app; app()\n")
    done = subprocess.run([sys.executable, "-c", hide, "export", "--home", str(demo), "--year", "2024",
                           "--format", "parquet", "--out", str(tmp_path / "y.parquet")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "pip install 'township[parquet]'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "y.parquet").exists()
