"""A home with many units and many returns waiting in its inbox (scale-out tests, timings)."""
from __future__ import annotations

from pathlib import Path

from schemas.registry import Registry, Township, Unit
from tasks.home import Home, init_home, open_home
from tests.helpers import return_file


def bulk_home(root: Path, units: int = 10, database_url: str | None = None) -> Home:
    registry = Registry(township=Township(code="410423105", name="下汤镇", county="鲁山县"),
                        units=tuple(Unit(code=f"410423105{200 + i:03d}", name=f"第{i + 1}村") for i in range(units)))
    init_home(root, registry)
    toml = root / "township.toml"
    text = toml.read_text(encoding="utf-8").replace("settle_seconds = 30", "settle_seconds = 0")
    if database_url:
        text = text.replace('database_url = "sqlite:///township.db"', f'database_url = "{database_url}"')
    toml.write_text(text, encoding="utf-8")
    return open_home(root)


def months(count: int, first_year: int = 2023) -> list[str]:
    return [f"{first_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


def drop_many(home: Home, files: int) -> list[Path]:
    """`files` distinct returns, spread evenly over the units (one per unit and month)."""
    codes = [u.code for u in home.registry.units]
    per_unit = -(-files // len(codes))
    paths = []
    for n, (code, period) in enumerate((c, p) for p in months(per_unit) for c in codes):
        if n == files:
            break
        paths.append(return_file(home.unit_inbox(code) / f"{period}月报表.xlsx", home, unit=code, period=period,
                                 values={"TRAINING": 1 + n % 3, "DISPUTE": n % 7}))
    return paths
