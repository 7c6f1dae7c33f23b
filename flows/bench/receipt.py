"""How long a clerk waits for a receipt under `township serve` (issue 12): a real serve process (its own
port, its own PREFECT_HOME, the default settle time of 30 s), a good return written into a unit's folder,
timed from the moment the file is closed to the moment its receipt exists in the unit's folder.

    python -m flows.bench.receipt [--drops 5] [--compare]   # JSON: receipt_s (median), receipt_runs;
                                                            # --compare: the same through the deployment
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tasks.home import init_home
from tasks.samples.bench_data import bench_registry, generate

WAIT_S = 180.0  # a drop not answered by then is a failure, not a figure


def measure_receipt(work: Path, drops: int = 5, via: str = "in-process") -> dict:
    """Median seconds from a file's close to its receipt over `drops` drops, one after another.
    via "deployment": serve's watcher starts the deployment instead (the runner's poll, a new process)."""
    work.mkdir(parents=True, exist_ok=True)
    registry = bench_registry(12)
    home = init_home(work / "home", registry)   # settle_seconds left at its default
    files = generate(work / "source", registry, home.catalog, drops)
    env = dict(os.environ, PREFECT_HOME=str(work / "prefect-home"))
    env.pop("PREFECT_API_URL", None)
    if via == "deployment":
        env["TOWNSHIP_WATCH_RUNS"] = "deployment"
    log, port = work / "serve.log", _free_port()
    with open(log, "wb") as out:
        serve = subprocess.Popen([str(Path(sys.executable).with_name("township")), "serve", "--home",
                                  str(home.root), "--port", str(port)], env=env, stdout=out,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _until(lambda: "Prefect 界面" in log.read_text(errors="replace") or serve.poll() is not None, WAIT_S)
        if serve.poll() is not None:
            raise RuntimeError(f"township serve did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(5)   # its deployments registered, the runner settled: a clerk's save meets serve idle
        times = [_drop(home, path) for path in files]
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(10)
    key = "receipt_s" if via == "in-process" else "receipt_deployment_s"
    return {key: round(statistics.median(times), 3), key.replace("_s", "_runs"): [round(t, 3) for t in times]}


def _drop(home, source: Path) -> float:
    """Write a return as a clerk's save does (write, close) and wait for its receipt."""
    unit = source.parent.name
    receipts = home.receipt_dir(unit)
    before = set(receipts.glob("*.回执.xlsx")) if receipts.exists() else set()
    data = source.read_bytes()
    home.unit_inbox(unit).mkdir(parents=True, exist_ok=True)
    with open(home.unit_inbox(unit) / source.name, "wb") as f:
        f.write(data)
    closed = time.perf_counter()
    _until(lambda: receipts.exists() and set(receipts.glob("*.回执.xlsx")) - before, WAIT_S, step=0.02)
    elapsed = time.perf_counter() - closed
    time.sleep(1.0)   # the run's end (archive, artifacts) is over before the next drop
    return elapsed


def _until(predicate, timeout: float, step: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no answer within {timeout:.0f} s")
        time.sleep(step)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="also through the deployment (run_deployment)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="township-receipt-") as tmp:
        out = measure_receipt(Path(tmp) / "in-process", args.drops)
        if args.compare:
            out.update(measure_receipt(Path(tmp) / "deployment", args.drops, via="deployment"))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
