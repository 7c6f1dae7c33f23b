"""What a township is left with after adopting its own reports (DESIGN §7.1, issue 23 items 1, 5, 6):
names a clerk can fill, read from `adopt --json`; a catalog, a clerks' return and a 附表 of the
township's own indicators; two reports sharing one set of returns; a second adopt that changes nothing.
Reports are real .docx files (tests/township_reports.py), returns real .xlsx, the ledger real SQLite."""
from __future__ import annotations

import datetime as dt
import json
import re

import docx
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from schemas import default_file, load_yaml
from tasks.drafts.annual import annual_draft
from tasks.home import init_home, open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tests.docx_helpers import comments
from tests.helpers import drop
from tests.reports import registry_for, write_report
from tests.township_reports import FAZHI, FAZHI_NAMES, LONGQUAN, PINGAN, PINGAN_NAMES

runner = CliRunner()
REFERENCE_NAMES = {e["name"] for e in load_yaml(default_file("indicators.yaml").read_text("utf-8"))["indicators"]}
FUNCTION_ENDS = ("和", "及", "与", "超", "至", "的", "了", "等")


def home_of(tmp_path):
    root = tmp_path / "home"
    init_home(root, registry_for(LONGQUAN))
    toml = root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 30", "settle_seconds = 0"),
                    encoding="utf-8")
    return root


