"""W_INDICATOR_ABSENT is given only for indicators some template of the home states (issue 23): a home
that adopted its own report after a year of returns keeps 下汤镇's reference indicators in its catalog,
but a clerk's return without them is not missing anything. Real .docx report, real .xlsx returns made
by `township template`, checked by `township check` (the same judge as the ingest)."""
from __future__ import annotations

import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tasks.home import open_home
from tests.test_adopt_township import adopted, home_of, store_year
from tests.township_reports import PINGAN

runner = CliRunner()
VILLAGE = "410422203201"


def made_return(root, tmp_path, blank: str | None = None):
    out = tmp_path / "2025-01月报表.xlsx"
    done = runner.invoke(app, ["template", "--home", str(root), "--unit", VILLAGE, "--period", "2025-01",
                               "--out", str(out)])
    assert done.exit_code == 0, done.output
    wb = load_workbook(out)
    ws = wb["报表"]
    for row in ws.iter_rows(min_row=6):
        if row[2].value == blank:  # a clerk who deleted a row's words: the indicator is absent
            for cell in row:
                cell.value = None
        elif row[1].value and row[2].value:  # 指标代码, 指标名称: the clerk fills 本期数量
            row[4].value = 1
    wb.save(out)
    return out


def absent(root, path) -> set[str]:
    done = runner.invoke(app, ["check", str(path), "--unit", VILLAGE, "--home", str(root), "--json"])
    assert done.exit_code in (0, 1), done.output
    return {f["value"] for f in json.loads(done.output)["findings"] if f["code"] == "W_INDICATOR_ABSENT"}


def test_an_indicator_no_template_states_is_never_absent_from_a_return(tmp_path):
    root = home_of(tmp_path)
    store_year(root, {"LEAFLET": 7260, "DISPUTE": 12}, 2024)
    adopted(tmp_path, root, PINGAN, "平安建设")
    catalog = open_home(root).catalog
    assert {"LEAFLET", "DROWNING_MEETING"} <= {i.code for i in catalog.indicators}  # kept: the home has data
    assert absent(root, made_return(root, tmp_path)) == set()


def test_an_indicator_a_template_states_is_absent_when_its_row_is_gone(tmp_path):
    root = home_of(tmp_path)
    store_year(root, {"LEAFLET": 7260}, 2024)
    adopted(tmp_path, root, PINGAN, "平安建设")
    assert absent(root, made_return(root, tmp_path, blank="排查矛盾纠纷")) == {"排查矛盾纠纷"}
