"""What the operator is told after an ingest run, in its output line and in the run's artifact: the
holiday calendar's notice once (DESIGN §4: a year chinese-calendar does not know), and every file left
in a folder that is no registered unit, with what to do about it. A real flow run, read back from Prefect."""
import datetime as dt

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.ingest_returns import run_ingest
from tasks.intake.pool import ingest_and_tally
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.intake.tally import summarize
from tests.helpers import drop

IN_2027 = dt.datetime(2027, 5, 20, 2, 0, tzinfo=dt.UTC)  # chinese-calendar 1.11 knows 2004–2026
SAVED = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)     # an mtime in the past, whatever the clerk's clock


def unknown_year_and_a_stray(home):
    drop(home, name="三月.xlsx", period="2027-03", filed=SAVED)
    drop(home, name="四月.xlsx", period="2027-04", filed=SAVED)
    stray = home.inbox / "999999" / "走错文件夹.xlsx"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not read")
    return stray


def test_the_calendar_notice_is_said_once_per_run(home):
    unknown_year_and_a_stray(home)
    reconcile_home(home)
    found = find_new(home, IN_2027)
    line = summarize([ingest_and_tally(home, [d], IN_2027) for d in found.ready], found).line()
    assert line.count("节假日日历尚未收录 2027 年") == 1 and "[calendar]" in line
    assert "1 个不在已登记单位文件夹中，未处理" in line


def test_a_declared_year_needs_no_notice(home):
    toml = home.root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("holidays = []", "holidays = [2027-04-05]"),
                    encoding="utf-8")
    from tasks.home import open_home

    declared = open_home(home.root)
    drop(declared, name="三月.xlsx", period="2027-03", filed=SAVED)
    reconcile_home(declared)
    found = find_new(declared, IN_2027)
    assert "节假日" not in summarize([ingest_and_tally(declared, list(found.ready), IN_2027)], found).line()


def test_the_run_artifact_names_the_notice_and_the_stray_file(home, prefect_server):
    stray = unknown_year_and_a_stray(home)
    summary = run_ingest(home=str(home.root), as_of=IN_2027)
    assert summary.received == 2 and stray.exists()
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["ingest-summary-text"])), limit=1, sort="CREATED_DESC")
    text = artifact.data
    assert text.count("节假日日历尚未收录 2027 年") == 1
    assert "inbox/999999/走错文件夹.xlsx" in text and "units.yaml 登记该单位" in text


def test_the_summary_tells_the_operator_not_the_units(home, prefect_server):
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["summary", "--home", str(home.root), "--period", "2026-12"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("节假日日历尚未收录 2027 年") == 1  # December's return is due in January
    notice = next(home.outbox.glob("*催报通知*.txt")).read_text(encoding="utf-8")
    assert "节假日" not in notice  # the notice pasted to the units' group is not the operator's
    quiet = CliRunner().invoke(app, ["summary", "--home", str(home.root), "--period", "2024-03"])
    assert quiet.exit_code == 0 and "节假日" not in quiet.output
