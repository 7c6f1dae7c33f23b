"""A plain run's report is kept in the home's runs/ folder, and `status` names it (issue 26)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json

from typer.testing import CliRunner

from flows.cli import app
from flows.sequences.ingest import ingest_sequence
from flows.sequences.steps import PlainSteps
from tasks.summaries.run_record import KEEP, latest_record, prune, write_record
from tests.helpers import VILLAGE, drop

runner = CliRunner()


def test_a_plain_ingest_keeps_its_report_with_the_refused_file(home):
    drop(home, "2024-03月报表.xlsx")
    drop(home, "坏表.xlsx", period="2024-03", edits={"E9": "很多"}, unit=VILLAGE)
    # the plain steps `township ingest` runs with when no server records it (flows/cli/recording.py)
    done = asyncio.run(ingest_sequence(PlainSteps(home.root), str(home.root)))
    assert done.summary is not None and not done.stopped
    last = latest_record(home.root, "ingest")
    assert last is not None and last.path.parent == home.root / "runs"
    data = json.loads(last.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["kind"] == "ingest" and data["rows"], data
    text = last.path.read_text(encoding="utf-8")
    assert "坏表\\.xlsx" in text and "已退回 1" in text and "很多" in text
    shown = runner.invoke(app, ["status", "--home", str(home.root)], terminal_width=200)
    assert shown.exit_code == 0 and "上次入库" in shown.output and last.path.name in shown.output
    as_json = json.loads(runner.invoke(app, ["status", "--home", str(home.root), "--json"]).output)
    assert as_json["last_run"]["report"] == str(last.path)


def test_records_never_overwrite_and_the_oldest_are_pruned(tmp_path):
    at = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    first = write_record(tmp_path, "ingest-summary", "入库结果", "a", [], now=at)
    second = write_record(tmp_path, "ingest-summary", "入库结果", "b", [], now=at)
    assert first != second and first.read_text(encoding="utf-8").endswith("a\n")
    for i in range(KEEP + 3):
        write_record(tmp_path, None, "运行", str(i), None, now=at + dt.timedelta(seconds=i + 1))
    prune(tmp_path / "runs")
    assert len(list((tmp_path / "runs").glob("*.md"))) == KEEP
    assert not first.exists() and not first.with_suffix(".json").exists()
    newest = latest_record(tmp_path)
    assert newest is not None and newest.kind == "run" and newest.path.read_text(encoding="utf-8").endswith(f"{KEEP + 2}\n")
    assert latest_record(tmp_path, "annual") is None
