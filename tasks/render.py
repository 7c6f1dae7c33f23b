"""The annual draft: the template's wording with each figure computed from the year's returns."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docxtpl import DocxTemplate

from schemas.catalog import Catalog
from schemas.registry import Registry
from tasks.aggregate import Figures
from tasks.wording import state_figure


@dataclass(frozen=True)
class DraftContext:
    township: str
    county: str
    year: int
    date: str                      # 2024年12月20日 — Arabic numerals (GB/T 9704)
    figures: dict[str, str]        # indicator code → stated figure ("70余起")
    lecture: str                   # "每月一次" when every month had one, else "全年N次"

    def as_dict(self) -> dict[str, object]:
        return {"township": self.township, "county": self.county, "year": self.year,
                "next_year": self.year + 1, "date": self.date, "f": self.figures, "lecture": self.lecture}


def draft_context(figures: Figures, catalog: Catalog, registry: Registry, year: int,
                  on: dt.date) -> DraftContext:
    stated = {ind.code: state_figure(figures.total(ind.code), ind.style, ind.unit) for ind in catalog.indicators}
    return DraftContext(township=registry.township.name, county=registry.township.county, year=year,
                        date=f"{on.year}年{on.month}月{on.day}日", figures=stated,
                        lecture=lecture_phrase(figures, catalog, year))


def lecture_phrase(figures: Figures, catalog: Catalog, year: int) -> str:
    """The reference says 每月一次: true only when each of the twelve months had a lecture."""
    codes = {i.code for i in catalog.indicators}
    if "LECTURE" not in codes:
        return ""
    months = figures.by_month.get("LECTURE", {})
    if all(months.get(f"{year}-{m:02d}", 0) >= 1 for m in range(1, 13)):
        return "每月一次"
    unit = catalog.by_code()["LECTURE"].unit
    return f"全年共{figures.total('LECTURE')}{unit}"


def render_draft(template: Path, context: DraftContext, out: Path) -> Path:
    doc = DocxTemplate(str(template))
    doc.render(context.as_dict(), autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(out)
    return out
