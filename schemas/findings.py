"""Findings are values: a stable code, a level, a place (报表!E9) and a Chinese message.

Validators return lists of findings and never raise for bad data (STYLE.md §3). The wording lives in
findings.yaml so that a township can adjust it without touching code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from schemas import default_file, load_yaml
from schemas.snapshots import snapshotted

Level = Literal["error", "warning", "info"]
FILE_PLACE = "文件"  # place of findings about the file as a whole


class FindingSpec(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    level: Level
    message: str
    hint: str = ""
    hint_bare: str = ""  # the hint when the finding has no {parsed} to offer


@lru_cache(maxsize=1)
def finding_specs() -> dict[str, FindingSpec]:
    """The catalogue of finding codes; package data, read once per process (and kept between
    processes: snapshots.py)."""
    return _load_specs(default_file("findings.yaml"))


@snapshotted
def _load_specs(path: Path) -> dict[str, FindingSpec]:
    raw = load_yaml(path.read_text(encoding="utf-8"))
    return {code: FindingSpec(**spec) for code, spec in raw["findings"].items()}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    level: Level
    place: str
    message: str
    hint: str = ""
    value: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "level": self.level, "place": self.place,
                "message": self.message, "hint": self.hint, "value": self.value}


@dataclass(frozen=True, slots=True)
class Params:
    """What a message template may mention."""
    value: object = ""
    expected: object = ""
    parsed: object = ""
    detail: object = ""
    extra: dict = field(default_factory=dict)


def finding(code: str, place: str = FILE_PLACE, *, value: object = "", expected: object = "",
            parsed: object = "", detail: object = "", level: Level | None = None) -> Finding:
    """Build a finding from its code; the message comes from the catalogue's template."""
    spec = finding_specs()[code]
    words = {"value": _show(value), "expected": _show(expected), "parsed": _show(parsed),
             "detail": _show(detail)}
    return Finding(code=code, level=level or spec.level, place=place,
                   message=spec.message.format(**words),
                   hint=(spec.hint_bare if spec.hint_bare and not words["parsed"] else spec.hint).format(**words),
                   value=_show(value))


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def worst_level(findings: list[Finding]) -> Level | None:
    levels = {f.level for f in findings}
    for level in ("error", "warning", "info"):
        if level in levels:
            return level  # type: ignore[return-value]
    return None
