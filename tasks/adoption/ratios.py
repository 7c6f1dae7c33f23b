"""A percentage the report printed (调解成功率98.2%) becomes a derived figure when two figures stated
exactly before it in the same paragraph give it: 55 ÷ 56 = 98.2%. Otherwise it stays skipped."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.drafts.wording import percent

PERCENT = re.compile(r"(?P<num>\d+(?:\.(?P<dec>\d+))?)\s*[%％]")


@dataclass(frozen=True)
class Ratio:
    start: int
    end: int
    phrase: str          # 98.2%
    numerator: str       # codes
    denominator: str
    decimals: int


def explain(text: str, start: int, exact: list[tuple[int, str, int]]) -> Ratio | None:
    """`exact`: (position, code, value) of the paragraph's exactly stated figures. The pair nearest
    before the percentage whose quotient prints as it does, numerator ≤ denominator."""
    m = PERCENT.match(text, start)
    if m is None:
        return None
    decimals = len(m.group("dec") or "")
    printed = m.group(0).replace("％", "%").replace(" ", "")
    before = [(pos, code, value) for pos, code, value in exact if pos < start]
    pairs = [(max(a[0], b[0]), a, b) for a in before for b in before
             if a[1] != b[1] and 0 < b[2] and a[2] <= b[2] and percent(a[2], b[2], decimals) == printed]
    if not pairs:
        return None
    _, num, den = max(pairs)
    return Ratio(m.start(), m.end(), m.group(0), num[1], den[1], decimals)
