"""A throw-away PostgreSQL database per test run on 127.0.0.1:5432 (trust auth, user postgres).

Tests that need one skip, saying why, when the server is unreachable; CI's machine runs it."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def reachable() -> str | None:
    """None when a server answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(ADMIN):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL on 127.0.0.1:5432 unreachable: {exc}".strip()


@contextmanager
def scratch_database(prefix: str = "township_test") -> Iterator[str]:
    """Create a uniquely named database, yield its name, drop it (forcing out leftover sessions)."""
    import psycopg

    reason = reachable()
    if reason:
        pytest.skip(reason)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlalchemy_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def use_database(home_root, url: str) -> None:
    """Point a home's township.toml at `url`."""
    toml = home_root / "township.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('database_url = "sqlite:///township.db"', f'database_url = "{url}"'),
                    encoding="utf-8")
