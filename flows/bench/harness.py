"""`township bench`: on the same generated files, in one run — the floor (a bare calamine read and an
xlsxwriter write per file), township's full ingest flow (after a warm-up, so Prefect's one-time start
is reported apart), and the naive rival; then the annual draft of a county-sized year."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine as pc
import xlsxwriter

from flows.bench.adopt import adopt_once
from flows.bench.receipt import measure_receipt
from flows.bench.rss import PeakRss
from tasks.home import init_home, open_home
from tasks.samples.bench_data import bench_registry, generate
from tasks.samples.county import fill_county_year

ADOPT_FIGURES = 1000  # a report of this many distinct figures given to `township adopt` (target: ≤ 5 s)


def floor(paths: list[Path], out: Path) -> float:
    """The least a read-and-answer costs: read each file with calamine, write its cells with xlsxwriter."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for i, path in enumerate(paths):
        rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        wb = xlsxwriter.Workbook(str(out / f"{i}.xlsx"), {"in_memory": True})  # no temp file per XML part
        ws = wb.add_worksheet()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    ws.write(r, c, value)
        wb.close()
    return time.perf_counter() - started


def floor_in_child(paths: list[Path], out: Path) -> float:
    """`floor` in a process of its own (timed inside it): what ten thousand reads leave behind in an
    allocator must not count in the memory township's ingest is measured by."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(floor, paths, out).result()


def fresh_home(root: Path, registry, source: Path | None) -> Path:
    init_home(root, registry)
    toml = root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 30", "settle_seconds = 0"),
                    encoding="utf-8")
    if source is not None:
        shutil.copytree(source, root / "inbox", dirs_exist_ok=True)
    return root


def one_round(work: Path, source: Path, paths: list[Path], registry) -> dict[str, float]:
    from flows.ingest_returns import run_ingest

    os.sync()  # each contender starts with nothing of the harness's own writes left to flush
    result: dict[str, float] = {"floor_s": floor_in_child(paths, work / "floor")}
    home = fresh_home(work / "township", registry, source)
    os.sync()  # else the ingest's one flush of the file system would write back the floor's output
    with PeakRss() as rss:
        started = time.perf_counter()
        summary = run_ingest(home=str(home))
        result["township_s"] = time.perf_counter() - started
    result["peak_rss_mb"] = rss.peak_mb
    assert summary.received == len(paths), f"township ingested {summary.received} of {len(paths)}"
    return result


def naive_round(work: Path, source: Path) -> float:
    """Run after all township rounds: the naive flow's thousand Prefect task runs keep the local server
    busy for a while afterwards, which would slow whatever ran next (seen: township 2.9 s → 4.9 s)."""
    from flows.bench.naive import naive_ingest

    inbox = work / "naive-inbox"
    shutil.copytree(source, inbox)
    os.sync()
    started = time.perf_counter()
    naive_ingest(inbox=str(inbox), work=str(work / "naive"))
    return time.perf_counter() - started


def county_report(root: Path, units: int) -> float:
    """The annual draft of a county-sized year (units × 12 months stored), timed on the flow's second run."""
    from flows.annual_report import run_annual_report

    fill_county_year(root, units, 2024)
    run_annual_report(home=str(root), year=2024, on=dt.date(2024, 12, 20))
    started = time.perf_counter()
    run_annual_report(home=str(root), year=2024, on=dt.date(2024, 12, 20))
    return time.perf_counter() - started


def run_bench(files: int, repeat: int = 3, naive: bool = True, county_units: int = 400) -> dict:
    from flows.ingest_returns import run_ingest

    with tempfile.TemporaryDirectory(prefix="township-bench-") as tmp:
        tmp_path = Path(tmp)
        registry = bench_registry(files)
        source = tmp_path / "source"
        paths = generate(source, registry, open_home(fresh_home(tmp_path / "catalog", registry, None)).catalog, files)
        # Warm-up on a dozen of the files in a home of its own: the first flow run starts Prefect (its
        # temporary server in local mode) and the reading children's fork server; both are one-time
        # costs of a process, reported as prefect_start_s, not in township_s.
        warm = fresh_home(tmp_path / "warm", registry, None)
        first = paths[0].parent
        shutil.copytree(first, warm / "inbox" / first.name, dirs_exist_ok=True)
        started = time.perf_counter()
        run_ingest(home=str(warm))
        prefect_start = time.perf_counter() - started
        rounds = [one_round(tmp_path / f"round{i}", source, paths, registry) for i in range(repeat)]
        report_s = county_report(tmp_path / "county", county_units)
        (tmp_path / "adopt").mkdir()
        adopted = adopt_once(ADOPT_FIGURES, tmp_path / "adopt")  # a whole `township adopt` (issue 22)
        from flows.bench.interactive import measure as interactive  # whole processes, no Prefect server

        waited_on = interactive(tmp_path / "interactive", tmp_path / "county")
        from flows.bench.console_grid import grid_seconds  # the console's 报送进度 page (issue 27)

        waited_on["console_grid_s"] = grid_seconds(tmp_path / "county")
        from flows.bench.export import measure as export_county  # `township export` of the county's year

        waited_on.update(export_county(tmp_path / "export", tmp_path / "county"))
        for i, r in enumerate(rounds if naive else ()):  # last: see naive_round
            r["naive_s"] = naive_round(tmp_path / f"round{i}", source)
        receipt = measure_receipt(tmp_path / "receipt")   # under a real `township serve` of its own
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    out = {"files": files, "floor_s": med["floor_s"], "township_s": med["township_s"],
           "naive_s": med.get("naive_s"), "ratio_floor": med["township_s"] / med["floor_s"],
           "speedup_naive": med["naive_s"] / med["township_s"] if "naive_s" in med else None,
           "files_per_s": files / med["township_s"], "peak_rss_mb": med["peak_rss_mb"],
           "prefect_start_s": prefect_start, "report_s": report_s, **waited_on,
           f"adopt_{ADOPT_FIGURES}_s": adopted["seconds"], f"adopt_{ADOPT_FIGURES}_cpu_s": adopted["cpu_s"],
           "repeat": repeat, "rounds": rounds}
    out.update(receipt)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}
