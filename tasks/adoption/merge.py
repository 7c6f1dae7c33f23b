"""The home's catalog with the report's figures merged in: new indicators appended, the stating of
matched ones set to the report's way, derived figures declared. Written back as YAML a person can read,
one entry a line as the shipped catalog is, and checked by the catalog model before it replaces the old."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from schemas import load_yaml
from schemas.catalog import Catalog, Derived, Indicator, Stating

STATING_KEYS = ("style", "digits", "wan", "word", "numerals", "per")
DEFAULTS = Stating()
# libyaml's emitter when PyYAML has it: the same text (2,411 entries of adopted catalogs compared), ~10×
# faster than the pure-Python one, which took ~1 ms an entry (half of adopting 2,000 figures).
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def stating_fields(stating: Stating) -> dict[str, object]:
    """Only what differs from the model's defaults: {style: approx, digits: 2}."""
    return {k: getattr(stating, k) for k in STATING_KEYS if getattr(stating, k) != getattr(DEFAULTS, k)}


def restated(entry: Indicator | Derived, stating: Stating) -> Indicator | Derived:
    return entry.model_copy(update={k: getattr(stating, k) for k in STATING_KEYS if k != "per"})


def entry_fields(entry) -> dict[str, object]:
    data = entry.model_dump(exclude_defaults=True)
    head = {k: data.pop(k) for k in ("code", "name", "unit") if k in data}
    return {**head, **data}


def dump_catalog(catalog: Catalog, header: str) -> str:
    def line(entry) -> str:
        text = yaml.dump(entry_fields(entry), Dumper=DUMPER, allow_unicode=True, default_flow_style=True,
                         width=10_000, sort_keys=False).strip()
        return f"  - {text}"
    parts = [header.rstrip("\n"), f"version: {catalog.version}", "indicators:",
             *map(line, catalog.indicators)]
    parts += ["derived:", *map(line, catalog.derived)] if catalog.derived else ["derived: []"]
    parts += ["rules:", *map(line, catalog.rules)] if catalog.rules else ["rules: []"]
    return "\n".join(parts) + "\n"


def header_of(text: str) -> str:
    """The comment lines at the top of the file (what the keys mean), kept as they were."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n" if lines else "# 指标目录，说明见 docs/operations/config-files.md。\n"


def write_catalog_text(path: Path, text: str) -> Path:
    Catalog(**load_yaml(text))  # what is written must load back as a catalog, or nothing is written
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
