"""Whether a figure counts what an indicator of the catalog counts (DESIGN §7.1): the same object, and
the same verb unless one of them has none. A shared word is not enough: 排查矛盾纠纷 (screened) is not
调处矛盾纠纷 (mediated) though both say 矛盾纠纷; 发放反诈宣传单 is not 宣传单. 场 and 场次 are one measure.

The index is by (measure, object), so a figure's question is one dictionary lookup however many
indicators adopt has made before it (adopt stays linear in figures, issue 22)."""
from __future__ import annotations

import re

from schemas.catalog import Derived, Indicator, label_key
from tasks.adoption.words import LIGHT, split_verb

Entry = Indicator | Derived
SAME_MEASURE = {"场次": "场"}
# What unique_name adds to a second indicator of one name (普法宣传活动（场次）, 巡逻3): not its activity.
ADDED = re.compile(r"(?:[（(][^（）()]*[)）]|\d+)$")


def measure(unit: str) -> str:
    return SAME_MEASURE.get(unit, unit)


def keys_of(name: str) -> tuple[str, str]:
    """(verb, object) of a name, normalised as labels are: 宣传彩页发放 and 发放宣传彩页 → (发放, 宣传彩页)."""
    verb, obj = split_verb(label_key(ADDED.sub("", name) or name))
    return ("" if verb in LIGHT else verb), obj


class NameIndex:
    """(measure, object) → the entries counting it, each with the verbs its name and aliases give."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str], dict[str, frozenset[str]]] = {}

    def add(self, entry: Entry) -> None:
        keys = [keys_of(n) for n in (entry.name, *entry.aliases)]
        verbs = frozenset(v for v, _ in keys if v)
        for _, obj in keys:
            self._codes.setdefault((measure(entry.unit), obj), {})[entry.code] = verbs

    def remove(self, entry: Entry) -> None:
        for n in (entry.name, *entry.aliases):
            codes = self._codes.get((measure(entry.unit), keys_of(n)[1]), {})
            codes.pop(entry.code, None)
            if not codes:
                self._codes.pop((measure(entry.unit), keys_of(n)[1]), None)

    def match(self, name: str, unit: str) -> list[str]:
        """The codes of entries counting what `name` counts, in the order they were added: the same object
        and measure, and the same verb unless the figure's or the entry's names have none."""
        verb, obj = keys_of(name)
        codes = self._codes.get((measure(unit), obj), {})
        return [code for code, verbs in codes.items() if not verb or not verbs or verb in verbs]
