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
    """(index of the whole, indexes of its parts): the parts follow 其中 right after the whole, or opening
    the next sentence when nothing counted stands between (审查1090件，覆盖率达100%。其中，…2件…1077件), within
    that sentence, and add up to it — their printed numbers, and totals that state to each phrase."""
    out = []
    for i, whole in enumerate(figures):
        after = text[whole.end:]
        at = _opening(after)
        if not whole.new or whole.derived or at < 0 or any(whole.end < f.start < whole.end + at for f in figures):
            continue
        rest = after[at:]
        stop = whole.end + at + min((rest.find(c) for c in SENTENCE_ENDS if c in rest), default=len(rest))
        parts = [j for j, f in enumerate(figures) if j > i and f.end <= stop and not f.derived]
        if len(parts) < 2 or len({figures[j].code for j in parts} | {whole.code}) != len(parts) + 1:
            continue
        printed = sum(found[j].value for j in parts)
        witness = sum(figures[j].total for j in parts)
        if printed == found[i].value and states_as(witness, whole.stating, found[i], wording):
            out.append((i, parts))
    return out


def _opening(after: str) -> int:
    """Where 其中 opens the breakdown: right after the whole, or first in the next sentence; else -1."""
    if after.lstrip("，, ").startswith("其中"):
        return after.index("其中")
    ends = [after.find(c) for c in SENTENCE_ENDS if c in after]
    if not ends:
        return -1
    nxt = min(ends) + 1
    return nxt + after[nxt:].index("其中") if after[nxt:].lstrip("，, ").startswith("其中") else -1
