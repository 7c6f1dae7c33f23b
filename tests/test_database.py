"""The ledger on both databases: SQLite (default) and PostgreSQL for real (a database created and
dropped per test). Schema changes go through alembic: an upgrade from the first schema keeps the data."""
from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from sqlalchemy import func, insert, inspect, select

from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.ledger.engine import make_engine
from tasks.ledger.migrate import head_revision, migrate
from tasks.ledger.tables import findings, return_values, submissions
from tasks.summaries.status import status_report
from tests.helpers import NOW, OTHER, VILLAGE, drop
from tests.pg import scratch_database, sqlalchemy_url, use_database


@pytest.fixture
def pg_home(home):
    with scratch_database() as name:
        use_database(home.root, sqlalchemy_url(name))
        yield open_home(home.root)


def _row_at_0001() -> dict:
    t = dt.datetime(2024, 4, 2, 2, 0)
    return dict(unit=VILLAGE, declared_unit=VILLAGE, period="2024-03", version=1, sha256="a" * 64,
                original_name="三月.xlsx", size=100, format="xlsx", received_at=t, submitted_at=t,
                status="accepted", late=False, due_date=dt.date(2024, 4, 8), archive_path="archive/x.xlsx",
                receipt_path="inbox/x.回执.xlsx", stage="stored")


def test_upgrade_from_the_first_schema_keeps_the_data(database_url):
    engine = make_engine(database_url)
    migrate(engine, "0001")
    assert "ix_submissions_unfinished" not in {i["name"] for i in inspect(engine).get_indexes("submissions")}
    with engine.begin() as conn:
        sid = conn.execute(insert(submissions).values(**_row_at_0001()).returning(submissions.c.id)).scalar_one()
        conn.execute(insert(findings).values(submission_id=sid, seq=0, code="W_X", level="warning",
                                             place="报表!E9", message="请核实", hint="", value="7"))
        conn.execute(insert(return_values).values(submission_id=sid, unit=VILLAGE, period="2024-03",
                                                  indicator="TRAINING", value=7, raw="7", place="报表!E9", note=""))
    migrate(engine)
    migrate(engine)  # at head already: nothing to do
    with engine.connect() as conn:
        row = conn.execute(select(submissions)).one()
        assert (row.id, row.original_name, row.status, row.stage) == (sid, "三月.xlsx", "accepted", "stored")
        assert row.arrived_at == row.submitted_at  # 0003: what was known then, the earlier of mtime and taking
        assert conn.execute(select(findings.c.message)).scalar_one() == "请核实"
        assert conn.execute(select(return_values.c.value)).scalar_one() == 7
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == head_revision()
    assert "ix_submissions_unfinished" in {i["name"] for i in inspect(engine).get_indexes("submissions")}
    assert "report_versions" in inspect(engine).get_table_names()   # migration 0004: the report's versions
    engine.dispose()


def test_workers_starting_together_migrate_once(database_url):
    errors: list[BaseException] = []

    def worker() -> None:
        engine = make_engine(database_url)
        try:
            migrate(engine)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def _run(home):
    reconcile_home(home)
    return ingest_batch(home, list(find_new(home, NOW).ready), NOW)


def test_postgresql_ledger_accepts_rejects_corrects_and_ignores_duplicates(pg_home):
    home = pg_home
    same = drop(home, values={"TRAINING": 2}).read_bytes()
    drop(home, name="bad.xlsx", unit=OTHER, edits={"E8": "-2"})
    first = {o.name: o.status for o in _run(home)}
    assert first == {"2024-03月报表.xlsx": "accepted", "bad.xlsx": "rejected"}
    again = drop(home, name="again.xlsx")
    again.write_bytes(same)                                         # byte-identical content: a duplicate
    os.utime(again, (NOW.timestamp() - 3600,) * 2)
    drop(home, name="fixed.xlsx", values={"TRAINING": 3})          # same unit and period: a correction
    second = {o.name: (o.status, o.corrected) for o in _run(home)}
    assert second["fixed.xlsx"] == ("accepted", True)
    assert _run(home) == []                                         # re-running changes nothing
    engine = make_engine(home.database_url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(submissions.c.original_name, submissions.c.status)).all())
        assert conn.execute(select(func.count()).select_from(submissions)).scalar_one() == 4
    report = status_report(home, engine, ["2024-03"])
    engine.dispose()
    assert statuses == {"2024-03月报表.xlsx": "superseded", "bad.xlsx": "rejected", "again.xlsx": "duplicate",
                        "fixed.xlsx": "accepted"}
    assert [u["code"] for u in report.missing[0]["units"]] == ["410423105001", OTHER]


def test_group_commit_engine_waits_for_the_disk_only_at_flush(tmp_path):
    """The reading children commit each file without an fsync (synchronous=NORMAL) and flush the WAL once
    per job; every other writer keeps synchronous=FULL. A flushed commit is read back by a new engine."""
    from sqlalchemy import text

    from tasks.ledger.engine import flush_ledger, write_transaction

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    migrate(make_engine(url))
    grouped, each = make_engine(url, sync_each_commit=False), make_engine(url)
    with grouped.connect() as a, each.connect() as b:
        assert a.exec_driver_sql("PRAGMA synchronous").scalar() == 1   # NORMAL
        assert b.exec_driver_sql("PRAGMA synchronous").scalar() == 2   # FULL
    with write_transaction(grouped) as conn:
        conn.execute(insert(submissions).values(**_row_at_0001()))
    assert (tmp_path / "ledger.db-wal").stat().st_size > 0
    flush_ledger(grouped)
    with make_engine(url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submissions")).scalar() == 1


def test_kept_engine_follows_a_database_made_again_at_the_same_path(tmp_path):
    """A kept worker's engine is reused for the same file, and never writes into a removed one."""
    from sqlalchemy import text

    from tasks.ledger.engine import KeptEngines, write_transaction

    path = tmp_path / "ledger.db"
    url = f"sqlite:///{path}"
    kept = KeptEngines(size=2)
    migrate(make_engine(url))
    first = kept.get(url)
    assert kept.get(url) is first
    with write_transaction(first) as conn:
        conn.execute(insert(submissions).values(**_row_at_0001()))
    for leftover in tmp_path.glob("ledger.db*"):
        leftover.unlink()
    migrate(make_engine(url))
    again = kept.get(url)
    assert again is not first
    with write_transaction(again) as conn:
        conn.execute(insert(submissions).values(**_row_at_0001()))
    with make_engine(url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submissions")).scalar() == 1


def test_the_newest_migration_by_name_is_alembics_head():
    """Opening a ledger at the current schema reads no alembic: its head is taken from the file names."""
    from tasks.ledger.migrate import newest_revision

    assert newest_revision() == head_revision()


def test_a_look_at_the_ledger_never_writes_nor_migrates(database_url, tmp_path):
    """`township status` (read_ledger): every write refused by the database itself, and a ledger at the
    current schema is not migrated — its alembic_version row is as the last run left it."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from tasks.ledger.migrate import current_revision, newest_revision, open_ledger, read_ledger

    with open_ledger(database_url):
        pass
    with read_ledger(database_url) as engine:
        assert current_revision(engine) == newest_revision()
        with pytest.raises(DBAPIError, match="(?i)read-only|readonly"):
            with engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = 'x'"))
        assert current_revision(engine) == newest_revision()
