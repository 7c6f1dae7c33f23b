"""Receipts without rows (issue 22, item 6): township.db-wal deleted while the reading children run. Their
connections went on committing into the unlinked file, the jobs wrote 已接收 receipts and emptied the
inbox, and the rows vanished when the children ended (348 of 900). Now a job reads its rows back through
a fresh connection before its first receipt, and reconcile stores the archived copy of any file whose
receipt went out before its row was lost. Real files, a real ledger, a real child process that ends as a
reading child does (os._exit: no connection closed, nothing checkpointed)."""
from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import sqlite3
import time
import zipfile
from pathlib import Path

from sqlalchemy import delete, select

from tasks.home import open_home
from tasks.intake import job
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.ledger.engine import flush_ledger, make_engine
from tasks.ledger.tables import findings, return_values, submissions
from tests.faults import ledger_rows, waiting_in_inbox
from tests.helpers import NOW, OTHER, VILLAGE, drop, make_home


def _reading_child(root: str, out: str) -> None:
    """Two jobs, as a kept reading child runs them, while the other reading child holds the ledger open:
    the village's files answered; then the -wal deleted in the middle of the other unit's job (its rows
    written, before its flush: `job.flush_ledger`, the fault point tests/test_unit_folders.py uses)."""
    home = open_home(Path(root))
    wal = home.root / "township.db-wal"
    other_child = sqlite3.connect(home.root / "township.db")
    other_child.execute("SELECT count(*) FROM submissions").fetchone()
    ready = list(find_new(home, NOW, wall=time.time() + 120).ready)
    first = job.ingest_files(home, [d for d in ready if d.unit == VILLAGE], NOW, time.time() + 120)

    def deleting_then_flush(engine) -> None:
        os.unlink(wal)
        flush_ledger(engine)

    job.flush_ledger = deleting_then_flush
    second = job.ingest_files(home, [d for d in ready if d.unit == OTHER], NOW, time.time() + 120)
    Path(out).write_text(json.dumps({"answered": len(first.outcomes) + len(second.outcomes),
                                     "left": len(second.left)}), encoding="utf-8")


