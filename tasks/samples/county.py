"""A county-sized year already stored (e.g. 400 units × 12 months), written straight into the ledger:
what the annual draft must summarise quickly (benchmark, issue 7)."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import insert

from schemas.registry import Registry, Township, Unit
from tasks.home import Home, init_home
from tasks.ledger.engine import make_engine, write_transaction
from tasks.ledger.migrate import migrate
from tasks.ledger.tables import return_values, submissions


def fill_county_year(root: Path, units: int, year: int, seed: int = 11) -> Home:
    registry = Registry(township=Township(code="410423", name="鲁山县", county="平顶山市"),
                        units=tuple(Unit(code=f"41042300{i:04d}", name=f"第{i}单位") for i in range(1, units + 1)))
    home = init_home(root, registry)
    rng = random.Random(seed)
    engine = make_engine(home.database_url)
    migrate(engine)
    moment = dt.datetime(year, 12, 1)
    with write_transaction(engine) as conn:
        for n, unit in enumerate(registry.units):
            subs = [{"id": n * 12 + m, "unit": unit.code, "declared_unit": unit.code, "period": f"{year}-{m:02d}",
                     "version": 1, "sha256": f"{n:032x}{m:032x}", "original_name": f"{year}-{m:02d}.xlsx",
                     "size": 9000, "format": "xlsx", "received_at": moment, "submitted_at": moment,
                     "status": "accepted", "late": False, "stage": "done", "archive_path": "", "receipt_path": ""}
                    for m in range(1, 13)]
            conn.execute(insert(submissions), subs)
            conn.execute(insert(return_values), [
                {"submission_id": s["id"], "unit": unit.code, "period": s["period"], "indicator": ind.code,
                 "value": rng.randint(0, 30), "raw": "", "place": "", "note": ""}
                for s in subs for ind in home.catalog.indicators])
    engine.dispose()
    return home