def adopted(tmp_path, root, report, name: str) -> dict:
    path = write_report(report, tmp_path / f"{name}.docx")
    done = runner.invoke(app, ["adopt", str(path), "--home", str(root), "--name", name, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def return_rows(root, tmp_path, period: str = "2025-01") -> list[str]:
    out = tmp_path / f"return-{period}.xlsx"
    done = runner.invoke(app, ["template", "--home", str(root), "--unit", "410422203201", "--period", period,
                               "--out", str(out)])
    assert done.exit_code == 0, done.output
    return [row[2] for row in load_workbook(out)["报表"].iter_rows(min_row=6, values_only=True) if row[2]]


def store_year(root, values: dict[str, int], year: int) -> None:
    home = open_home(root)
    drop(home, name=f"{year}-03.xlsx", unit=home.registry.units[1].code, period=f"{year}-03", values=values)
    now = dt.datetime(year + 1, 1, 20, 2, 0, tzinfo=dt.UTC)
    reconcile_home(home)
    ingest_batch(home, list(find_new(home, now).ready), now)


def test_each_figure_is_named_by_the_activity_it_counts_and_its_kind(tmp_path):
    """Count first (划分15个基础网格, 全乡开展4次…和15场…), noun first (排查矛盾纠纷85起), a 等 list, stocks."""
    root = home_of(tmp_path)
    for report, names, title in ((PINGAN, PINGAN_NAMES, "平安建设"), (FAZHI, FAZHI_NAMES, "法治政府建设")):
        data = adopted(tmp_path, root, report, title)
        got = {f["phrase"]: (f["name"], f["kind"]) for f in data["figures"]}
        assert got == names, title
        for f in data["figures"]:
            name = f["name"]
            assert 2 <= len(name) <= 16 and not name.endswith(FUNCTION_ENDS) and not name.startswith(FUNCTION_ENDS)
            assert "龙泉" not in name and "叶县" not in name and name not in ("划分", "签订", "配备", "聘请")
            assert f["name_ok"] is True and f["ask"] is None


def test_a_name_no_clerk_could_fill_is_asked_about_never_left_silently(tmp_path):
    root = home_of(tmp_path)
    data = adopted(tmp_path, root, ["龙泉乡2024年工作总结", "", "（一）全年共签订12份。开展“平安龙泉、法治"
                                                            "先行”宣传15次。"], "总结")
    by_phrase = {f["phrase"]: f for f in data["figures"]}
    assert by_phrase["12份"]["name"] == "签订" and by_phrase["12份"]["name_ok"] is False
    assert "只是动词" in by_phrase["12份"]["ask"] and "indicators.yaml" in by_phrase["12份"]["ask"]
    assert by_phrase["15次"]["name_ok"] is True and by_phrase["15次"]["name"] == "“平安龙泉、法治先行”宣传"
    review = runner.invoke(app, ["adopt", str(tmp_path / "总结.docx"), "--home", str(root), "--name", "总结"],
                           terminal_width=200)
    assert review.exit_code == 0 and "待定名" in review.output and "请定名" in review.output


def test_the_return_lists_only_the_townships_indicators(tmp_path):
    """A home with no stored returns: 下汤镇's reference indicators leave the catalog, the return lists what
    the two reports state, each once (集中宣传 and 发放宣传资料 are one row each)."""
    root = home_of(tmp_path)
    pingan = adopted(tmp_path, root, PINGAN, "平安建设")
    fazhi = adopted(tmp_path, root, FAZHI, "法治政府建设")
    rows = return_rows(root, tmp_path)
    named = {f["name"] for f in pingan["figures"] + fazhi["figures"]}
    assert not set(rows) & REFERENCE_NAMES
    assert sorted(rows) == sorted(named) and len(rows) == len(set(rows)) == 22
    assert {d["name"] for d in pingan["dropped"]} == REFERENCE_NAMES and not fazhi["dropped"]
    shared = {f["name"]: f["code"] for f in pingan["figures"] if f["name"] in ("集中宣传", "发放宣传资料")}
    assert {f["name"]: f["code"] for f in fazhi["figures"] if f["name"] in shared} == shared
    catalog = open_home(root).catalog
    assert {i.name for i in catalog.indicators} == named and catalog.kind_of(shared["集中宣传"]) == "flow"


def test_with_stored_returns_the_reference_indicators_stay_and_are_listed(tmp_path):
    root = home_of(tmp_path)
    store_year(root, {"LEAFLET": 7260, "DISPUTE": 12}, 2024)
    data = adopted(tmp_path, root, PINGAN, "平安建设")
    assert {i.code for i in open_home(root).catalog.indicators} >= {"LEAFLET", "DROWNING_MEETING"}
    rows = return_rows(root, tmp_path, "2024-05")  # this year's data keeps a row; nothing else of 下汤镇's
    assert {"宣传彩页发放", "调处矛盾纠纷"} <= set(rows) and "防溺亡现场会" not in rows
    assert not set(return_rows(root, tmp_path, "2025-01")) & REFERENCE_NAMES
    assert not data["dropped"] and {"LEAFLET", "DISPUTE", "DROWNING_MEETING"} <= {k["code"] for k in data["kept"]}


def test_a_next_years_drafts_state_each_report_and_never_ask_to_delete_the_others(tmp_path):
    root = home_of(tmp_path)
    pingan = adopted(tmp_path, root, PINGAN, "平安建设")
    fazhi = adopted(tmp_path, root, FAZHI, "法治政府建设")
    codes = {f["code"] for f in pingan["figures"] + fazhi["figures"]}
    store_year(root, {code: 7 for code in codes} | {fazhi["figures"][4]["code"]: 5126}, 2025)
    home = open_home(root)
    draft = docx.Document(annual_draft(home, 2025, tmp_path / "法治.docx", dt.date(2026, 1, 10),
                                       template="法治政府建设"))
    text = "\n".join(p.text for p in draft.paragraphs)
    assert "2025年，龙泉乡在县委" in text and "开展集中宣传7次，发放宣传资料5000余份，发放宣传彩页7份" in text
    [todo] = [t for _, t in comments(draft) if t.startswith("待完善事项")]
    assert "正文没有句子写到它" not in todo and "删去" not in re.sub(r"请核实或删去此句", "", todo)
    table = next(t for t in draft.tables if t.rows[0].cells[0].text == "单位")
    header = " ".join(c.text for c in table.rows[0].cells)
    assert "聘请法律顾问" in header and not any(n in header for n in REFERENCE_NAMES)


def test_adopting_the_same_report_again_changes_nothing(tmp_path):
    root = home_of(tmp_path)
    first = adopted(tmp_path, root, PINGAN, "平安建设")
    catalog = (root / "indicators.yaml").read_bytes()
    body = docx.Document(str(root / "templates" / "平安建设.docx")).element.body.xml
    again = adopted(tmp_path, root, PINGAN, "平安建设")
    assert (root / "indicators.yaml").read_bytes() == catalog
    assert docx.Document(str(root / "templates" / "平安建设.docx")).element.body.xml == body
    assert [(f["code"], f["name"]) for f in again["figures"]] == [(f["code"], f["name"]) for f in first["figures"]]
    assert not any(f["new"] for f in again["figures"]) and "巡逻（人次）" not in catalog.decode()


def test_a_figure_keeps_its_own_reports_stating_and_object(tmp_path):
    """发放宣传彩页3000份 matches the reference's 宣传彩页发放 (stated approx): it stays exact. 发放反诈宣传单
    is not 宣传单 (the reference's alias): another object, another indicator."""
    root = home_of(tmp_path)
    fazhi = adopted(tmp_path, root, FAZHI, "法治政府建设")
    leaflet = next(f for f in fazhi["figures"] if f["phrase"] == "3000份")
    assert (leaflet["code"], leaflet["style"]) == ("LEAFLET", "exact")
    assert open_home(root).catalog.by_code()["LEAFLET"].style == "exact"
    pingan = adopted(tmp_path, root, PINGAN, "平安建设")
    fraud = next(f for f in pingan["figures"] if f["phrase"] == "5000份")
    assert fraud["code"] != "LEAFLET" and (fraud["name"], fraud["style"]) == ("发放反诈宣传单", "exact")
    store_year(root, {"LEAFLET": 3124, fraud["code"]: 5123}, 2025)
    home = open_home(root)
    texts = {}
    for name in ("法治政府建设", "平安建设"):
        draft = docx.Document(annual_draft(home, 2025, tmp_path / f"{name}.docx", dt.date(2026, 1, 10),
                                           template=name))
        texts[name] = "\n".join(p.text for p in draft.paragraphs)
    assert "发放宣传彩页3124份" in texts["法治政府建设"] and "发放反诈宣传单5123份" in texts["平安建设"]


def test_one_activity_two_reports_state_differently_is_reported_once_and_stated_each_way(tmp_path):
    """平安建设 says 发放宣传资料5000余份, 法治政府建设 says it exactly (5126份): clerks report it once; each
    draft states it as its own report did."""
    root = home_of(tmp_path)
    pingan = adopted(tmp_path, root, PINGAN, "平安建设")
    exact = [p.replace("发放宣传资料5000余份", "发放宣传资料5126份") for p in FAZHI]
    fazhi = adopted(tmp_path, root, exact, "法治政府建设")
    base = next(f["code"] for f in pingan["figures"] if f["phrase"] == "5000余份")
    own = next(f for f in fazhi["figures"] if f["phrase"] == "5126份")
    assert own["name"] == "发放宣传资料" and own["style"] == "exact" and own["derived"] == "sum"
    assert next(d for d in open_home(root).catalog.derived if d.code == own["code"]).sum == (base,)
    assert return_rows(root, tmp_path).count("发放宣传资料") == 1
    store_year(root, {base: 5126}, 2025)
    home = open_home(root)
    for name, phrase in (("平安建设", "发放宣传资料5000余份"), ("法治政府建设", "发放宣传资料5126份")):
        draft = docx.Document(annual_draft(home, 2025, tmp_path / f"{name}.docx", dt.date(2026, 1, 10),
                                           template=name))
        assert phrase in "\n".join(p.text for p in draft.paragraphs), name
