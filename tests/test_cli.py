"""The CLI contract of DESIGN §6, exercised as a user would: in-process for speed, and `township demo`
end to end as a real subprocess (what `make demo` runs)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tests.helpers import NOW, VILLAGE, drop

runner = CliRunner()
DESIGN_COMMANDS = ("init", "template", "ingest", "status", "report", "demo", "serve", "summary", "check", "deploy",
                   "bench")


def test_help_lists_every_command_of_the_design():
    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listed = {line.split()[1] for line in result.output.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    assert set(DESIGN_COMMANDS) <= listed


def test_init_creates_a_home_with_unit_folders(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "h")])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "h").iterdir()} >= {"township.toml", "units.yaml", "indicators.yaml",
                                                           "inbox", "archive", "outbox"}
    assert (tmp_path / "h" / "inbox" / "410423105201" / "回执").is_dir()


def test_template_writes_a_blank_return(home, tmp_path):
    out = tmp_path / "blank.xlsx"
    result = runner.invoke(app, ["template", "--home", str(home.root), "--unit", VILLAGE, "--period", "2024-03",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook
    ws = load_workbook(out)["报表"]
    assert (ws["D2"].value, ws["F2"].value) == (VILLAGE, "2024-03")


def test_status_json_has_the_contracted_shape(home):
    drop(home, values={"DISPUTE": 3})
    drop(home, name="bad.xlsx", period="2024-04", edits={"E8": "-2"})
    reconcile_home(home)
    ingest_batch(home, list(find_new(home, NOW).ready), NOW)
    result = runner.invoke(app, ["status", "--home", str(home.root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    subs = {s["file"]: s for s in data["submissions"]}
    assert set(subs) == {"2024-03月报表.xlsx", "bad.xlsx"}
    for s in subs.values():
        assert {"unit", "period", "file", "status", "issues"} <= set(s)
    assert subs["bad.xlsx"]["status"] == "rejected"
    assert subs["bad.xlsx"]["issues"] == [{"level": "error", "place": "报表!E8", "message": "数量不能为负数（“-2”）",
                                           "code": "E_NEGATIVE"}]
    missing = {m["period"]: [u["code"] for u in m["units"]] for m in data["missing"]}
    assert VILLAGE not in missing["2024-03"] and VILLAGE in missing["2024-04"]
    assert len(missing["2024-03"]) == len(home.registry.units) - 1
    table = runner.invoke(app, ["status", "--home", str(home.root)], terminal_width=200)
    assert table.exit_code == 0 and "已退回" in table.output


def test_check_is_a_dry_run(home, tmp_path):
    good = drop(home)
    bad = drop(home, name="bad.xlsx", edits={"E8": "约70"})
    ok = runner.invoke(app, ["check", str(good), "--home", str(home.root)], terminal_width=200)
    refused = runner.invoke(app, ["check", str(bad), "--unit", VILLAGE, "--home", str(home.root)], terminal_width=200)
    assert ok.exit_code == 0 and refused.exit_code == 1
    assert "请填写准确数字" in refused.output
    assert good.exists() and bad.exists() and not (home.root / "township.db").exists()


def test_a_missing_home_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["status", "--home", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "township init" in result.output


@pytest.mark.slow  # ~80 s; tests/test_flows.py runs the same flows on the same year in-process
def test_demo_end_to_end_as_a_subprocess(tmp_path):
    """What `make demo` runs: a fresh process, Prefect's local mode, the draft's path on the last line."""
    township = Path(sys.executable).with_name("township")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([str(township), "demo", str(tmp_path / "demo")], capture_output=True, text=True,
                          env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert last.endswith(".docx") and Path(last).exists()
    text = "\n".join(p.text for p in docx.Document(last).paragraphs)
    assert "调处各类矛盾纠纷70余起" in text and "宣传彩页7000余份" in text
    assert "Traceback" not in done.stderr


def test_template_all_drops_prefilled_templates_that_are_never_ingested(home):
    result = runner.invoke(app, ["template", "--home", str(home.root), "--all", "--period", "2024-03"])
    assert result.exit_code == 0, result.output
    for unit in home.registry.units:
        [path] = list(home.template_dir(unit.code).glob("*.xlsx"))
        from openpyxl import load_workbook
        ws = load_workbook(path)["报表"]
        assert (ws["D2"].value, ws["F2"].value) == (unit.code, "2024-03")
    assert find_new(home, NOW).ready == ()
