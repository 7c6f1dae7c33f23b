"""Builders of real homes and real return files for the tests."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl import load_workbook

from schemas.registry import Registry, Township, Unit
from tasks.home import Home, init_home, open_home
from tasks.returns.blank import ReturnContent, write_return
from tasks.returns.periods import parse_period, period_end

REGISTRY = Registry(
    township=Township(code="410423105", name="下汤镇", county="鲁山县"),
    units=(
        Unit(code="410423105001", name="下汤镇司法所", kind="office"),
        Unit(code="410423105201", name="下汤村", kind="village"),
        Unit(code="410423105202", name="松垛村", kind="village"),
    ),
)
VILLAGE = "410423105201"
OTHER = "410423105202"
TODAY = dt.date(2024, 12, 20)
NOW = dt.datetime(2024, 12, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai


def make_home(root: Path, settle_seconds: int = 0, registry: Registry = REGISTRY) -> Home:
    init_home(root, registry)
    toml = root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 30", f"settle_seconds = {settle_seconds}"),
                    encoding="utf-8")
    return open_home(root)


def return_file(path: Path, home: Home, unit: str | None = VILLAGE, period: str = "2024-03",
                values: dict[str, object] | None = None, notes: dict[str, str] | None = None,
                edits: dict[str, object] | None = None, filed: dt.datetime | None = None) -> Path:
    """A return made by the template code; `edits` then overwrites cells ({"E9": "约70"}) as a clerk would."""
    units = home.registry.by_code()
    content = ReturnContent(home.registry.township.name, units.get(unit) if unit else None, period,
                            values=values if values is not None else {"TRAINING": 1, "DISPUTE": 6},
                            notes=notes or {})
    write_return(path, home.catalog, content)
    if edits:
        wb = load_workbook(path)
        ws = wb["报表"]
        for ref, value in edits.items():
            ws[ref] = value
        wb.save(path)
    moment = (filed or _on_time(period)).timestamp()
    os.utime(path, (moment, moment))
    return path


def _on_time(period: str) -> dt.datetime:
    """Two days after the period ends: well before any due date."""
    parsed = parse_period(period).period
    if parsed is None:
        return NOW - dt.timedelta(days=200)
    end = period_end(parsed)
    return dt.datetime(end.year, end.month, end.day, 2, 0, tzinfo=dt.UTC) + dt.timedelta(days=2)


def drop(home: Home, name: str = "2024-03月报表.xlsx", unit: str = VILLAGE, **kwargs) -> Path:
    folder_unit = kwargs.pop("folder", unit)
    return return_file(home.unit_inbox(folder_unit) / name, home, unit=unit, **kwargs)


def row_of(home: Home, code: str) -> int:
    """The sheet row of an indicator in the generated template."""
    return home.catalog.indicators.index(home.catalog.by_code()[code]) + 6


def demo_copy(demo_year, root):
    """A copy of the session's demo year at `root` (files and their times as dropped): (home, files dropped)."""
    import shutil

    source, dropped = demo_year
    shutil.copytree(source, root, symlinks=True)
    return open_home(root), dropped
