"""One return's walk through the real code: the project modules whose functions run while a return is
ingested by the `ingest-returns` flow and the year's draft rendered by `annual-report`, reading children
included. README.md's walk names the main stops; tests/test_readme.py checks each against this trace.

    python -m tests.walk_trace [DIR]   # prints the modules in the order they are first entered

It needs a Prefect API (PREFECT_API_URL; the tests give it their session's server).
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOOK = Path(__file__).resolve().parent / "walk_hook"


def trace(work: Path, env: dict[str, str] | None = None) -> list[tuple[int, int, str, str]]:
    """(time, pid, module, function) of each function's first call per process, in time order."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / "trace.tsv"
    out.unlink(missing_ok=True)
    env = {**(env or os.environ), "WALK_TRACE": str(out),
           "PYTHONPATH": os.pathsep.join([str(HOOK), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "tests.walk_trace", "--walk", str(work / "home")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    return sorted((int(t), int(pid), module, name) for t, pid, module, name in rows)


def modules_in_order(rows: list[tuple[int, int, str, str]]) -> list[str]:
    """Each module once, where it was first entered."""
    seen: dict[str, None] = {}
    for _, _, module, _ in rows:
        seen.setdefault(module, None)
    return list(seen)


def walk(root: Path) -> None:
    """In the traced process: one return of 下汤村 (调处矛盾纠纷 7) through ingest, then the 2024 draft."""
    import sitecustomize  # tests/walk_hook's, loaded at start-up

    from flows.annual_report import run_annual_report
    from flows.ingest_returns import run_ingest
    from tests.helpers import drop, make_home

    home = make_home(root)
    drop(home, values={"TRAINING": 1, "DISPUTE": 7})
    sitecustomize.start()
    summary = run_ingest(home=str(home.root))
    assert summary.by_status == {"accepted": 1}, summary.line()
    print(run_annual_report(home=str(home.root), year=2024, on=dt.date(2024, 12, 20)))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--walk"]:
        walk(Path(argv[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for module in modules_in_order(trace(Path(argv[0]) if argv else Path(tmp))):
            print(module)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
