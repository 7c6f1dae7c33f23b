"""What the operator reads first (issue 25): a refused return for a month not yet come makes no period
(no month of every unit 未报送), an untouched blank template is refused and its unit still chased, and
`township status` lists refused returns first, then who is late or missing, then returns with warnings
(their hints counted, not listed), each file's errors before its hints. Real files, real ledger, the CLI."""
from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from flows.cli import app
from flows.cli.status_view import folded_issues, needing_attention
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.ledger.migrate import open_ledger
from tasks.summaries.period import collect
from tests.helpers import NOW, OTHER, VILLAGE, drop, row_of

runner = CliRunner()


def run(home, now=NOW):
    prepare(home)
    return ingest_batch(home, list(find_new(home, now).ready), now)


def status_json(home):
    result = runner.invoke(app, ["status", "--home", str(home.root), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_return_refused_for_a_month_not_yet_come_makes_no_period(home):
    drop(home, name="march.xlsx", values={"DISPUTE": 3})
    drop(home, name="typo.xlsx", unit=OTHER, period="2025-02", values={"DISPUTE": 3})  # NOW is 2024-12-20
    outcomes = {o.name: o for o in run(home)}
    assert outcomes["typo.xlsx"].status == "rejected"
    data = status_json(home)
    assert [m["period"] for m in data["missing"]] == ["2024-03"]
    table = runner.invoke(app, ["status", "--home", str(home.root)], terminal_width=200).output
    assert "2025-02 未报送" not in table and "2024-03 未报送" in table
    kept = [p for p in home.archive.rglob("*") if p.is_file()]
    assert len(kept) == 2 and not (home.archive / "2025").exists()  # kept, under this year


def test_an_untouched_blank_template_is_refused_and_its_unit_still_chased(home):
    drop(home, name="blank.xlsx", values={})
    drop(home, name="松垛村.xlsx", unit=OTHER, values={"DISPUTE": 2})
    outcomes = {o.name: o for o in run(home)}
    blank = outcomes["blank.xlsx"]
    assert blank.status == "rejected"
    assert [(f.code, f.level) for f in blank.findings] == [("E_ALL_EMPTY", "error")]
    assert "如本月确实都为 0，请填写 0 后重新报送" in blank.findings[0].hint
    missing = {m["period"]: [u["code"] for u in m["units"]] for m in status_json(home)["missing"]}
    assert VILLAGE in missing["2024-03"] and OTHER not in missing["2024-03"]
    with open_ledger(home.database_url, home.archive) as engine:
        chased = {(c.unit.code, c.state) for c in collect(home, engine, "2024-03", dt.date(2024, 4, 20)).chase}
    assert (VILLAGE, "rejected") in chased


def test_status_lists_refused_first_then_late_and_missing_then_warnings_hints_counted(home):
    drop(home, name="warned.xlsx", period="2024-02",
         edits={f"E{row_of(home, c)}": "3块" for c in ("TRAINING", "DISPUTE", "LEAFLET", "LAW_BOOK")})
    drop(home, name="refused.xlsx", unit=OTHER, folder=OTHER, period="2024-01",
         edits={f"E{row_of(home, 'TRAINING')}": "3块", f"E{row_of(home, 'LEAFLET')}": "１２",
                f"E{row_of(home, 'LAW_BOOK')}": "-2"})
    run(home)
    data = status_json(home)
    order = [s["file"] for s in needing_attention(data["submissions"])]
    assert order == ["refused.xlsx", "warned.xlsx"]
    refused = next(s for s in data["submissions"] if s["file"] == "refused.xlsx")
    assert [i["level"] for i in refused["issues"]] == ["error", "warning", "warning"]  # errors first
    assert folded_issues(refused["issues"]) == "报表!E15 数量不能为负数（“-2”）\n提示 2 条（见回执，或 township status --json）"
    table = runner.invoke(app, ["status", "--home", str(home.root)], terminal_width=200).output
    at = {key: table.index(key) for key in ("退回待重报（", "refused.xlsx", "逾期报送：下汤村（2024-02）",
                                            "2024-01 未报送", "已接收但有提示", "warned.xlsx")}
    assert list(at.values()) == sorted(at.values()), at
    assert "带有单位" not in table  # the harmless hints are counted, not listed
    everything = runner.invoke(app, ["status", "--home", str(home.root), "--all"], terminal_width=200).output
    assert "报送情况（全部）" in everything and "带有单位" in everything  # --all unchanged: every issue listed
