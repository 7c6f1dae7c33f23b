"""The plain pieces under the orchestration: per-unit locks (files and PostgreSQL advisory locks),
splitting an inbox by unit, when an arrival triggers a run, and the deployments' schedules."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from schemas.settings import Schedules, Settings
from tasks.intake.arrivals import MARGIN_SECONDS, Pending, is_arrival
from tasks.intake.discover import Discovery, Dropped
from tasks.intake.dispatch import files_per_unit, only_units, plan_runs
from tasks.intake.unit_locks import LockBusy, lock_key, unit_locks


def _holding(root: Path, url: str, units: list[str], release: threading.Event, held: threading.Event):
    def hold() -> None:
        with unit_locks(root, url, units, 1.0):
            held.set()
            release.wait(10)
    t = threading.Thread(target=hold)
    t.start()
    assert held.wait(10)
    return t


def test_a_busy_unit_makes_the_second_run_wait_then_give_up(tmp_path, database_url):
    release, held = threading.Event(), threading.Event()
    t = _holding(tmp_path, database_url, ["A"], release, held)
    try:
        started = time.monotonic()
        with pytest.raises(LockBusy, match="A"), unit_locks(tmp_path, database_url, ["B", "A"], wait_seconds=0.6):
            pass
        assert time.monotonic() - started >= 0.5
        with unit_locks(tmp_path, database_url, ["B", "C"], wait_seconds=0.5):  # other units go on meanwhile
            pass
    finally:
        release.set()
        t.join()
    with unit_locks(tmp_path, database_url, ["A", "B"], wait_seconds=0.5):  # released with its holder
        pass


def test_lock_keys_are_stable_and_distinct():
    assert lock_key("410423105201") == lock_key("410423105201") != lock_key("410423105202")
    assert -2**63 <= lock_key("x") < 2**63


def _dropped(unit: str, n: int) -> list[Dropped]:
    return [Dropped(unit, Path(f"/in/{unit}/{i}.xlsx"), f"{i}.xlsx", 10, 0.0) for i in range(n)]


def test_plan_keeps_units_whole_and_packs_small_ones():
    counts = {"a": 50, "b": 30, "c": 10, "d": 5, "e": 5, "zero": 0}
    groups = plan_runs(counts, per_run=50)
    assert sorted(u for g in groups for u in g) == ["a", "b", "c", "d", "e"]
    assert len(groups) == 2 and ["a"] in groups
    assert plan_runs({"big": 500}, per_run=20) == [["big"]]
    assert plan_runs({}, per_run=20) == []
    assert len(plan_runs({f"u{i}": 20 for i in range(10)}, per_run=20)) == 10


def test_a_per_unit_run_sees_only_its_units_files():
    discovery = Discovery(tuple(_dropped("a", 2) + _dropped("b", 1)), tuple(_dropped("b", 1)), ("stray.txt",))
    assert files_per_unit(discovery) == {"a": 2, "b": 1}
    mine = only_units(discovery, {"b"})
    assert [d.unit for d in mine.ready] == ["b"] and len(mine.settling) == 1 and mine.strays == ()


def test_only_a_written_file_in_a_unit_folder_is_an_arrival(tmp_path):
    inbox = tmp_path / "inbox"
    assert is_arrival(inbox / "410423105201" / "三月.xlsx", inbox, deleted=False)
    assert is_arrival(inbox / "410423105201" / "sub" / "三月.xlsx", inbox, deleted=False)
    assert not is_arrival(inbox / "410423105201" / "三月.xlsx", inbox, deleted=True)
    assert not is_arrival(inbox / "410423105201" / "回执" / "三月.xlsx.回执.xlsx", inbox, deleted=False)
    assert not is_arrival(inbox / "410423105201" / "~$三月.xlsx", inbox, deleted=False)
    assert not is_arrival(inbox / "README.md", inbox, deleted=False)
    assert not is_arrival(tmp_path / "archive" / "x.xlsx", inbox, deleted=False)


def test_a_run_starts_once_a_changed_file_has_settled_and_later_ones_get_their_own():
    p = Pending(settle_seconds=30)
    assert not p.take(0)
    p.arrived(0, "a")
    p.arrived(20, "b")
    assert not p.take(30)
    assert p.take(30 + MARGIN_SECONDS)          # a has settled
    assert not p.take(40)
    assert p.take(50 + MARGIN_SECONDS)          # b, changed at 20
    assert not p.take(1000)


def test_a_file_written_again_settles_from_its_last_change_and_one_seen_closed_needs_no_settling():
    p = Pending(settle_seconds=30)
    p.arrived(0, "a")
    p.arrived(25, "a")                          # still being written
    assert not p.take(30 + MARGIN_SECONDS)
    assert p.take(55 + MARGIN_SECONDS)
    p.arrived(100, "b")
    p.closed("b")                               # handed to a run on its close
    assert not p.take(1000)


def test_deployments_take_crons_and_time_zone_from_the_settings(tmp_path):
    from flows.deployments import home_deployments

    settings = Settings(schedules=Schedules(timezone="Asia/Urumqi", ingest="*/5 * * * *"))
    served = {d.name: d for d in home_deployments(tmp_path, settings)}
    assert set(served) == {"ingest-returns", "period-summary", "annual-report"}
    crons = {n: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] for n, d in served.items()}
    assert crons == {"ingest-returns": [("*/5 * * * *", "Asia/Urumqi")],
                     "period-summary": [("0 8 5 * *", "Asia/Urumqi")],
                     "annual-report": [("0 8 20 12 *", "Asia/Urumqi")]}
    # No parameter names a place (issue 22): the home is the serving process's, or the pool's job variable.
    assert served["annual-report"].parameters == {"year": None}
    assert served["period-summary"].parameters == {"period": None}
    assert served["ingest-returns"].entrypoint == "flows.deployed.ingest_returns"
    for d in served.values():
        schema = d._parameter_openapi_schema.model_dump(exclude_unset=True)
        assert not {"home", "out", "reopen"} & set(schema["properties"]) and schema["additionalProperties"] is False
        assert not d.job_variables
    pooled = {d.name: d for d in home_deployments(tmp_path, settings, pool="county")}
    assert set(pooled) == set(served) | {"dispatch-ingest"}
    assert not pooled["ingest-returns"].schedules and pooled["dispatch-ingest"].schedules[0].schedule.cron == "*/5 * * * *"
    assert {d.work_pool_name for d in pooled.values()} == {"county"}
    assert {d.job_variables["env"]["TOWNSHIP_HOME"] for d in pooled.values()} == {str(tmp_path)}


def test_a_one_shot_command_uses_a_running_serve_only_when_it_answers(tmp_path, monkeypatch):
    from flows.server import forget_server, record_server, use_home_server

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert use_home_server(tmp_path) is None                      # no serve: Prefect's local mode
    record_server(tmp_path, "http://127.0.0.1:9/api")             # a serve that died without cleaning up
    assert use_home_server(tmp_path) is None and "PREFECT_API_URL" not in os.environ
    monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere:4200/api")
    assert use_home_server(tmp_path) == "http://elsewhere:4200/api"  # an explicit address wins
    forget_server(tmp_path)
    assert not (tmp_path / ".prefect" / "serve.json").exists()
