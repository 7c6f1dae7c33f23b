"""The annual draft as one step: figures of the year (and the year before) → rendered .docx in outbox/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from schemas.catalog import Catalog
from tasks.delivery.outbox import dated_path, free_path
from tasks.drafts.chart import ChartImage, CjkFontMissing, find_cjk_font, monthly_chart
from tasks.drafts.render import Extras, draft_context, render_draft, save_atomic
from tasks.home import Home
from tasks.ledger.aggregate import Figures, figures_for
from tasks.ledger.migrate import open_ledger
from tasks.returns.periods import months_of
from templates import ANNUAL_REPORT

CHART_INDICATOR = "PUBLICITY_EVENT"  # the reference's most visible activity; skipped if not in the catalog


def template_for(root: Path) -> Path:
    """A home's own copy (staff edit it in Word/WPS) wins over the packaged default."""
    own = root / "templates" / ANNUAL_REPORT.name
    return own if own.exists() else ANNUAL_REPORT


def draft_path(outbox: Path, year: int, on: dt.date) -> Path:
    """Dated names, never overwriting an older draft: 2024年法治政府建设情况报告（草稿）-20241220.docx."""
    return dated_path(outbox, f"{year}年法治政府建设情况报告（草稿）", ".docx", on)


def chart_for(figures: Figures, catalog: Catalog, year: int,
              code: str = CHART_INDICATOR) -> tuple[ChartImage | None, list[str]]:
    """The monthly trend and to-do items: no chart, and an item saying why, when no CJK font exists."""
    ind = catalog.by_code().get(code)
    if ind is None:
        return None, []
    try:
        font = find_cjk_font()
    except CjkFontMissing as exc:
        return None, [f"{exc}，附图未生成。"]
    months = months_of(str(year))
    values = [figures.by_month.get(code, {}).get(m, 0) for m in months]
    return ChartImage(monthly_chart("", months, values, ind.unit, font), f"{year}年各月{ind.name}开展情况",
                      f"注：数据来自各单位已接收的月报表，全年合计{sum(values)}{ind.unit}。"), []


def annual_draft(home: Home, year: int, out: Path | None, on: dt.date) -> Path:
    with open_ledger(home.database_url, home.archive) as engine:
        figures = figures_for(engine, months_of(str(year)))
        before = figures_for(engine, months_of(str(year - 1)))
    previous = before if before.reporting_units else None
    todo = [] if previous else [f"库中没有{year - 1}年的月报表，正文未作同比（较上年增长/下降）；"
                                "导入上年报表后重新生成即可。"]
    chart, chart_todo = chart_for(figures, home.catalog, year)
    context = draft_context(figures, home.catalog, home.registry, year, on, previous)
    extras = Extras(figures=figures, catalog=home.catalog, names={u.code: u.name for u in home.registry.units},
                    chart=chart, todo=tuple(todo + chart_todo))
    doc = render_draft(template_for(home.root), context, extras)
    # An older draft is never overwritten, in outbox/ or at --out: a leader may hold it (-2, -3 beside it).
    return save_atomic(doc, free_path(out) if out else draft_path(home.outbox, year, on))
