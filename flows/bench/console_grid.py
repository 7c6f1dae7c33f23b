"""`console_grid_s`: the console's 报送进度 page (`/`) of a county home (400 units × 12 months), as a
logged-in operator's browser asks for it — the whole request through the app (session, ledger query,
states, the template), median of `runs` after one warm-up. Target ≤ 0.3 s (issue 27).

    python -m flows.bench.console_grid [--units 400] [--runs 5]      # prints JSON
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

PASSWORD = "bench-password-1"


def logged_in(root: Path):
    """A TestClient of the console for `root`, logged in as a new operator."""
    from starlette.testclient import TestClient

    from flows.console.app import build_app
    from flows.console.users import add_user

    add_user(root, "bench", "operator", PASSWORD)
    client = TestClient(build_app(root))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]
    answer = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def grid_seconds(root: Path, year: int = 2024, runs: int = 5) -> float:
    client = logged_in(root)
    client.get(f"/?year={year}")  # warm-up: templates compiled, the ledger's engine opened
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        page = client.get(f"/?year={year}")
        times.append(time.perf_counter() - started)
        assert page.status_code == 200 and "按时" in page.text
    return statistics.median(times)


def measure(county_home: Path | None = None, units: int = 400, runs: int = 5) -> dict[str, float]:
    from tasks.samples.county import fill_county_year

    with tempfile.TemporaryDirectory(prefix="township-console-") as tmp:
        root = county_home or Path(tmp) / "county"
        if county_home is None:
            fill_county_year(root, units, 2024)
        return {"console_grid_s": grid_seconds(root, 2024, runs), "console_grid_units": units}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(units=args.units, runs=args.runs), ensure_ascii=False))
