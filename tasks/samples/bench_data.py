"""Returns for the benchmark, made through the template code with the variety clerks add: typed units
(12次), full-width digits, notes, now and then a refused slip (约70) or another unit's code."""
from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from schemas.catalog import Catalog
from schemas.registry import Registry, Township, Unit
from tasks.returns.blank import ReturnContent, return_bytes
from tasks.samples.demo import typed


def bench_registry(files: int) -> Registry:
    """Enough units for `files` monthly returns of one year (≥ 15, like a township; ~N/12 for a county)."""
    count = max(15, -(-files // 12))
    units = tuple(Unit(code=f"4104231{i:05d}", name=f"第{i}村", kind="village") for i in range(1, count + 1))
    return Registry(township=Township(code="410423105", name="下汤镇", county="鲁山县"), units=units)


def generate(folder: Path, registry: Registry, catalog: Catalog, files: int, year: int = 2024,
             seed: int = 7, workers: int = 2) -> list[Path]:
    """Write `files` returns to folder/<unit>/<period>.xlsx; same seed, same files. Made in child
    processes: faster, and the memory openpyxl leaves behind stays out of the process that measures."""
    # spawn, not forkserver: the fork server is one per process and the reading children need it started
    # with their modules preloaded (tasks.intake.isolate), or every batch's children import them afresh.
    ctx = multiprocessing.get_context("spawn")
    step = -(-files // workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        parts = pool.map(_generate_range, *zip(*[(folder, registry, catalog, start, min(start + step, files), year,
                                                   seed) for start in range(0, files, step)]))
        return [path for part in parts for path in part]


def _generate_range(folder: Path, registry: Registry, catalog: Catalog, start: int, stop: int, year: int,
                    seed: int) -> list[Path]:
    units_of = {i.code: i.unit for i in catalog.indicators}
    written: list[Path] = []
    for n in range(start, stop):
        rng = random.Random(seed * 1_000_003 + n)  # each file its own stream: any split gives the same files
        unit = registry.units[n // 12 % len(registry.units)]
        period = f"{year + n // (12 * len(registry.units))}-{n % 12 + 1:02d}"
        values = {code: typed(rng.randint(0, 40), rng, u) for code, u in units_of.items() if rng.random() < 0.8}
        if rng.random() < 0.03:
            values["DISPUTE"] = f"约{rng.randint(10, 90)}"  # refused: an approximate figure
        notes = {"PUBLICITY_EVENT": "联合派出所开展反诈宣传进集市"} if rng.random() < 0.1 else {}
        shown = registry.units[(n + 1) % len(registry.units)] if rng.random() < 0.01 else unit  # wrong unit
        content = ReturnContent(registry.township.name, shown, period, filled_by="张三", phone="13800000000",
                                values=values, notes=notes)
        path = folder / unit.code / f"{period}月报表.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(return_bytes(catalog, content))
        written.append(path)
    return written
