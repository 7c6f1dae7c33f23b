"""The catalog an adopted report leaves is the township's (DESIGN §7.1): the packaged reference
indicators (下汤镇's) that none of the home's templates states leave it when the home holds no returns
yet; with stored returns they stay, and the review lists them, so no stored figure loses its indicator."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from schemas import default_file, load_yaml
from schemas.catalog import Derived, Rule, label_key
from tasks.adoption.same import ADDED
from tasks.adoption.working import Working
from tasks.drafts.stated import with_terms

Listed = tuple[tuple[str, str], ...]  # (code, name)


def reference_codes() -> frozenset[str]:
    """The codes of the packaged catalog (the reference township's indicators and derived figures)."""
    data = load_yaml(default_file("indicators.yaml").read_text(encoding="utf-8")) or {}
    return frozenset(e["code"] for key in ("indicators", "derived") for e in data.get(key) or ())


def township_catalog(work: Working, stated: Iterable[str], rules: Iterable[Rule],
                     has_returns: bool) -> tuple[Listed, Listed]:
    """(kept, dropped): indicators no template of the home states, kept for their data (or because the
    township added them itself), and reference ones removed from `work`."""
    reference = frozenset() if has_returns else reference_codes()
    ruled = {t for r in rules for side in ("left", "right") for t in r.terms(side)}
    staying = [d.code for d in work.derived if d.code not in reference]  # the township's own derived figures
    needed = with_terms({*stated, *ruled, *staying}, work.derived)
    idle = [e for e in (*work.indicators, *work.derived) if e.code not in needed]
    dropped = [e for e in idle if e.code in reference]
    for entry in dropped:
        work.remove(entry.code)
    kept = [e for e in idle if e.code not in reference and not isinstance(e, Derived)]
    return tuple((e.code, e.name) for e in kept), tuple((e.code, e.name) for e in dropped)


def other_templates(root: Path, name: str) -> list[Path]:
    """The home's templates other than the one being made: what they state stays stated."""
    return sorted(p for p in (root / "templates").glob("*.docx")
                  if p.stem != name and not p.name.startswith(("~$", ".")))


def freed_names(work: Working, made: set[str]) -> dict[str, str]:
    """New indicators named 普法宣传活动（场次） only because a reference indicator of that name was in the
    catalog while the report was read: once it has left, each takes its plain name. code → new name."""
    taken = {label_key(n) for e in (*work.indicators, *work.derived) for n in (e.name, *e.aliases)}
    renamed: dict[str, str] = {}
    for entry in work.indicators:
        plain = ADDED.sub("", entry.name)
        if entry.code in made and plain != entry.name and len(plain) >= 2 and label_key(plain) not in taken:
            work.replace(entry.model_copy(update={"name": plain}))
            taken.add(label_key(plain))
            renamed[entry.code] = plain
    return renamed
