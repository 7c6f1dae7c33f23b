"""Acceptance on real reports of other townships (tests/fixtures/real_reports, sources in SOURCES.md),
adopted as a new user would into a fresh home (issue 23, DESIGN §7.1): every name one a clerk can fill,
each figure's kind, the return's rows, and a second adopt that changes nothing. Real .docx (one with its
figures also in a Word table), the real CLI, a real SQLite home."""
from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tasks.adoption.scan import NORM_REASON
from tasks.adoption.words import NEEDS_OBJECT
from tasks.home import open_home

runner = CliRunner()
REPORTS = Path(__file__).parent / "fixtures" / "real_reports"
FUNCTION_ENDS = ("和", "及", "与", "超", "至", "的", "了", "等", "对", "在", "成", "内")

# phrase → (name, kind) for the figures that decide whether the first year is right
XIASHU = {"8次": ("理论学习中心组年度学法", "flow"), "117项": ("梳理编制基本履职事项清单", "stock"),
          "54项": ("配合履职事项清单", "stock"), "258项": ("上级部门收回事项清单", "stock"),
          "3名": ("聘请法律顾问", "stock")}
SHUIKOU = {"34个": ("划分网格", "stock"), "1名": ("镇级总网格长", "stock"), "2名": ("镇级副网格长", "stock"),
           "14名": ("村级网格长", "stock"), "34名": ("村级专职网格员", "stock"),
           "132名": ("村级兼职网格员", "stock"), "13800余次": ("走访群众", "flow")}
BANYUE = {"15场次": ("应急演练", "flow"), "17次": ("集中排查行动", "flow"), "403处": ("发现隐患", "flow"),
          "4000余人次": ("演练涉及人数", "flow")}
CASES = [("下蜀镇2025年法治政府建设情况报告", XIASHU, ("下蜀", "句容")),
         ("水口镇平安建设工作情况", SHUIKOU, ("水口", "彬州")),
         ("半月镇安全生产工作情况", BANYUE, ("半月", "当阳"))]


def adopt(report: Path, root: Path) -> dict:
    done = runner.invoke(app, ["adopt", str(report), "--home", str(root), "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def fillable(name: str, places: tuple[str, ...]) -> bool:
    return (2 <= len(name) <= 16 and not name.endswith(FUNCTION_ENDS) and not name.startswith(FUNCTION_ENDS)
            and name not in NEEDS_OBJECT and not any(p in name for p in places))


@pytest.mark.parametrize("stem, expected, places", CASES, ids=[c[0][:3] for c in CASES])
def test_a_real_report_leaves_names_a_clerk_can_fill_right_kinds_and_a_stable_home(tmp_path, stem, expected,
                                                                                   places):
    root = tmp_path / "home"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    report = REPORTS / f"{stem}.docx"
    data = adopt(report, root)
    figures = data["figures"]
    assert all(fillable(f["name"], places) and f["name_ok"] and not f["ask"] for f in figures), \
        [f["name"] for f in figures if not fillable(f["name"], places)]
    got = {f["phrase"]: (f["name"], f["kind"]) for f in figures}
    assert {p: got.get(p) for p in expected} == expected
    # a figure a Word table restates is the paragraph's indicator: one row on the return, never two
    codes = {(f["phrase"], f["code"]) for f in figures}
    assert len({c for _, c in codes}) == len({p for p, _ in codes})

    unit = open_home(root).registry.units[1].code
    out = tmp_path / "return.xlsx"
    assert runner.invoke(app, ["template", "--home", str(root), "--unit", unit, "--period", "2026-01",
                               "--out", str(out)]).exit_code == 0
    rows = [r[2:4] for r in load_workbook(out)["报表"].iter_rows(min_row=6, values_only=True) if r[2]]
    assert sorted(n for n, _ in rows) == sorted({f["name"] for f in figures})
    stocks = {f["name"] for f in figures if f["kind"] == "stock"}
    assert all(("期末数" in unit_label) == (name in stocks) for name, unit_label in rows)

    catalog = (root / "indicators.yaml").read_bytes()
    template = [p.text for p in docx.Document(root / "templates" / "annual_report.docx").paragraphs]
    again = adopt(report, root)
    assert (root / "indicators.yaml").read_bytes() == catalog
    assert [p.text for p in docx.Document(root / "templates" / "annual_report.docx").paragraphs] == template
    assert [(f["code"], f["name"], f["kind"]) for f in again["figures"]] == \
        [(f["code"], f["name"], f["kind"]) for f in figures]


def test_a_per_village_norm_stays_the_reports_words_and_is_listed_as_carried_over(tmp_path):
    root = tmp_path / "home"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    data = adopt(REPORTS / "水口镇平安建设工作情况.docx", root)
    skipped = {s["text"]: s["reason"] for s in data["skipped"]}
    assert skipped["15人"] == NORM_REASON and skipped["每天由2名"].startswith("频次")
    assert {"15人", "每天由2名"} <= {c["text"] for c in data["carried_over"]}
    assert not {"15人", "七项"} & {f["phrase"] for f in data["figures"]}


def test_a_total_broken_down_in_the_next_sentence_is_their_sum_and_no_row_of_its_own(tmp_path):
    """塘栖镇: 审查1090件，覆盖率达100%。其中，…2件，…10件，…1件，…1077件 — and the same four in a Word table."""
    root = tmp_path / "home"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    data = adopt(REPORTS / "塘栖镇法治政府建设年度报告（2024年度）.docx", root)
    whole = next(f for f in data["figures"] if f["phrase"] == "1090件")
    parts = {f["code"] for f in data["figures"] if f["phrase"] in ("2件", "10件", "1件", "1077件")}
    assert whole["derived"] == "sum" and len(parts) == 4
    catalog = open_home(root).catalog
    assert whole["code"] not in {i.code for i in catalog.indicators}
    assert set(next(d for d in catalog.derived if d.code == whole["code"]).sum) == parts
