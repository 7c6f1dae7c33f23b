"""Where a command takes a default date, it is the township's date (its schedules' time zone), not the
machine's: at 20:00 UTC on 31 March it is already 1 April in Asia/Shanghai. The clock is moved with
time-machine; the machine's own zone is UTC for the test."""
import datetime as dt
import time

import pytest
import time_machine
from typer.testing import CliRunner

from flows.cli import app
from tests.helpers import drop

runner = CliRunner()
APRIL_FIRST_IN_SHANGHAI = dt.datetime(2024, 3, 31, 20, 0, tzinfo=dt.UTC)
NEW_YEAR_IN_SHANGHAI = dt.datetime(2024, 12, 31, 20, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def machine_in_utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_check_judges_the_period_by_the_townships_date(home):
    april = drop(home, name="四月.xlsx", period="2024-04")
    with time_machine.travel(APRIL_FIRST_IN_SHANGHAI, tick=False):
        assert dt.date.today() == dt.date(2024, 3, 31)  # the machine's date: April would be the future
        result = runner.invoke(app, ["check", str(april), "--home", str(home.root), "--json"])
    assert result.exit_code == 0, result.output
    assert "E_PERIOD_FUTURE" not in result.output


def test_summary_defaults_to_the_townships_last_month(home, prefect_server):
    with time_machine.travel(APRIL_FIRST_IN_SHANGHAI):
        result = runner.invoke(app, ["summary", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].endswith("2024年3月报表汇总-20240401.xlsx")


def test_report_defaults_to_the_townships_year(home, prefect_server):
    with time_machine.travel(NEW_YEAR_IN_SHANGHAI):
        result = runner.invoke(app, ["report", "--home", str(home.root)])
    # The draft of 2025 is made, and the command exits 1 saying the year holds no return yet (issue 11).
    assert result.exit_code == 1 and "2025年截至今天还没有到期的月报表" in result.output, result.output
    assert "/2025年" in result.stdout.strip().splitlines()[-1]
