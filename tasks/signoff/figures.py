"""The figures a report states, as recorded with each version, and which of them the data still supports.

A signed figure stays supported while the year's current data would still be stated the same way: a
late correction turning 73 into 76 leaves “70余起” true; one turning it into 81 does not (“80余起”).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas.catalog import Catalog

if TYPE_CHECKING:  # annotations only: the drafts' modules are imported where drafts are made
    from tasks.drafts.statements import Statement


def stated_figures(stated: dict[str, Statement], catalog: Catalog) -> dict[str, dict]:
    """code → {name, unit, total, stated}: what the version's text says, and the total behind it. A
    figure left blank for staff (××场: nothing true to state) states nothing."""
    units = {i.code: i.unit for i in catalog.indicators} | {d.code: d.unit for d in catalog.derived}
    return {code: {"name": s.name, "unit": units.get(code, ""), "total": s.total, "stated": s.text}
            for code, s in stated.items() if not s.empty}


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
    drafted: str = ""    # a figure the signer confirmed against the ledger: what the ledger stated then

    def message(self) -> str:
        then = (f"签发时确认，台账当时为“{self.drafted}”，合计{self.signed_total}" if self.drafted
                else f"当时合计{self.signed_total}")
        return f"{self.name}：定稿为“{self.stated}”（{then}），现合计{self.total_now}，应为“{self.stated_now}”"

    def as_json(self) -> dict:
        found = {"code": self.code, "name": self.name, "stated": self.stated,
                 "signed_total": self.signed_total, "total_now": self.total_now, "stated_now": self.stated_now}
        return found | ({"confirmed_against": self.drafted} if self.drafted else {})


def drifts(signed: dict[str, dict], now: dict[str, Statement]) -> list[Drift]:
    """The signed figures (those its final text states) that the current data would state otherwise. A
    figure the signer confirmed against the ledger (a 修改稿's own) differs from the data by consent; it
    is flagged once the data moves (a correction since signing) and does not come to state it."""
    found = []
    for code, f in signed.items():
        current = now.get(code)
        if current is None or not f.get("in_final", True) or current.text == f["stated"]:
            continue
        if f.get("confirmed") and current.total == f["total"] and not current.empty:
            continue
        found.append(Drift(code, f["name"], f["stated"], f["total"], current.total,
                           "无数据" if current.empty else current.text, f.get("drafted", "")))
    return found
