"""Builders for the console's tests: a home whose 2024 ledger holds each state of the grid (real return
files, ingested by the real steps), its users, and a logged-in TestClient."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from starlette.testclient import TestClient

from flows.console.app import build_app
from flows.console.users import add_user
from tests.helpers import OTHER, drop, make_home


def ingest_at(home, now: dt.datetime) -> None:
    """The plain ingest steps (no Prefect) as a run at `now` takes the files dropped so far."""
    from tasks.intake.pool import ingest_batch
    from tasks.intake.take_stock import find_new, reconcile_home

    reconcile_home(home)
    ingest_batch(home, list(find_new(home, now).ready), now)

OFFICE = "410423105001"
PASSWORD = "mima-12345678"
SCRIPT = "<script>alert(1)</script>"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_home(root: Path):
    """2024 in the ledger: 下汤村 March on time, May late; 松垛村 March with a warning (12次); 司法所 March
    rejected (约70) and April rejected for a clerk's `<script>` in a cell; everything else 未报."""
    home = make_home(root)
    every = {i.code: 1 for i in home.catalog.indicators}
    drop(home, values={**every, "TRAINING": 12})
    drop(home, name="松垛村-2024-03.xlsx", unit=OTHER, values=every, edits={"E7": "12次"})
    drop(home, name="司法所-2024-03.xlsx", unit=OFFICE, values=every, edits={"E8": "约70"})
    ingest_at(home, dt.datetime(2024, 4, 2, 2, 0, tzinfo=dt.UTC))      # before March's due date
    drop(home, name="司法所-2024-04.xlsx", unit=OFFICE, period="2024-04", values=every, edits={"E8": SCRIPT})
    ingest_at(home, dt.datetime(2024, 5, 6, 2, 0, tzinfo=dt.UTC))
    drop(home, name="下汤村-2024-05.xlsx", period="2024-05", values=every)
    ingest_at(home, dt.datetime(2024, 7, 20, 2, 0, tzinfo=dt.UTC))     # weeks after May's due date
    add_user(home.root, "operator1", "operator", PASSWORD)
    add_user(home.root, "leader1", "leader", PASSWORD)
    return home


def token(page_text: str) -> str:
    return TOKEN.search(page_text)[1]


def client_for(root: Path, name: str | None = None) -> TestClient:
    """A browser of the console; logged in as `name` when given."""
    client = TestClient(build_app(root))
    if name:
        answer = client.post("/login", data={"username": name, "password": PASSWORD,
                                             "csrf_token": token(client.get("/login").text)}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
    return client


def grid_row(html: str, unit_name: str) -> list[str]:
    """The twelve words of a unit's row in the 报送进度 grid."""
    row = re.search(rf'<th class="unit">{re.escape(unit_name)}</th>(.*?)</tr>', html, re.DOTALL)[1]
    return re.findall(r'<td class="s-[a-z_]+">(?:<a [^>]*>)?([^<]+)', row)[:12]
