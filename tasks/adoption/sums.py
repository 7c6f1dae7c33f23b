"""A figure the report breaks down (发放各类宣传资料11410份，其中宣传彩页7260份、法治书籍4150本) is their sum:
declared as a derived figure, so no clerk reports it a second time."""
from __future__ import annotations

from schemas.settings import Wording
from tasks.adoption.phrasing import states_as
from tasks.adoption.result import Figure
from tasks.adoption.scan import Found

SENTENCE_ENDS = "。；！？"


def breakdown(text: str, figures: list[Figure], found: list[Found],
              wording: Wording) -> list[tuple[int, list[int]]]:
    """(index of the whole, indexes of its parts): the parts follow 其中 right after the whole, within its
    sentence, and add up to it — their printed numbers, and totals that state to each phrase."""
    out = []
    for i, whole in enumerate(figures):
        after = text[whole.end:]
        if not whole.new or whole.derived or not after.lstrip("，, ").startswith("其中"):
            continue
        stop = whole.end + min((after.find(c) for c in SENTENCE_ENDS if c in after), default=len(after))
        parts = [j for j, f in enumerate(figures) if j > i and f.end <= stop and not f.derived]
        if len(parts) < 2 or len({figures[j].code for j in parts} | {whole.code}) != len(parts) + 1:
            continue
        printed = sum(found[j].value for j in parts)
        witness = sum(figures[j].total for j in parts)
        if printed == found[i].value and states_as(witness, whole.stating, found[i], wording):
            out.append((i, parts))
    return out
