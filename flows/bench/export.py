"""`township export` of a county's year (issue 29: 400 units × 12 months in ≤ 2 s), a whole process as an
analyst runs it, the .xlsx default: median wall seconds of `runs`, and the CPU seconds of the median run
(steadier on a shared machine). Each run writes a new file: an export never overwrites.

    python -m flows.bench.export [--county-units 400] [--runs 3]      # prints JSON
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from flows.bench.interactive import township


def measure(work: Path, county_home: Path, runs: int = 3) -> dict[str, float]:
    work.mkdir(parents=True, exist_ok=True)
    out = work / "county.xlsx"
    cmd = [township(), "export", "--home", str(county_home), "--year", "2024", "--out", str(out)]
    timed = []
    for _ in range(runs):
        before = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        timed.append((time.perf_counter() - started, _children_cpu() - before))
        if done.returncode != 0:
            raise RuntimeError(f"township export 退出码 {done.returncode}: {done.stderr[-800:]!r}")
    written = sorted(work.glob("county*.xlsx"))
    assert len(written) == runs, f"{len(written)} files for {runs} exports: one was overwritten or not written"
    _wall, cpu = sorted(timed)[len(timed) // 2]
    return {"export_s": statistics.median(w for w, _c in timed), "export_cpu_s": cpu,
            "export_mb": written[0].stat().st_size / 1e6}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--county-units", type=int, default=400)
    args = parser.parse_args()
    from tasks.samples.county import fill_county_year

    with tempfile.TemporaryDirectory(prefix="township-export-") as tmp:
        county = fill_county_year(Path(tmp) / "county", args.county_units, 2024).root
        result = measure(Path(tmp) / "export", county, args.runs)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
