"""`township export` of a county's year (issue 29: 400 units × 12 months in ≤ 2 s), a whole process as an
analyst runs it, the .xlsx default: median wall seconds of `runs` (each to a new file: never overwritten).

    python -m flows.bench.export [--county-units 400] [--runs 3]      # prints JSON
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from flows.bench.interactive import township, wall


def measure(work: Path, county_home: Path, runs: int = 3) -> dict[str, float]:
    work.mkdir(parents=True, exist_ok=True)
    cmd = [township(), "export", "--home", str(county_home), "--year", "2024", "--out", str(work / "county.xlsx")]
    seconds = wall(cmd, runs)
    written = sorted(work.glob("county*.xlsx"))
    assert len(written) == runs, f"{len(written)} files for {runs} exports: one was overwritten or not written"
    return {"export_s": seconds, "export_mb": written[0].stat().st_size / 1e6}


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
