"""A wrong month slipping in as a right-looking return (issue 25): a file named for November whose 报告期
still says October, and a correction whose figures differ from the stored month's in most rows — both
stored as 报告期 says, each with a 提示 naming what to check, on real files through a real ingest."""
from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from tasks.intake.period_checks import name_month
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.intake.tally import summarize, tally
from tests.helpers import NOW, drop


def run(home, now=NOW):
    prepare(home)
    return ingest_batch(home, list(find_new(home, now).ready), now)


def test_the_month_a_file_name_states():
    assert [name_month(n) for n in ("下汤村-2026-11月报表（改）.xlsx", "报表2026年3月.xls", "202611.xlsx",
                                    "11月报表.xlsx", "2024-12-20报表.xlsx", "410423105201.xlsx")] == \
        ["2026-11", "2026-03", "2026-11", "11月", None, None]


def test_a_file_named_for_another_month_than_its_period_gets_a_hint_naming_both(home):
    drop(home, name="下汤村-2024-04月报表（改）.xlsx", period="2024-03", values={"DISPUTE": 3})
    drop(home, name="下汤村-2024-05月报表.xlsx", period="2024-05", values={"DISPUTE": 3})
    outcomes = {o.name: o for o in run(home)}
    odd = outcomes["下汤村-2024-04月报表（改）.xlsx"]
    assert odd.status == "accepted_with_warnings" and odd.period == "2024-03"
    [hint] = [f for f in odd.findings if f.code == "W_PERIOD_NAME"]
    assert (hint.level, hint.place) == ("warning", "报表!F2")
    assert "2024-04" in hint.message and "2024-03" in hint.message
    assert not [f for f in outcomes["下汤村-2024-05月报表.xlsx"].findings if f.code == "W_PERIOD_NAME"]


def test_a_correction_differing_in_most_rows_says_so_and_what_changed_most(home):
    march = {"TRAINING": 1, "DISPUTE": 6, "LEAFLET": 300, "LAW_BOOK": 40}
    drop(home, name="march.xlsx", values=march)
    [first] = run(home)
    drop(home, name="march-fixed.xlsx", values={**march, "DISPUTE": 7})  # one row fixed: an ordinary correction
    [fixed] = run(home, NOW + dt.timedelta(hours=1))
    assert fixed.corrected and not [f for f in fixed.findings if f.code == "W_CORRECTION_MOST"]
    drop(home, name="march-again.xlsx", values={"TRAINING": 2, "DISPUTE": 9, "LEAFLET": 1200, "LAW_BOOK": 40})
    [other] = run(home, NOW + dt.timedelta(hours=2))
    assert other.corrected and other.period == "2024-03"
    [note] = [f for f in other.findings if f.code == "W_CORRECTION_MOST"]
    assert "4 项有数字的指标中有 3 项不同" in note.message
    assert "变化最大的是宣传彩页发放（300 → 1200）" in note.message
    ws = load_workbook(home.root / other.receipt)["校验结果"]
    assert ws["B2"].value == "已更正（有提示）"
    assert any(c.value == note.message for row in ws.iter_rows() for c in row)


def test_the_runs_line_counts_corrections_apart(home):
    drop(home, name="march.xlsx", values={"DISPUTE": 3})
    drop(home, name="april.xlsx", period="2024-04", values={"DISPUTE": 3})
    run(home)
    drop(home, name="march-fixed.xlsx", values={"DISPUTE": 4})
    drop(home, name="may.xlsx", period="2024-05", values={"DISPUTE": 3})
    prepare(home)
    found = find_new(home, NOW + dt.timedelta(hours=1))
    outcomes = ingest_batch(home, list(found.ready), NOW + dt.timedelta(hours=1))
    line = summarize([tally(outcomes)], found).line()
    assert line.startswith("收到 2 个文件：已接收 1，已更正 1"), line
    assert summarize([tally(outcomes)], found).by_status == {"accepted": 2}  # the statuses themselves unchanged
