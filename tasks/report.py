"""The annual draft as one step: figures of the year → context → rendered .docx in outbox/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from templates import ANNUAL_REPORT
from tasks.aggregate import figures_for
from tasks.db import make_engine, migrate
from tasks.home import open_home
from tasks.periods import months_of
from tasks.render import draft_context, render_draft


def template_for(root: Path) -> Path:
    """A home's own copy (staff edit it in Word/WPS) wins over the packaged default."""
    own = root / "templates" / ANNUAL_REPORT.name
    return own if own.exists() else ANNUAL_REPORT


def draft_path(outbox: Path, year: int, on: dt.date) -> Path:
    """Dated names, never overwriting an older draft: 2024年法治政府建设情况报告（草稿）-20241220.docx."""
    base = outbox / f"{year}年法治政府建设情况报告（草稿）-{on:%Y%m%d}"
    path, n = base.with_suffix(".docx"), 2
    while path.exists():
        path = base.with_name(f"{base.name}-{n}").with_suffix(".docx")
        n += 1
    return path


def annual_draft(root: Path, year: int, out: Path | None, on: dt.date) -> Path:
    home = open_home(root)
    engine = make_engine(home.database_url)
    try:
        migrate(engine)
        figures = figures_for(engine, months_of(str(year)))
    finally:
        engine.dispose()
    context = draft_context(figures, home.catalog, home.registry, year, on)
    return render_draft(template_for(root), context, out or draft_path(home.outbox, year, on))
