"""The migration runner: brings a ledger's schema to the current revision through alembic."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from tasks.ledger.engine import make_engine, write_transaction
from tasks.ledger.presence import ensure_present

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@lru_cache(maxsize=1)
def newest_revision() -> str:
    """The newest migration by its file name (`0005_….py` is revision "0005"): read without importing
    alembic (~0.2 s), so opening a ledger already at the current schema costs one SELECT. The names
    follow alembic's chain (tests/test_database.py holds the two to each other)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The ledger's schema revision (None: a new, empty ledger)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration as alembic's script directory says (read once: the scripts are the package's)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` through alembic, so an upgrade keeps a township's data."""
    if revision == "head" and current_revision(engine) == newest_revision():
        return  # the common case, without alembic
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    target = head_revision() if revision == "head" else revision
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            # Workers on several machines may start at once: one migrates, the others wait, then find
            # nothing left to do (SQLite's BEGIN IMMEDIATE does the same for one machine).
            conn.execute(text("SELECT pg_advisory_xact_lock(7201400)"))
        if MigrationContext.configure(conn).get_current_revision() == target:
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@contextmanager
def open_ledger(url: str, archive: Path | None = None) -> Iterator[Engine]:
    """A step's ledger, opened at the step's edge: an engine at the current schema, disposed at its end.
    archive: the home's archive, so a lost ledger is said (LedgerMissing), never made anew in silence."""
    if archive is not None:
        ensure_present(url, archive)
    engine = make_engine(url)
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def read_ledger(url: str, archive: Path | None = None) -> Iterator[Engine]:
    """The ledger for a command that only looks (`township status`): opened without migrating it and
    refused writes (SQLite `query_only`; PostgreSQL read-only transactions), so a look never takes the
    write lock an ingest waits for, nor changes a ledger a newer or older program wrote. A ledger behind
    the current schema is brought to it first (an upgrade with no run since): its queries need it."""
    if archive is not None:
        ensure_present(url, archive)
    engine = make_engine(url, read_only=True)
    try:
        if current_revision(engine) != newest_revision():
            engine.dispose()
            with open_ledger(url, archive):
                pass
            engine = make_engine(url, read_only=True)
        yield engine
    finally:
        engine.dispose()
