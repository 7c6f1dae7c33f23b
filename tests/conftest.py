"""Shared fixtures: real homes in tmp_path, real files built by the template code, and one Prefect
test harness (a real temporary server) for the whole session."""
from __future__ import annotations

import os

from flows.prefect_env import configure_prefect

configure_prefect()

import pytest  # noqa: E402

from tests.helpers import make_home  # noqa: E402


@pytest.fixture(scope="session")
def prefect_server():
    """Real flow runs against one temporary Prefect server for the session (Prefect's testing guide)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def home(tmp_path):
    return make_home(tmp_path / "home")


@pytest.fixture(autouse=True)
def _no_township_home_env(monkeypatch):
    monkeypatch.delenv("TOWNSHIP_HOME", raising=False)
    yield
