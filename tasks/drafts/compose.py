"""The draft's content from values alone: figures, the catalog, the registry and the checked template
in, the docx context, the 附表/附图 and the 待完善事项 out. No file and no ledger is touched here
(tasks/drafts/annual.py loads before and saves after), so a sentence's wording is tested with figures
made in the test (as Kedro keeps I/O in datasets at the edge)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from schemas.catalog import Catalog
from schemas.registry_time import year_names
from tasks.drafts.chart import ChartImage, CjkFontMissing, find_cjk_font, monthly_chart
from tasks.drafts.placeholders import TemplateCheck
from tasks.drafts.render import Extras, draft_context
from tasks.drafts.stated import narrowed, with_terms
from tasks.drafts.statements import Statement, statements
from tasks.drafts.truth import comparable, comparison_note, dated_words, missing_returns, place_words, unstated
from tasks.ledger.aggregate import Figures
from tasks.returns.periods import months_of

CHART_INDICATOR = "PUBLICITY_EVENT"  # the reference's most visible activity; skipped if not in the catalog


@dataclass(frozen=True)
class DraftInputs:
    """What a draft reads, read once at the edge (annual.load_inputs)."""
    template: Path
    check: TemplateCheck
    figures: Figures                  # the year's
    before: Figures                   # last year's, for 同比
    elsewhere: frozenset[str]         # codes the home's other templates state
    carried: tuple[str, ...]          # to-do items: numbers last year's report left literal


@dataclass(frozen=True)
class Composed:
    context: dict
    extras: Extras
    stated: dict[str, Statement]      # code → how the text states it, for each placeholder the template holds


def compose(inputs: DraftInputs, catalog: Catalog, registry, wording, year: int, on: dt.date,
            review: tuple[str, ...] = (), due: list[str] | None = None) -> Composed:
    """`due`: the months whose returns are due by `on` (a month not yet due is not missing; all twelve
    when not given)."""
    figures, before, check = inputs.figures, inputs.before, inputs.check
    names = {u.code: u.name for u in registry.units}
    stated = statements(figures, catalog, wording, names, year)
    previous = statements(before, catalog, wording, names, year - 1) if comparable(before, figures) else None
    words, word_todo = place_words(registry)
    # 附表 and 附图: what this template states and what has data, never the reference's idle indicators
    shown = narrowed(catalog, with_terms(check.codes, catalog.derived) | {i.code for i in catalog.indicators
                                                                  if figures.reported(i.code)})
    shown = shown if shown.indicators else catalog
    chart, chart_todo = chart_for(figures, shown, year, chart_code(figures, shown))
    with_data = [(i.code, i.name, figures.total(i.code), i.unit) for i in catalog.indicators]
    todo = [*missing_returns(figures, registry, year, due), *comparison_note(before, figures, year),
            *unstated(with_data, stated_codes(check, catalog) | inputs.elsewhere), *word_todo,
            *dated_words(list(check.texts), year, on.year), *inputs.carried, *chart_todo]
    context = draft_context(stated, catalog, registry, year, on, words, check, previous)
    # the 附表: the units that existed in the year, a merged one marked (并入××村); the totals are the ledger's
    extras = Extras(figures=figures, catalog=shown, names=year_names(registry, year), chart=chart, todo=tuple(todo),
                    review=review)
    return Composed(context, extras, {c: stated[c] for c in check.codes if c in stated})


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
    year_figure = (f"年末共{figures.total(code)}{ind.unit}（各单位最近一个月的数相加）" if figures.is_stock(code)
                   else f"全年合计{figures.total(code)}{ind.unit}")  # a stock's months are levels, never summed
    return ChartImage(monthly_chart("", months, values, ind.unit, font), f"{year}年各月{ind.name}开展情况",
                      f"注：数据来自各单位已接收的月报表，{year_figure}。"), []


def chart_code(figures: Figures, catalog: Catalog) -> str:
    """The reference's 普法宣传活动 where the catalog has it, else its flow with the largest year."""
    if CHART_INDICATOR in catalog.by_code():
        return CHART_INDICATOR
    flows = [i.code for i in catalog.indicators if i.kind == "flow" and figures.total(i.code)]
    return max(flows, key=figures.total, default="")




def stated_codes(check: TemplateCheck, catalog: Catalog) -> set[str]:
    """Indicators whose data reaches the text: stated themselves, or as a term of a stated sum (a ratio
    states neither of its terms' numbers)."""
    derived = {d.code: d for d in catalog.derived if d.sum}
    return set(check.codes) | {t for c in check.codes if c in derived for t in derived[c].terms()}
