"""Which indicator each figure of the report becomes: an existing one (its stating set to the report's
way when that differs), or a new one with a name from the words before it and a stable ASCII code."""
from __future__ import annotations

from dataclasses import replace

from schemas.catalog import Derived, Indicator, Stating
from schemas.settings import Wording
from tasks.adoption.kinds import kind_of
from tasks.adoption.merge import restated, stating_fields
from tasks.adoption.naming import name_of
from tasks.adoption.phrasing import phrasing_of
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


def same_way(entry: Stating, stating: Stating, wording: Wording) -> bool:
    """Whether the entry already states as the report did: the style, and what its phrase shows of it (its
    digits, 余/多/近, numerals; 万 only when the phrase was large enough to show it)."""
    mine, theirs = resolved(stating, wording), resolved(entry, wording)
    if (mine.style, mine.numerals) != (theirs.style, theirs.numerals):
        return False
    return mine.style != "approx" or ((mine.digits, mine.word) == (theirs.digits, theirs.word)
                                      and (stating.wan is None or mine.wan == theirs.wan))


def choose(found: Found, text: str, paragraph: int, floor: int, previous: str, work: Working,
           ceiling: int | None = None) -> tuple[Figure | Skip, int]:
    """The figure (or why it is skipped) and where the words it took end."""
    naming = name_of(text, found.start, found.end, floor, previous, ceiling, work.own, found.unit)
    if not naming.name:
        return Skip(paragraph, found.phrase, "前后没有事项名称，不知道它计的是什么"), found.end
    phrasing = phrasing_of(found, work.wording)
    if phrasing is None:
        return Skip(paragraph, found.phrase, "无法按原文的说法复述（有效数字多于三位的约数，或“余”前已是精确数）"), \
            found.end
    codes = [c for c in work.match(naming.name, found.unit)
             if work.said.get(c, found.phrase) == found.phrase] or restated_here(naming.name, found, work)
    if codes:
        entry = work.entry(codes[0])
        own, made = _own_way(entry, found, phrasing.stating, work)
        stating = phrasing.stating if own is not entry else resolved(entry, work.wording)
        work.said[own.code] = found.phrase
        return Figure(paragraph, found.start, found.end, found.phrase, own.code, entry.name, found.unit, stating,
                      phrasing.total, new=made,
                      derived="sum" if isinstance(own, Derived) else "", ask=naming.ask), naming.used
    name = work.unique_name(naming.name, found.unit)
    code = work.new_code(name)
    work.add(Indicator(code=code, name=name, unit=found.unit, **stating_fields(phrasing.stating),
                       kind=kind_of(text[:found.start], found.unit, text[found.end:])))
    work.said[code] = found.phrase
    return Figure(paragraph, found.start, found.end, found.phrase, code, name, found.unit, phrasing.stating,
                  phrasing.total, new=True, ask=naming.ask), naming.used


def restated_here(name: str, found: Found, work: Working) -> list[str]:
    """The indicator of this report that printed the same phrase under a name holding this one, or held
    by it: a table restating a paragraph (梳理编制基本履职事项清单117项 · the table's 基本履职事项清单 117项)
    is one figure, never two rows a clerk fills twice."""
    return [c for c, phrase in work.said.items() if phrase == found.phrase and len(name) >= 4
            and (e := work.entry(c)).unit == found.unit and (name in e.name or e.name in name)][:1]


def _own_way(entry: Indicator | Derived, found: Found, stating: Stating,
             work: Working) -> tuple[Indicator | Derived, bool]:
    """The entry itself when it states the figure as the report did; else restated to the report's way
    when no other template of the home states it; else (another template states it its own way, or the
    report says 场 where the catalog says 场次) a derived figure that is this one indicator stated the
    report's way: clerks report it once, each template prints it as its own report did."""
    if same_way(entry, stating, work.wording) and found.unit == entry.unit:
        return entry, False
    if entry.code not in work.elsewhere and found.unit == entry.unit:
        work.replace(restated(entry, stating))
        return work.entry(entry.code), False
    for alias in work.alias_of(entry.code):
        if alias.unit == found.unit and same_way(alias, stating, work.wording):
            return alias, False
    name = work.unique_name(f"{entry.name}（{work.template or found.unit}）", found.unit)
    alias = Derived(code=work.new_code(name), name=name, unit=found.unit, sum=(entry.code,),
                    **stating_fields(stating))
    work.add(alias)
    return alias, True


def ratio_figure(ratio: Ratio, text: str, paragraph: int, floor: int, work: Working) -> Figure:
    name = name_of(text, ratio.start, ratio.end, floor, own=work.own).name or "比率"
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
