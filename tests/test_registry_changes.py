"""units.yaml edited while the township runs (issue 28), through the real commands: a unit added gets its
folder the next time `status` or `ingest` runs, said once, and is expected only from its `from`; a unit
deleted while the ledger holds its returns is refused (close it with `until`)."""
import json

from typer.testing import CliRunner

from flows.cli import app
from tasks.home import open_home
from tests.helpers import VILLAGE, drop

runner = CliRunner()
ADDED = '- {code: "410423105301", name: 新华社区, kind: community, from: 2024-03}\n'


def run(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


def test_a_unit_added_gets_its_folder_once_and_is_expected_from_its_from(home):
    registry = home.root / "units.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    folder = home.unit_inbox("410423105301")
    assert not folder.exists()
    first = run("status", "--home", str(home.root))
    assert first.exit_code == 0, first.output
    assert "已为新增单位建立报送文件夹：新华社区（inbox/410423105301/）" in first.output
    assert "2024年单位名录变化（units.yaml）：\n  2024年3月起新设新华社区（410423105301）" in first.output
    assert (folder / "回执").is_dir() and (folder / "模板" / "空白月报表模板.xlsx").is_file()
    again = run("status", "--home", str(home.root))
    assert again.exit_code == 0 and "已为新增单位建立报送文件夹" not in again.output
    before = json.loads(run("status", "--home", str(home.root), "--period", "2024-02", "--json").output)
    after = json.loads(run("status", "--home", str(home.root), "--period", "2024-03", "--json").output)
    assert "新华社区" not in [u["name"] for u in before["missing"][0]["units"]]
    assert "新华社区" in [u["name"] for u in after["missing"][0]["units"]]
    assert after["registry_changes"] == {"2024": ["2024年3月起新设新华社区（410423105301）"]}


def test_ingest_makes_a_new_units_folder_and_says_so(home):
    registry = home.root / "units.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    result = run("ingest", "--home", str(home.root))
    assert result.exit_code == 0, result.output
    assert "已为新增单位建立报送文件夹：新华社区" in result.output
    assert (home.unit_inbox("410423105301") / "模板").is_dir()
    assert "已为新增单位建立报送文件夹" not in run("ingest", "--home", str(home.root)).output


def test_a_unit_deleted_with_stored_returns_is_refused(home):
    drop(home, period="2024-03")
    assert run("ingest", "--home", str(home.root)).exit_code == 0
    registry = home.root / "units.yaml"
    text = registry.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if VILLAGE not in line]
    registry.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert open_home(home.root).registry.by_code().get(VILLAGE) is None
    for command in ("status", "ingest"):
        result = run(command, "--home", str(home.root))
        assert result.exit_code == 2, result.output
        assert f"单位 {VILLAGE} 已从名录删除，但库中存有它的 1 份月报表" in result.output
        assert "并用 until 关闭" in result.output and "Traceback" not in result.output


def test_a_former_name_is_no_warning_in_the_months_it_was_the_name(tmp_path):
    """松垛堡村 until April, 松垛村 since: the clerk's April return with the old name draws no name warning;
    the old name in May still does."""
    from schemas.registry import FormerName, Registry
    from tasks.intake.pool import ingest_batch
    from tasks.intake.take_stock import find_new, prepare
    from tests.helpers import NOW, OTHER, REGISTRY, make_home

    renamed = Registry(township=REGISTRY.township, units=tuple(
        u.model_copy(update={"names": (FormerName(name="松垛堡村", until="2024-04"),)}) if u.code == OTHER else u
        for u in REGISTRY.units))
    home = make_home(tmp_path / "home", registry=renamed)
    for period in ("2024-04", "2024-05"):
        drop(home, name=f"{period}.xlsx", unit=OTHER, period=period, edits={"B2": "松垛堡村"})
    prepare(home)
    outcomes = {o.period: o for o in ingest_batch(home, list(find_new(home, NOW).ready), NOW)}
    names = {p: [f.code for f in o.findings if f.code.startswith("W_UNIT")] for p, o in outcomes.items()}
    assert names == {"2024-04": [], "2024-05": ["W_UNIT_NAME_DIFFERS"]}
    assert {o.status for o in outcomes.values()} <= {"accepted", "accepted_with_warnings"}


def test_a_real_flow_run_makes_the_new_units_folder_and_answers_its_first_return(home, prefect_server):
    """What serve's watcher starts: the `ingest-returns` flow, on a real Prefect server. The unit added
    since the last run gets its folder (the run's log says so) and its first return is taken."""
    from flows.ingest_returns import run_ingest

    registry = home.root / "units.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    summary = run_ingest(home=str(home.root))
    assert summary.received == 0 and (home.unit_inbox("410423105301") / "回执").is_dir()
    drop(open_home(home.root), name="2024-03.xlsx", unit="410423105301", period="2024-03")
    summary = run_ingest(home=str(home.root))
    assert summary.by_unit["410423105301"].get("accepted", 0) + summary.by_unit["410423105301"].get(
        "accepted_with_warnings", 0) == 1
