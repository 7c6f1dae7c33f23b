"""The figures a report states, as recorded with each version, and which of them the data still supports.

A signed figure stays supported while the year's current total would still be stated the same way: a
late correction turning 73 into 76 leaves “70余起” true; one turning it into 81 does not (“80余起”).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.catalog import Catalog
from tasks.drafts.wording import state_figure
from tasks.ledger.aggregate import Figures


def stated_figures(figures: Figures, stated: dict[str, str], catalog: Catalog) -> dict[str, dict]:
    """code → {name, unit, total, stated}: what the version's text says, and the total behind it."""
    by_code = catalog.by_code()
    return {code: {"name": by_code[code].name, "unit": by_code[code].unit, "total": figures.total(code),
                   "stated": phrase}
            for code, phrase in stated.items() if code in by_code}


def phrase_in(text: str, phrase: str) -> bool:
    """`70余起` in the text as a figure of its own: not the tail of `170余起`."""
    return bool(phrase) and re.search(rf"(?<![\d.]){re.escape(phrase)}", text) is not None


def in_final(figures: dict[str, dict], text: str) -> dict[str, dict]:
    """Each figure marked with whether the final text still states it: staff may have reworded a
    sentence or removed it; only what the signed text states is checked against later data."""
    return {code: {**f, "in_final": phrase_in(text, f["stated"])} for code, f in figures.items()}


@dataclass(frozen=True)
class Drift:
    """A figure of a signed report the data no longer supports."""
    code: str
    name: str
    stated: str          # what the signed report says
    signed_total: int    # the total it was stated from
    total_now: int
    stated_now: str      # how the current total would be stated

    def message(self) -> str:
        return (f"{self.name}：定稿为“{self.stated}”（当时合计{self.signed_total}），"
                f"现合计{self.total_now}，应为“{self.stated_now}”")

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "stated": self.stated,
                "signed_total": self.signed_total, "total_now": self.total_now, "stated_now": self.stated_now}


def drifts(signed: dict[str, dict], now: Figures, catalog: Catalog) -> list[Drift]:
    """The signed figures (those its final text states) that the current totals would state otherwise."""
    by_code = catalog.by_code()
    found = []
    for code, f in signed.items():
        ind = by_code.get(code)
        if ind is None or not f.get("in_final", True):
            continue
        total = now.total(code)
        phrase = state_figure(total, ind.style, ind.unit)
        if total != f["total"] and phrase != f["stated"]:
            found.append(Drift(code, f["name"], f["stated"], f["total"], total, phrase))
    return found
