"""Which indicator each figure of the report becomes: an existing one (its stating set to the report's
way when that differs), or a new one with a name from the words before it and a stable ASCII code."""
from __future__ import annotations

from dataclasses import replace

from schemas.catalog import Derived, Indicator, Stating
from schemas.settings import Wording
from tasks.adoption.kinds import kind_of
from tasks.adoption.merge import restated, stating_fields
from tasks.adoption.naming import clause_before, name_of
from tasks.adoption.phrasing import phrasing_of, states_as
from tasks.adoption.ratios import Ratio
from tasks.adoption.result import Figure, Skip
from tasks.adoption.scan import Found
from tasks.adoption.working import Working
from tasks.drafts.wording import way_of


def resolved(stating: Stating, wording: Wording) -> Stating:
    """The stating as the draft will apply it, the township's defaults filled in (for the review)."""
    way = way_of(stating, wording)
    return Stating(style=way.style, digits=way.digits if way.style == "approx" else None,
                   wan=way.wan if way.style == "approx" else None, word=way.word, numerals=way.numerals,
                   per=way.per)  # type: ignore[arg-type]


def choose(found: Found, text: str, paragraph: int, floor: int, previous: str, work: Working) -> Figure | Skip:
    name = name_of(text, found.start, found.end, floor, previous)
    if not name:
        return Skip(paragraph, found.phrase, "前后没有事项名称，不知道它计的是什么")
    phrasing = phrasing_of(found, work.wording)
    if phrasing is None:
        return Skip(paragraph, found.phrase, "无法按原文的说法复述（有效数字多于三位的约数，或“余”前已是精确数）")
    code = work.match(f"{clause_before(text, found.start, floor)}|{name}", found.unit)
    if code and work.said.get(code, found.phrase) != found.phrase:
        code = None  # the catalog's indicator already stands for another number of this report
    if code:
        entry = work.entry(code)
        stating = phrasing.stating
        if states_as(phrasing.total, entry, found, work.wording):
            stating = resolved(entry, work.wording)  # the catalog's own way already says it: leave it
        else:
            work.replace(restated(entry, phrasing.stating))
        work.said[code] = found.phrase
        return Figure(paragraph, found.start, found.end, found.phrase, code, entry.name, found.unit, stating,
                      phrasing.total, new=False, derived="sum" if isinstance(entry, Derived) else "")
    name = work.unique_name(name, found.unit)
    code = work.new_code(name)
    work.add(Indicator(code=code, name=name, unit=found.unit, **stating_fields(phrasing.stating),
                       kind=kind_of(text[:found.start], found.unit, text[found.end:])))
    work.said[code] = found.phrase
    return Figure(paragraph, found.start, found.end, found.phrase, code, name, found.unit, phrasing.stating,
                  phrasing.total, new=True)


def ratio_figure(ratio: Ratio, text: str, paragraph: int, floor: int, work: Working) -> Figure:
    name = name_of(text, ratio.start, ratio.end, floor) or "比率"
    existing = work.ratio_named(name)
    is_new = existing is None
    if existing is None:
        existing = Derived(code=work.new_code(name), name=work.unique_name(name, "%"),
                           ratio=(ratio.numerator, ratio.denominator), decimals=ratio.decimals)
        work.add(existing)
    work.said[existing.code] = ratio.phrase
    return Figure(paragraph, ratio.start, ratio.end, ratio.phrase, existing.code, existing.name, "%", existing,
                  0, new=is_new, derived="ratio")


def as_sum(whole: Figure, parts: list[Figure], work: Working) -> Figure:
    """A new indicator the report broke down becomes a derived sum of its parts."""
    work.remove(whole.code)
    codes = tuple(p.code for p in parts)
    work.add(Derived(code=whole.code, name=whole.name, unit=whole.unit, sum=codes,
                                **stating_fields(whole.stating)))
    return replace(whole, derived="sum", total=sum(p.total for p in parts))
