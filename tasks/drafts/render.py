"""The annual draft: the template's wording with each figure computed from the year's returns, each
figure commented with where it came from, the to-do list on the title, and the appendices."""
from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docxtpl import DocxTemplate

from schemas.catalog import Catalog
from schemas.registry import Registry
from tasks.drafts.appendix import add_chart, add_notes, add_unit_table
from tasks.drafts.chart import ChartImage
from tasks.drafts.page_layout import signature_indents
from tasks.drafts.provenance import add_note, attach_comments, change_note, figure_note, mark
from tasks.drafts.todo import add_todo
from tasks.drafts.wording import change_phrase, state_figure
from tasks.ledger.aggregate import Figures


@dataclass(frozen=True)
class DraftContext:
    township: str
    county: str
    year: int
    date: str                      # 2024年12月20日 — Arabic numerals (GB/T 9704)
    figures: dict[str, str]        # indicator code → stated figure ("70余起")
    lecture: str                   # "每月一次" when every month had one, else "全年共N次"
    changes: dict[str, str] = field(default_factory=dict)  # code → "（较上年增长12%）", "" without last year
    notes: dict[str, str] = field(default_factory=dict)    # "f.CODE" / "y.CODE" / "lecture" → comment

    def as_dict(self) -> dict[str, object]:
        """Values for the template; each commented value carries its invisible marker."""
        def marked(key: str, text: str) -> str:
            return mark(key, text) if key in self.notes else text
        return {"township": self.township, "county": self.county, "year": self.year,
                "next_year": self.year + 1, "date": self.date,
                "f": {c: marked(f"f.{c}", v) for c, v in self.figures.items()},
                "y": {c: marked(f"y.{c}", v) for c, v in self.changes.items()},
                "lecture": marked("lecture", self.lecture)}


def draft_context(figures: Figures, catalog: Catalog, registry: Registry, year: int, on: dt.date,
                  previous: Figures | None = None) -> DraftContext:
    """`previous`: last year's figures, when any return of last year is stored (year-over-year)."""
    names = {u.code: u.name for u in registry.units}
    stated: dict[str, str] = {}
    changes: dict[str, str] = {}
    notes: dict[str, str] = {}
    for ind in catalog.indicators:
        total = figures.total(ind.code)
        stated[ind.code] = state_figure(total, ind.style, ind.unit)
        notes[f"f.{ind.code}"] = figure_note(ind, figures, names, year, stated[ind.code])
        before = previous.total(ind.code) if previous is not None else 0
        changes[ind.code] = change_phrase(total, before)
        if changes[ind.code]:
            notes[f"y.{ind.code}"] = change_note(ind, total, before, year, changes[ind.code])
    lecture = lecture_phrase(figures, catalog, year)
    if lecture:
        notes["lecture"] = figure_note(catalog.by_code()["LECTURE"], figures, names, year, lecture)
    return DraftContext(township=registry.township.name, county=registry.township.county, year=year,
                        date=f"{on.year}年{on.month}月{on.day}日", figures=stated,
                        lecture=lecture, changes=changes, notes=notes)


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


@dataclass(frozen=True)
class Extras:
    """What goes around the wording: the appendices' data and the to-do items found on the way."""
    figures: Figures
    catalog: Catalog
    names: dict[str, str]          # unit code → name, registry order
    chart: ChartImage | None = None  # the monthly trend
    todo: tuple[str, ...] = ()
    review: tuple[str, ...] = ()   # the last decision's opinion: first of the to-do items


def render_draft(template: Path, context: DraftContext, extras: Extras):
    """docxtpl renders the wording; python-docx then adds comments, appendices and the to-do list."""
    tpl = DocxTemplate(str(template))
    tpl.render(context.as_dict(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    buf.seek(0)
    doc = docx.Document(buf)
    commented = attach_comments(doc, context.notes)
    by_code = extras.catalog.by_code()
    zeros = [f"正文中“{by_code[k[2:]].name}”为0，请核实是否漏报，或删改该句。"
             for k in dict.fromkeys(commented) if k.startswith("f.") and not extras.figures.total(k[2:])]
    signature_indents(doc)
    title = add_unit_table(doc, extras.figures, extras.catalog, extras.names, context.year)
    add_note(doc, title, f"附表数据：{context.year}年各单位已接收月报表（不含退回、重复和已被更正的版本）逐项相加；"
                         "合计行即正文各项数字的精确值。")
    if extras.chart:
        add_chart(doc, extras.chart.png, extras.chart.title, extras.chart.note)
    add_notes(doc, extras.figures.notes, extras.catalog, extras.names, context.year,
              new_section=extras.chart is None)
    add_todo(doc, [*zeros, *extras.todo, "文末附表、附图、附录为起草参考材料，定稿时按需保留或删除。"],
             first=list(extras.review))
    return doc


def save_atomic(doc, out: Path) -> Path:
    """A reader (or a crash) never sees half a draft."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    doc.save(str(tmp))
    tmp.replace(out)
    return out
