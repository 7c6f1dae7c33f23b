"""Arrival, not modification, decides lateness: a return saved in time but dropped late is late; one
seen while still being written arrived when first seen; one clock — the township's — in what a clerk
reads. Real files, the real ledger (SQLite), no Prefect."""
import datetime as dt
import json

from openpyxl import load_workbook
from sqlalchemy import select

from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home, take_stock
from tasks.ledger.engine import make_engine
from tasks.ledger.tables import sightings, submissions
from tests.helpers import VILLAGE, drop

SAVED = dt.datetime(2024, 4, 2, 2, 0, tzinfo=dt.UTC)    # March's return saved well before its due date
DUE_DAY = dt.datetime(2024, 4, 8, 15, 30, tzinfo=dt.UTC)  # 23:30 on 8 April in Asia/Shanghai: still on time
LATE = dt.datetime(2024, 5, 6, 2, 0, tzinfo=dt.UTC)


def run(home, now):
    reconcile_home(home)
    return ingest_batch(home, list(find_new(home, now).ready), now)


def ledger_row(home, name):
    engine = make_engine(home.database_url)
    with engine.connect() as conn:
        row = conn.execute(select(submissions).where(submissions.c.original_name == name)).one()
    engine.dispose()
    return row


def test_a_return_saved_in_time_but_dropped_late_is_late(home):
    drop(home, filed=SAVED)  # Explorer keeps the clerk's mtime when it copies
    [outcome] = run(home, LATE)
    assert outcome.late is True
    row = ledger_row(home, "2024-03月报表.xlsx")
    assert row.arrived_at == LATE.replace(tzinfo=None) and row.submitted_at == SAVED.replace(tzinfo=None)
    rows = {r[0].value: r[1].value for r in load_workbook(home.root / outcome.receipt)["校验结果"].iter_rows(max_col=2)}
    assert rows["截止日期"] == "2024-04-08（本次逾期）"
    from typer.testing import CliRunner

    from flows.cli import app

    [listed] = json.loads(CliRunner().invoke(app, ["status", "--home", str(home.root), "--json"]).output)["submissions"]
    assert (listed["late"], listed["arrived_at"]) == (True, "2024-05-06T02:00:00Z")


def test_a_file_first_seen_while_settling_arrived_then(home):
    toml = home.root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 0", "settle_seconds = 3600"),
                    encoding="utf-8")
    slow = open_home(home.root)
    drop(slow, filed=SAVED)
    seen = take_stock(slow, DUE_DAY)  # still being copied at 23:30 on the due day: noted, not taken
    assert not seen.ready and len(seen.settling) == 1
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 3600", "settle_seconds = 0"),
                    encoding="utf-8")
    [outcome] = run(open_home(home.root), LATE)  # taken a month later
    assert outcome.late is False
    assert ledger_row(home, "2024-03月报表.xlsx").arrived_at == DUE_DAY.replace(tzinfo=None)
    engine = make_engine(home.database_url)
    with engine.connect() as conn:  # forgotten once taken: a later file of the same name is new
        assert conn.execute(select(sightings)).all() == []
    engine.dispose()


def test_duplicate_and_correction_notes_use_the_townships_clock(home):
    evening = dt.datetime(2024, 4, 1, 17, 5, tzinfo=dt.UTC)  # 01:05 on 2 April in Asia/Shanghai
    sent = drop(home, name="a.xlsx", values={"DISPUTE": 3}).read_bytes()
    [first] = run(home, evening)
    again = home.unit_inbox(VILLAGE) / "b.xlsx"  # the same bytes sent again (a file made anew differs
    again.write_bytes(sent)                     # in docProps' creation time once a second has passed)
    [dup] = run(home, evening + dt.timedelta(hours=1))
    drop(home, name="c.xlsx", values={"DISPUTE": 4})
    [fix] = run(home, evening + dt.timedelta(hours=2))
    assert (dup.status, fix.corrected) == ("duplicate", True)
    [dup_note] = [f.message for f in dup.findings if f.code == "I_DUPLICATE"]
    [fix_note] = [f.message for f in fix.findings if f.code == "I_CORRECTION"]
    assert "2024-04-02 01:05" in dup_note and "17:05" not in dup_note
    assert "2024-04-02 01:05" in fix_note
    received = {r[0].value: r[1].value for r in load_workbook(home.root / first.receipt)["校验结果"].iter_rows(max_col=2)}
    assert received["接收时间"].startswith("2024-04-02 01:05")
