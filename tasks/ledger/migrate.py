"""The migration runner: brings a ledger's schema to the current revision through alembic."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from tasks.ledger.engine import make_engine, write_transaction
from tasks.ledger.presence import ensure_present

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration: what every ledger is brought to (read once: the scripts are the package's)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` through alembic, so an upgrade keeps a township's data."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    target = head_revision() if revision == "head" else revision
    if current == target:
        return
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
