"""How the report stated a figure (exact or approximate, digits kept, 万, 余/多/近, Chinese numerals),
read off its phrase — and proved: a total that the draft states back to exactly that phrase."""
from __future__ import annotations

from dataclasses import dataclass

from schemas.catalog import Stating
from schemas.settings import Wording
from tasks.adoption.scan import Found
from tasks.drafts.wording import state_with, way_of


@dataclass(frozen=True)
class Phrasing:
    stating: Stating
    total: int       # the smallest yearly total the draft states as the phrase (its round-trip witness)


def significant(n: int) -> int:
    """Digits before the trailing zeros: 7000 → 1, 1500 → 2, 128 → 3."""
    return len(str(n).rstrip("0")) or 1


def phrasing_of(found: Found, wording: Wording = Wording()) -> Phrasing | None:
    """The stating a catalog entry needs to print this phrase again; None when no stating can."""
    numerals = found.numerals if found.numerals in ("hanzi", "bare") else "arabic"
    wan = found.wan if found.value >= 10_000 else None  # below 万 the township default decides
    if not found.word and not found.wan:
        stating, total = Stating(style="exact", numerals=numerals), found.value
    else:
        digits = significant(found.value)
        if digits > 3:
            return None
        word = found.word or "余"
        stating = Stating(style="approx", digits=digits, wan=wan, word=word, numerals=numerals)
        total = {"近": found.value - 1, "数": 2 * found.value, "上": found.value}.get(
            found.word, found.value + (1 if found.word else 0))  # 数十次 ← 20, 上百人 ← 100, 千余份 ← 1001
    return Phrasing(stating, total) if states_as(total, stating, found, wording) else None


def states_as(total: int, stating: Stating, found: Found, wording: Wording = Wording()) -> bool:
    return total > 0 and state_with(total, way_of(stating, wording), found.unit) == found.phrase
