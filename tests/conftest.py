"""Shared fixtures: real homes in tmp_path, real files built by the template code, and one Prefect
test harness (a real temporary server) for the whole session."""
from __future__ import annotations

from flows.prefect_env import configure_prefect

configure_prefect()

import pytest  # noqa: E402

from tests.helpers import demo_copy, make_home  # noqa: E402


@pytest.fixture(scope="session")
def prefect_server():
    """Real flow runs against one temporary Prefect server for the session (Prefect's testing guide)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session", autouse=True)
def _contract_snapshots(tmp_path_factory):
    """Snapshots of validated contracts (schemas/snapshots.py), the township commands' this suite runs
    included, in the session's own folder rather than the user's cache."""
    import os

    os.environ["TOWNSHIP_CACHE"] = str(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture
def home(tmp_path):
    return make_home(tmp_path / "home")


@pytest.fixture(autouse=True)
def _no_township_home_env(monkeypatch):
    monkeypatch.delenv("TOWNSHIP_HOME", raising=False)
    yield


@pytest.fixture(scope="session")
def demo_year(tmp_path_factory):
    """The demo's year of returns (the reference report's totals) as `make demo` drops them, built once
    for the session. Never ingested itself: `demo_copy` gives each user a copy of its own."""
    from tasks.samples.demo import make_demo

    home, dropped = make_demo(tmp_path_factory.mktemp("demo-year") / "home", 2024)
    return home.root, dropped


@pytest.fixture(scope="session")
def demo_ledger(demo_year, tmp_path_factory):
    """The demo year ingested by the plain steps — no Prefect — once for the session. Tests render from
    it; they must not ingest into it."""
    import datetime as dt

    from tasks.intake.pool import ingest_batch
    from tasks.intake.take_stock import find_new, reconcile_home

    home, _ = demo_copy(demo_year, tmp_path_factory.mktemp("ledger") / "home")
    now = dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)
    reconcile_home(home)
    ingest_batch(home, list(find_new(home, now).ready), now)
    return home


@pytest.fixture(scope="session")
def demo_draft(demo_ledger, tmp_path_factory):
    """The annual draft of the demo year, rendered once (no Prefect): tests read it back."""
    import datetime as dt

    from tasks.drafts.annual import annual_draft

    return annual_draft(demo_ledger, 2024, tmp_path_factory.mktemp("draft") / "draft.docx",
                        dt.date(2024, 12, 20))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A ledger URL on each database the project supports: SQLite in tmp_path, and a scratch PostgreSQL
    database created and dropped around the test (skipped, with the reason, where none is reachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    from tests.pg import scratch_database, sqlalchemy_url

    with scratch_database() as name:
        yield sqlalchemy_url(name)
