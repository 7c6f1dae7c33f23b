"""The commands people wait on (issue 12), each a whole process as a new user runs it, without
`township serve` (no Prefect server: the plain run): `check_s` beside `bare_read_s` (a bare python +
calamine read of the same file), `status_s` on a county-sized home, `report_cli_s` on the demo home,
`idle_ingest_s` (an ingest with nothing to do). Medians of `runs`.

    python -m flows.bench.interactive [--runs 5]      # prints JSON
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_READ = ("import python_calamine as pc, sys; "
             "pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()")


def township() -> str:
    return str(Path(sys.executable).with_name("township"))


def wall(cmd: list[str], runs: int, ok: tuple[int, ...] = (0,)) -> float:
    """Median wall seconds of `cmd` as a whole process (its output thrown away, as a pipe would take it)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ))
        times.append(time.perf_counter() - started)
        if done.returncode not in ok:
            raise RuntimeError(f"{' '.join(cmd[:2])} 退出码 {done.returncode}: {done.stderr[-800:]!r}")
    return statistics.median(times)


def measure(work: Path, county_home: Path | None = None, runs: int = 5) -> dict[str, float]:
    from tasks.home import open_home
    from tasks.returns.blank import ReturnContent, write_return
    from tasks.samples.demo import make_demo

    demo, _ = make_demo(work / "demo")
    subprocess.run([township(), "ingest", "--home", str(demo.root)], check=True, capture_output=True)
    unit = demo.registry.units[0]
    # a filled return, as a clerk checks one (a blank one is refused: E_ALL_EMPTY)
    typed = {i.code: n + 1 for n, i in enumerate(demo.catalog.indicators)}
    sample = write_return(work / "check.xlsx", demo.catalog,
                          ReturnContent(demo.registry.township.name, unit, "2024-03", values=typed))
    check = [township(), "check", str(sample), "--unit", unit.code, "--home", str(demo.root)]
    out = {"check_s": wall(check, runs), "bare_read_s": wall([sys.executable, "-c", BARE_READ, str(sample)], runs),
           "report_cli_s": wall([township(), "report", "--home", str(demo.root), "--year", "2024",
                                 "--out", str(work / "draft.docx")], runs),
           "idle_ingest_s": wall([township(), "ingest", "--home", str(demo.root)], runs)}
    if county_home is not None:
        home = open_home(county_home)
        out["status_s"] = wall([township(), "status", "--home", str(home.root)], runs)
        out["status_units"] = len(home.registry.units)
    out["check_over_bare"] = out["check_s"] / out["bare_read_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--county-units", type=int, default=400)
    args = parser.parse_args()
    from tasks.samples.county import fill_county_year

    with tempfile.TemporaryDirectory(prefix="township-interactive-") as tmp:
        county = fill_county_year(Path(tmp) / "county", args.county_units, 2024).root
        result = measure(Path(tmp), county, args.runs)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
