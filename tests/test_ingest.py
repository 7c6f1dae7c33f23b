"""Ingest steps on real files and a real SQLite ledger: accept, reject, duplicate, correction,
receipts in the unit's folder, originals archived under their hash."""
import hashlib
import os

from openpyxl import load_workbook
from sqlalchemy import select

from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.ledger.engine import make_engine
from tasks.ledger.tables import return_values, submissions
from tests.helpers import NOW, OTHER, VILLAGE, drop


def run(home):
    reconcile_home(home)
    return ingest_batch(home, list(find_new(home, NOW).ready), NOW)


def ledger(home):
    engine = make_engine(home.database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(submissions).order_by(submissions.c.id)).all()
        values = conn.execute(select(return_values)).all()
    engine.dispose()
    return rows, values


def test_accepted_file_is_stored_answered_and_archived(home):
    path = drop(home, values={"TRAINING": 2, "DISPUTE": 7})
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    [outcome] = run(home)
    assert outcome.status == "accepted"
    rows, values = ledger(home)
    assert [(r.unit, r.period, r.version, r.status, r.original_name, r.sha256, r.stage) for r in rows] == \
        [(VILLAGE, "2024-03", 1, "accepted", "2024-03月报表.xlsx", sha, "done")]
    assert {(v.indicator, v.value) for v in values if v.value} == {("TRAINING", 2), ("DISPUTE", 7)}
    assert not path.exists()
    archived = home.archive / "2024" / VILLAGE / f"{sha}.xlsx"
    assert archived.read_bytes() and hashlib.sha256(archived.read_bytes()).hexdigest() == sha
    [receipt] = list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))
    assert receipt.name.startswith("2024-03月报表.xlsx.")
    assert load_workbook(receipt)["校验结果"]["B2"].value == "已接收"


def test_rejected_file_stores_no_values_and_says_why(home):
    drop(home, edits={"E8": "约70"})
    [outcome] = run(home)
    assert outcome.status == "rejected"
    rows, values = ledger(home)
    assert [r.status for r in rows] == ["rejected"] and values == []
    [receipt] = list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))
    wb = load_workbook(receipt)
    assert wb["校验结果"]["B2"].value == "已退回"
    cells = [c.value for row in wb["校验结果"].iter_rows() for c in row]
    assert "报表!E8" in cells and "“约70”是约数，请填写准确数字" in cells
    marked = wb["报表"]["E8"]
    assert marked.comment is not None and "请填写准确数字" in marked.comment.text
    assert marked.fill.fgColor.rgb.endswith("FFC7CE")


def test_same_bytes_again_is_a_duplicate(home):
    first = drop(home)
    data, first_mtime = first.read_bytes(), first.stat().st_mtime
    run(home)
    again = home.unit_inbox(VILLAGE) / "再次报送.xlsx"
    again.write_bytes(data)
    os.utime(again, (first_mtime, first_mtime))
    [outcome] = run(home)
    assert outcome.status == "duplicate"
    rows, values = ledger(home)
    assert [r.status for r in rows] == ["accepted", "duplicate"]
    assert rows[1].duplicate_of == rows[0].id
    assert len({v.submission_id for v in values}) == 1  # nothing counted twice
    receipts = sorted(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))
    assert len(receipts) == 2
    statuses = {load_workbook(r)["校验结果"]["B2"].value for r in receipts}
    assert statuses == {"已接收", "重复报送"}


def test_new_content_for_the_same_period_is_a_correction(home):
    drop(home, values={"DISPUTE": 7})
    run(home)
    drop(home, name="更正.xlsx", values={"DISPUTE": 9})
    [outcome] = run(home)
    assert outcome.status == "accepted" and outcome.corrected
    rows, values = ledger(home)
    assert [(r.version, r.status) for r in rows] == [(1, "superseded"), (2, "accepted")]
    assert rows[0].superseded_by == rows[1].id
    current = [v.value for v in values if v.indicator == "DISPUTE" and v.submission_id == rows[1].id]
    assert current == [9]
    labels = {load_workbook(r)["校验结果"]["B2"].value for r in home.receipt_dir(VILLAGE).glob("*.回执.xlsx")}
    assert labels == {"已接收", "已更正"}


def test_one_unit_cannot_report_for_another(home):
    drop(home, unit=VILLAGE, folder=OTHER)
    [outcome] = run(home)
    assert outcome.status == "rejected" and outcome.unit == OTHER
    assert [(f.code, f.place) for f in outcome.findings] == [("E_UNIT_MISMATCH", "报表!D2")]


def test_a_crash_after_the_commit_is_finished_by_the_next_run(home):
    path = drop(home)
    data, mtime = path.read_bytes(), path.stat().st_mtime
    run(home)
    # As if the process died after the transaction: the receipt is gone, the file is back in the inbox.
    for receipt in home.receipt_dir(VILLAGE).glob("*.回执.xlsx"):
        receipt.unlink()
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    engine = make_engine(home.database_url)
    with engine.begin() as conn:
        conn.execute(submissions.update().values(stage="stored"))
    engine.dispose()
    assert run(home) == []  # reconcile finished it; nothing new, nothing duplicated
    rows, _ = ledger(home)
    assert [(r.status, r.stage) for r in rows] == [("accepted", "done")]
    assert not path.exists()
    assert len(list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))) == 1
