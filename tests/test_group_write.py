"""A job's write transaction holds up to GROUP_FILES files, written by one statement per table
(tasks/ledger/record.py GroupWrite): a file that duplicates or corrects a file of the same group is
planned only once that file has its id. Runs the job in this process on real files and a real ledger."""
import os
import time

from sqlalchemy import select

import tasks.ledger.record as record
from tasks.intake.job import ingest_files
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.ledger.engine import make_engine
from tasks.ledger.tables import return_values, submissions
from tests.helpers import NOW, VILLAGE, drop


def _filed(path, minutes: int):
    moment = NOW.timestamp() - 86400 * 200 + 60 * minutes  # in order: the original first
    os.utime(path, (moment, moment))
    return path


def test_a_duplicate_and_a_correction_in_the_same_group_as_their_original(home, monkeypatch):
    original = _filed(drop(home, values={"DISPUTE": 7}), 0)
    copy = home.unit_inbox(VILLAGE) / "再次报送.xlsx"
    copy.write_bytes(original.read_bytes())
    _filed(copy, 1)
    _filed(drop(home, name="更正.xlsx", values={"DISPUTE": 9}), 2)
    _filed(drop(home, name="四月.xlsx", period="2024-04", values={"DISPUTE": 3}), 3)
    inserted: list[int] = []
    insert = record.GroupWrite._insert
    monkeypatch.setattr(record.GroupWrite, "_insert", lambda self, new: (inserted.append(len(new)), insert(self, new)))

    reconcile_home(home)
    files = list(find_new(home, NOW).ready)
    assert [d.name for d in files] == ["2024-03月报表.xlsx", "再次报送.xlsx", "更正.xlsx", "四月.xlsx"]
    result = ingest_files(home, files, NOW, time.time())

    assert result.left == []
    # The copy names the original: flushed before the copy was planned; the rest went in together.
    assert inserted == [1, 3]
    engine = make_engine(home.database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(submissions).order_by(submissions.c.id)).all()
        values = conn.execute(select(return_values.c.submission_id, return_values.c.value)
                              .where(return_values.c.indicator == "DISPUTE")).all()
    engine.dispose()
    by_name = {r.original_name: r for r in rows}
    first, again, corrected = by_name["2024-03月报表.xlsx"], by_name["再次报送.xlsx"], by_name["更正.xlsx"]
    assert (first.status, first.version, first.superseded_by) == ("superseded", 1, corrected.id)
    assert (again.status, again.duplicate_of) == ("duplicate", first.id)
    assert (corrected.status, corrected.version) == ("accepted", 2)
    assert by_name["四月.xlsx"].status == "accepted"
    assert sorted(values) == sorted([(first.id, 7), (corrected.id, 9), (by_name["四月.xlsx"].id, 3)])
    assert {o.name: o.corrected for o in result.outcomes}["更正.xlsx"] is True
