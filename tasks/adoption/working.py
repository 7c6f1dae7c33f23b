"""The catalog as it grows while a report is read: later figures may match indicators earlier figures made.

Every question a figure asks of it (which indicator do these words name, is this code or name taken, the
entry of a code) is a dictionary lookup, so adopting a report is linear in its figures: asking them of
the whole catalog each time (a validated Catalog built per figure, every name searched for in the words,
every code and label collected again) made 4,000 figures take minutes (issue 22)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from schemas.catalog import Catalog, Derived, Indicator, label_key
from schemas.settings import Wording
from tasks.adoption.naming import code_base, code_for
from tasks.adoption.same import NameIndex

Entry = Indicator | Derived


class Working:
    def __init__(self, indicators: Iterable[Indicator], derived: Iterable[Derived], wording: Wording,
                 own: frozenset[str] = frozenset(), elsewhere: frozenset[str] = frozenset(),
                 template: str = "") -> None:
        self.wording = wording
        self.own = own              # the township's and county's names: never in an indicator's name
        self.elsewhere = elsewhere  # codes the home's other templates state: their stating is theirs
        self.template = template    # the template being made (its name, for a figure's own stating)
        self.said: dict[str, str] = {}  # code → the phrase it stands for in this report
        self._indicators: dict[str, Indicator] = {}  # by code, in the catalog's order
        self._derived: dict[str, Derived] = {}
        self._index = NameIndex()
        self._codes: set[str] = set()
        self._labels: Counter[str] = Counter()  # label keys of every name and alias
        self._ratios: dict[str, list[str]] = {}  # label key of a ratio's name → its codes, in order
        # Where the search for a free code or name resumes: codes and names are never given back (an
        # entry removed is added again at once under its code and name), so every one tried before is
        # still taken, and resuming finds what searching from the start would.
        self._next_code: dict[str, int] = {}
        self._next_name: dict[tuple[str, str], int] = {}
        for entry in (*indicators, *derived):
            self.add(entry)

    @property
    def indicators(self) -> list[Indicator]:
        return list(self._indicators.values())

    @property
    def derived(self) -> list[Derived]:
        return list(self._derived.values())

    def catalog(self) -> Catalog:
        return Catalog(indicators=tuple(self._indicators.values()), derived=tuple(self._derived.values()))

    def add(self, entry: Entry) -> None:
        (self._derived if isinstance(entry, Derived) else self._indicators)[entry.code] = entry
        self._note(entry, 1)

    def remove(self, code: str) -> None:
        """The entry of `code` (a total the report broke down becomes a derived sum; a reference indicator
        the township's reports do not state leaves its catalog)."""
        self._note(self._indicators.pop(code) if code in self._indicators else self._derived.pop(code), -1)

    def replace(self, new: Entry) -> None:
        for entries in (self._indicators, self._derived):
            old = entries.get(new.code)
            if old is not None:
                self._note(old, -1)
                entries[new.code] = new  # type: ignore[index]
                self._note(new, 1)

    def _note(self, entry: Entry, sign: int) -> None:
        (self._index.add if sign > 0 else self._index.remove)(entry)
        (self._codes.add if sign > 0 else self._codes.discard)(entry.code)
        for key in {label_key(n) for n in (entry.name, *entry.aliases)}:
            self._labels[key] += sign
            if not self._labels[key]:
                del self._labels[key]
        if isinstance(entry, Derived) and entry.ratio:
            codes = self._ratios.setdefault(label_key(entry.name), [])
            if sign > 0:
                codes.append(entry.code)
            else:
                codes.remove(entry.code)

    def entry(self, code: str) -> Entry:
        return self._indicators.get(code) or self._derived[code]

    def match(self, name: str, unit: str) -> list[str]:
        """Codes of entries counting what `name` counts (same object and measure, verb unless absent)."""
        return self._index.match(name, unit)

    def alias_of(self, code: str) -> list[Derived]:
        """Derived figures that are one indicator stated another way (sum of that one code alone)."""
        return [d for d in self._derived.values() if d.sum == (code,)]

    def ratio_named(self, name: str) -> Derived | None:
        """The first ratio of the catalog with this name."""
        codes = self._ratios.get(label_key(name))
        return self._derived[codes[0]] if codes else None

    def new_code(self, name: str) -> str:
        base = code_base(name)
        code, n = code_for(base, self._codes, self._next_code.get(base, 1))
        self._next_code[base] = n
        return code

    def unique_name(self, name: str, unit: str) -> str:
        n = self._next_name.get((name, unit), 1)
        candidate = name if n == 1 else f"{name}（{unit}）" if n == 2 else f"{name}{n}"
        while label_key(candidate) in self._labels:  # 普法宣传活动 in 场次 beside the catalog's one in 次
            n += 1
            candidate = f"{name}（{unit}）" if n == 2 else f"{name}{n}"
        self._next_name[(name, unit)] = n
        return candidate