def _receipt_says(path: Path) -> tuple[str, str]:
    """(处理结果, 报送文件) of a receipt, as the clerk reads them."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    import re
    from html import unescape
    texts = [unescape(t) for t in re.findall(r"<t[^>]*>([^<]*)</t>", sheet)]
    return texts[texts.index("处理结果") + 1], texts[texts.index("报送文件") + 1]


def _files(home) -> dict[str, list[str]]:
    names = {}
    for unit, month in [(u, m) for u in (VILLAGE, OTHER) for m in (1, 2, 3)]:
        name = f"2024-0{month}.xlsx"
        drop(home, name, unit=unit, period=f"2024-0{month}", values={"DISPUTE": month, "TRAINING": 1})
        names.setdefault(unit, []).append(name)
    return names


def test_the_wal_deleted_mid_job_then_a_reconcile_leaves_every_file_a_row_and_a_true_receipt(home, tmp_path):
    names = _files(home)
    reconcile_home(home)
    out = tmp_path / "child.json"
    child = multiprocessing.get_context("forkserver").Process(target=_reading_child, args=(str(home.root), str(out)))
    child.start()
    child.join(120)
    assert child.exitcode == 0
    # The job whose -wal vanished answered nothing: its files wait in the inbox, no receipt says 已接收.
    assert json.loads(out.read_text(encoding="utf-8")) == {"answered": 3, "left": 3}
    assert [p.name for p in waiting_in_inbox(home)] == names[OTHER]
    assert not list(home.receipt_dir(OTHER).glob("*.回执.xlsx"))
    # The village's receipts went out before the -wal was deleted: their rows went with it.
    assert ledger_rows(home) == [] and len(list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))) == 3

    reconcile_home(home)  # reconcile: the village's archived copies stored under the receipts the clerk holds
    ready = list(find_new(home, NOW, wall=time.time() + 120).ready)
    assert [d.name for d in ready] == names[OTHER]
    assert len(job.ingest_files(home, ready, NOW, time.time() + 120).outcomes) == 3

    rows = ledger_rows(home)
    assert sorted((r.unit, r.original_name, r.status, r.stage) for r in rows) == sorted(
        (unit, name, "accepted", "done") for unit, files in names.items() for name in files)
    assert waiting_in_inbox(home) == []
    for unit in (VILLAGE, OTHER):  # every receipt is a row's, and says what the row says
        receipts = sorted(home.receipt_dir(unit).glob("*.回执.xlsx"))
        assert sorted(str(p.relative_to(home.root)) for p in receipts) == sorted(r.receipt_path for r in rows
                                                                                 if r.unit == unit)
        assert sorted(_receipt_says(p) for p in receipts) == [("已接收", n) for n in names[unit]]
    engine = make_engine(home.database_url)
    with engine.connect() as conn:
        stored = conn.execute(select(submissions.c.unit, return_values.c.period, return_values.c.value)
                              .join(submissions, submissions.c.id == return_values.c.submission_id)
                              .where(return_values.c.indicator == "DISPUTE")).all()
        restored = conn.execute(select(findings.c.submission_id).where(findings.c.code == "I_RESTORED")).all()
    engine.dispose()
    assert sorted(stored) == sorted((u, f"2024-0{m}", m) for u in (VILLAGE, OTHER) for m in (1, 2, 3))
    assert len(restored) == 3  # the village's, noted on their rows and receipts


def _lose(home, name: str) -> None:
    """The ledger loses one answered row (as a vanished -wal loses its last commits)."""
    engine = make_engine(home.database_url)
    with engine.begin() as conn:
        sid = conn.execute(select(submissions.c.id).where(submissions.c.original_name == name)).scalar_one()
        conn.execute(delete(findings).where(findings.c.submission_id == sid))
        conn.execute(delete(return_values).where(return_values.c.submission_id == sid))
        conn.execute(delete(submissions).where(submissions.c.id == sid))
    engine.dispose()


def _home_on(tmp_path, database_url: str):
    """A home whose ledger is `database_url` (SQLite or a scratch PostgreSQL database: conftest)."""
    root = make_home(tmp_path / "home").root
    toml = root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('database_url = "sqlite:///township.db"',
                                                             f'database_url = "{database_url}"'), encoding="utf-8")
    return open_home(root)


def _ingest(home) -> None:
    reconcile_home(home)
    job.ingest_files(home, list(find_new(home, NOW, wall=time.time() + 120).ready), NOW, time.time() + 120)


def test_a_lost_row_whose_archived_copy_is_gone_gets_a_receipt_that_says_so(tmp_path, database_url):
    home = _home_on(tmp_path, database_url)
    drop(home, "三月.xlsx")
    _ingest(home)
    [row] = ledger_rows(home)
    _lose(home, "三月.xlsx")
    (home.root / row.archive_path).unlink()
    reconcile_home(home)
    assert ledger_rows(home) == []
    [receipt] = home.receipt_dir(VILLAGE).glob("*.回执.xlsx")
    assert _receipt_says(receipt) == ("已退回", "三月.xlsx") and str(receipt.relative_to(home.root)) == row.receipt_path
    reconcile_home(home)  # said once: the receipt no longer names a file to store
    assert _receipt_says(receipt) == ("已退回", "三月.xlsx")


def test_a_lost_version_older_than_the_one_stored_since_never_supersedes_it(tmp_path, database_url):
    """Lost v1, then the clerk's correction stored as v1 meanwhile: v1 comes back superseded by it."""
    home = _home_on(tmp_path, database_url)
    first = drop(home, "三月.xlsx", values={"DISPUTE": 7})
    os.utime(first, (NOW.timestamp() - 86400 * 200,) * 2)
    _ingest(home)
    _lose(home, "三月.xlsx")
    drop(home, "三月更正.xlsx", values={"DISPUTE": 9})
    later = NOW + dt.timedelta(hours=1)
    job.ingest_files(home, list(find_new(home, later, wall=time.time() + 120).ready), later, time.time() + 120)
    reconcile_home(home)
    rows = {r.original_name: r for r in ledger_rows(home)}
    assert (rows["三月.xlsx"].status, rows["三月.xlsx"].superseded_by) == ("superseded", rows["三月更正.xlsx"].id)
    assert (rows["三月更正.xlsx"].status, rows["三月更正.xlsx"].version) == ("accepted", 1)
