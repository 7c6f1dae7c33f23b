"""The flows under a real (temporary) Prefect server: a run that finds a unit locked ends `Skipped` and
changes nothing, per-unit runs take only their units' files, each ingest leaves its artifacts, the
annual report defaults its year, and the CLI says plainly when another run holds the lock."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from typer.testing import CliRunner

from flows.annual_report import run_annual_report
from flows.cli import app
from flows.ingest_returns import SKIPPED, run_ingest
from tasks.intake.unit_locks import unit_locks
from tests.helpers import NOW, OTHER, VILLAGE, drop


@pytest.fixture
def held_lock(home):
    """Another run holding the village's lock for the duration of the test."""
    release, held = threading.Event(), threading.Event()

    def hold() -> None:
        with unit_locks(home.root, home.database_url, [VILLAGE], 1.0):
            held.set()
            release.wait(60)
    t = threading.Thread(target=hold)
    t.start()
    assert held.wait(10)
    yield
    release.set()
    t.join()


def test_a_run_that_finds_the_lock_held_is_skipped_and_changes_nothing(prefect_server, home, held_lock):
    path = drop(home)
    state = run_ingest(home=str(home.root), as_of=NOW, lock_wait_seconds=0.5, return_state=True)
    assert state.is_completed() and state.name == SKIPPED and VILLAGE in state.message
    assert path.exists() and not list(home.receipt_dir(VILLAGE).iterdir())


def test_the_cli_says_another_run_holds_the_lock(prefect_server, home, held_lock):
    drop(home)
    result = CliRunner().invoke(app, ["ingest", "--home", str(home.root), "--unit", OTHER])
    assert result.exit_code == 0, result.output                     # another unit: not blocked
    started = time.monotonic()
    result = CliRunner().invoke(app, ["ingest", "--home", str(home.root)])
    assert result.exit_code == 3 and "另一个入库正在处理单位" in result.output
    assert time.monotonic() - started >= 5      # it waited before giving up


def test_a_per_unit_run_takes_only_its_units_files(prefect_server, home):
    drop(home, unit=VILLAGE)
    other = drop(home, unit=OTHER)
    mine = run_ingest(home=str(home.root), units=[VILLAGE], as_of=NOW)
    assert mine.received == 1 and set(mine.by_unit) == {VILLAGE} and other.exists()
    rest = run_ingest(home=str(home.root), as_of=NOW)
    assert rest.received == 1 and set(rest.by_unit) == {OTHER}
    with pytest.raises(ValueError, match="不在 units.yaml"):
        run_ingest(home=str(home.root), units=["999"], as_of=NOW)


def test_each_ingest_leaves_a_table_and_a_summary_for_the_operator(prefect_server, home):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    drop(home, values={"TRAINING": 1})
    drop(home, name="bad.xlsx", unit=OTHER, edits={"E8": "-2"})
    state = run_ingest(home=str(home.root), as_of=NOW, return_state=True)
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    by_type = {a.type: a for a in found}
    assert set(by_type) == {"table", "markdown"}
    import json
    rows = {r["单位代码"]: r for r in json.loads(by_type["table"].data)}
    assert set(rows) == {u.code for u in home.registry.units}
    assert (rows[VILLAGE]["收到"], rows[VILLAGE]["接收"], rows[OTHER]["退回"]) == (1, 1, 1)
    assert rows[VILLAGE]["缺报月份"].startswith("2024-01") and "2024-03" not in rows[VILLAGE]["缺报月份"]
    assert "收到 2 个文件" in by_type["markdown"].data and "bad\\.xlsx" in by_type["markdown"].data  # literal text


def test_the_annual_report_flow_defaults_to_the_current_year(prefect_server, home):
    path = run_annual_report(home=str(home.root), on=dt.date(2024, 12, 20))
    assert "2024年法治政府建设情况报告" in path
