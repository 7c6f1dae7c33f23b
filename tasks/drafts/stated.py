"""What the home's templates state, read from their placeholders ({{ f.CODE }} of every template in
<home>/templates/, or of the packaged one while the home has none): the clerks' return lists those
indicators (and any with data in the year), nothing else; "stated by no sentence" is judged over all
of them; the 附表 covers what the draft's own template states (DESIGN §7.1)."""
from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from schemas.catalog import Catalog, Derived
from tasks.drafts.placeholders import check_template
from tasks.home import Home
from tasks.ledger.held import codes_held
from templates import ANNUAL_REPORT


def template_files(root: Path) -> list[Path]:
    """Every template of the home; the packaged one when it holds none of its own."""
    own = sorted(p for p in (root / "templates").glob("*.docx") if not p.name.startswith(("~$", ".")))
    return own or [ANNUAL_REPORT]


def with_terms(codes: Iterable[str], derived: Iterable[Derived], ratios: bool = True) -> set[str]:
    """The codes and the terms of every derived figure among them: a sum's always, a ratio's when
    `ratios` (clerks report both terms; the draft's text states neither)."""
    table = {d.code: d for d in derived}
    out, todo = set(), list(codes)
    while todo:
        code = todo.pop()
        if code in out:
            continue
        out.add(code)
        d = table.get(code)
        if d is not None and (d.sum or ratios):
            todo += d.terms()
    return out


def stated_by(paths: Iterable[Path], catalog: Catalog) -> frozenset[str] | None:
    """Codes the templates' placeholders name (derived ones as they are); None when one cannot be read:
    then nobody can say what it states, and nothing is left out on its account."""
    known = {i.code for i in catalog.indicators} | {d.code for d in catalog.derived}
    codes: set[str] = set()
    for path in paths:
        try:
            codes |= check_template(path, known).codes
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None
    return frozenset(codes)


def stated_by_home(root: Path, catalog: Catalog, ratios: bool = True) -> set[str] | None:
    """Indicators and derived figures some template of the home states, with their terms."""
    codes = stated_by(template_files(root), catalog)
    return None if codes is None else with_terms(codes, catalog.derived, ratios)


def asked_codes(home: Home) -> frozenset[str] | None:
    """What a clerks' return is asked for, for its W_INDICATOR_ABSENT: what some template of the home states
    (an indicator of no template is never missing from a return); None when a template cannot be read."""
    stated = stated_by_home(home.root, home.catalog)
    return None if stated is None else frozenset(stated)


def narrowed(catalog: Catalog, keep: set[str]) -> Catalog:
    """The catalog with only the indicators of `keep` (and the derived figures and rules over them)."""
    indicators = tuple(i for i in catalog.indicators if i.code in keep)
    codes = {i.code for i in indicators}
    derived = tuple(d for d in catalog.derived if set(d.terms()) <= codes)
    rules = tuple(r for r in catalog.rules if {*r.terms("left"), *r.terms("right")} <= codes)
    return Catalog(version=catalog.version, indicators=indicators, derived=derived, rules=rules)


def returns_catalog(home: Home, year: int) -> Catalog:
    """The indicators of the clerks' return: those some template states, and those with data in `year`."""
    stated = stated_by_home(home.root, home.catalog)
    if stated is None:
        return home.catalog
    held = codes_held(home.database_url, home.archive, [f"{year}-{m:02d}" for m in range(1, 13)])
    kept = narrowed(home.catalog, stated | set(held))
    return kept if kept.indicators else home.catalog
