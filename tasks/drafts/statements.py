"""Every figure the catalog can state, as the draft states it — and the figures it must not state.

A total of 0, or one no unit filled in, is never printed as "0场": its text is "××场" and it carries
why, so the draft highlights its sentence and lists it in the 待完善事项 (DESIGN §7).
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas.catalog import Catalog, Derived, Indicator
from schemas.settings import Wording
from tasks.drafts.provenance import figure_note
from tasks.drafts.wording import per_month, percent, state_with, way_of
from tasks.ledger.aggregate import Figures

BLANK = "××"  # how a Chinese draft leaves a number for someone to fill in


@dataclass(frozen=True)
class Statement:
    code: str
    name: str
    text: str          # 70余起, 每月一次, 98.2%; ××起 when there is nothing true to state
    total: int         # the exact value behind it (a ratio: its numerator)
    note: str          # the Word comment: where the number came from
    empty: str = ""    # why nothing is stated ("" when something is)


def statements(figures: Figures, catalog: Catalog, wording: Wording, names: dict[str, str],
               year: int) -> dict[str, Statement]:
    out = {ind.code: indicator_statement(ind, figures, wording, names, year) for ind in catalog.indicators}
    for d in catalog.derived:
        out[d.code] = derived_statement(d, catalog, figures, wording)
    return out


def indicator_statement(ind: Indicator, figures: Figures, wording: Wording, names: dict[str, str],
                        year: int) -> Statement:
    total = figures.total(ind.code)
    if not total:
        why = (f"本年各单位已接收的月报表中{ind.name}均为0" if figures.reported(ind.code)
               else f"本年没有单位填报{ind.name}")
        return Statement(ind.code, ind.name, BLANK + ind.unit, 0,
                         f"{ind.name}：{why}，正文未写数字。请核实是否漏报，或删去此句。", why)
    way = way_of(ind, wording)
    if way.per == "month" and not figures.is_stock(ind.code):  # 每月一次 says what was done, not what is held
        months = figures.by_month.get(ind.code, {})
        text = per_month([months.get(f"{year}-{m:02d}", 0) for m in range(1, 13)], total, way, ind.unit)
    else:
        text = state_with(total, way, ind.unit)
    return Statement(ind.code, ind.name, text, total, figure_note(ind, figures, names, year, text))


def derived_statement(d: Derived, catalog: Catalog, figures: Figures, wording: Wording) -> Statement:
    by_code = catalog.by_code()
    terms = [(by_code[t], figures.total(t)) for t in d.terms()]
    shown = [f"{ind.name} {value}{ind.unit}" for ind, value in terms]
    if d.ratio:
        (_, num), (_, den) = terms
        text = percent(num, den, d.decimals)
        if not text:
            why = f"本年没有{terms[1][0].name}数据，{d.name}无从计算"
            return Statement(d.code, d.name, BLANK + "%", 0, f"{d.name}：{why}。", why)
        return Statement(d.code, d.name, text, num, f"{d.name}：{shown[0]} ÷ {shown[1]} = {text}")
    total = sum(value for _, value in terms)
    if not total:
        why = f"本年{'、'.join(ind.name for ind, _ in terms)}均无数据"
        return Statement(d.code, d.name, BLANK + d.unit, 0, f"{d.name}：{why}，正文未写数字。", why)
    text = state_with(total, way_of(d, wording), d.unit)
    return Statement(d.code, d.name, text, total,
                     f"{d.name}：{' + '.join(shown)} = {total}{d.unit}，正文表述为“{text}”")
