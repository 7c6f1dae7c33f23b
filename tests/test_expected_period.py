"""Periods as the township sees them now (issue 25): `template` refuses a month more than one ahead (a
typo like 2099-01, a Chinese message and exit 2), and the hints about 报告期 give the month units report now
as their example, not a fixed 2024-03; a year owes returns only for months past their due date."""
from __future__ import annotations

import datetime as dt

import time_machine
from typer.testing import CliRunner

from flows.cli import app
from flows.cli.draft_checks import completeness
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.home import township_today
from tasks.returns.judge import judge
from tasks.returns.periods import month_of, months_ahead
from tasks.returns.validate import Context
from tests import files as f
from tests.helpers import NOW, VILLAGE, drop

runner = CliRunner()


def test_months_counted_from_today():
    today = dt.date(2026, 12, 7)
    assert [month_of(today, n) for n in (-1, 0, 1, 2)] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert [months_ahead(p, today) for p in ("2026-11", "2027-01", "2027-02")] == [-1, 1, 2]


def test_a_template_two_months_ahead_is_refused_one_month_ahead_is_made(home, tmp_path):
    today = township_today(home)
    late, soon = month_of(today, 2), month_of(today, 1)
    refused = runner.invoke(app, ["template", "--home", str(home.root), "--unit", VILLAGE, "--period", late,
                                  "--out", str(tmp_path / "far.xlsx")], terminal_width=200)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert f"报告期 {late} 太远" in refused.output and month_of(today, -1) in refused.output
    assert not (tmp_path / "far.xlsx").exists()
    made = runner.invoke(app, ["template", "--home", str(home.root), "--unit", VILLAGE, "--period", soon,
                               "--out", str(tmp_path / "soon.xlsx")])
    assert made.exit_code == 0 and (tmp_path / "soon.xlsx").exists()


def test_period_hints_show_the_month_due_now(home):
    today = dt.date(2026, 12, 7)
    ctx = Context(VILLAGE, home.registry, home.catalog, today)
    missing = judge(f.edited(home, {"F2": None}), ctx, home.settings.limits)
    future = judge(f.edited(home, {"F2": "2027-03"}), ctx, home.settings.limits)
    [gap] = [x for x in missing.findings if x.code == "E_PERIOD_MISSING"]
    [ahead] = [x for x in future.findings if x.code == "E_PERIOD_FUTURE"]
    assert gap.hint == "请在“报告期”右侧填写，如 2026-11 或 2026年11月"
    assert ahead.hint == "请核对报告期：现在应报送的是 2026-11（2026年11月）"
    assert "2024-03" not in gap.hint + ahead.hint


def test_the_year_owes_only_months_past_their_due_date(home, capsys):
    drop(home, name="march.xlsx", values={"DISPUTE": 3})
    prepare(home)
    ingest_batch(home, list(find_new(home, NOW).ready), NOW)
    with time_machine.travel(NOW):  # 2024-12-20 in Shanghai: November is due (early December), December not
        assert completeness(home, 2024) == 0
    said = capsys.readouterr().err.replace("\n", "")
    assert "2024年应有 33 份月报表（只计已过报送截止日的 11 个月），库中只有 1 份" in said, said
