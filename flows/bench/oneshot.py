"""One-shot `township ingest` of 1 new file, as a clerk's office meets it (issue 7): cold (a fresh
PREFECT_HOME), warm (Prefect's local mode starts a temporary server on every call), and with
`township serve` running (the one-shot uses serve's server). Each call is a new process, timed whole.

    python -m flows.bench.oneshot [--repeat 3]      # prints JSON: cold_s, warm_s, served_s (medians)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from flows.bench.harness import fresh_home
from tasks.home import open_home
from tasks.samples.bench_data import bench_registry, generate

PORT = 4391  # serve's Prefect server for this measurement, away from the default 4200


def township() -> str:
    return str(Path(sys.executable).with_name("township"))


def ingest_one(home: Path, source: list[Path], env: dict[str, str]) -> float:
    """Drop one new (settled) file and time a whole `township ingest` process."""
    path = source.pop(0)
    dest = home / "inbox" / path.parent.name / path.name
    shutil.copy(path, dest)
    settled = time.time() - 120
    os.utime(dest, (settled, settled))
    started = time.perf_counter()
    done = subprocess.run([township(), "ingest", "--home", str(home)], env=env, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or dest.exists():
        raise RuntimeError(f"ingest did not take {dest.name}: {done.stderr[-1000:]}")
    return elapsed


def server_up(timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/health", timeout=1)
            return True
        except OSError:
            time.sleep(0.5)
    return False


def measure(repeat: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="township-oneshot-") as tmp:
        work = Path(tmp)
        registry = bench_registry(12 * 4)
        catalog = open_home(fresh_home(work / "catalog", registry, None)).catalog
        source = generate(work / "source", registry, catalog, 2 + 2 * repeat)
        home = fresh_home(work / "home", registry, None)
        env = dict(os.environ, PREFECT_HOME=str(work / "prefect-home"))
        cold = ingest_one(home, source, env)
        warm = [ingest_one(home, source, env) for _ in range(repeat)]
        serve = subprocess.Popen([township(), "serve", "--home", str(home), "--port", str(PORT)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            if not server_up():
                raise RuntimeError("township serve did not start")
            time.sleep(3)  # its deployments registered, its first (empty) arrival run over
            served = [ingest_one(home, source, env) for _ in range(repeat)]
        finally:
            os.killpg(serve.pid, signal.SIGINT)
            serve.wait(60)
    return {"cold_s": round(cold, 2), "warm_s": round(statistics.median(warm), 2),
            "served_s": round(statistics.median(served), 2), "warm_runs": [round(w, 2) for w in warm],
            "served_runs": [round(s, 2) for s in served]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    print(json.dumps(measure(parser.parse_args().repeat)))


if __name__ == "__main__":
    main()
