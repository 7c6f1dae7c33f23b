"""The unit registry (units.yaml, DESIGN §6): the township and its reporting units."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas import load_yaml

UnitKind = Literal["village", "community", "office"]


class Township(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    name: str
    county: str = ""


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(pattern=r"^[0-9A-Za-z_-]{1,40}$")  # also a folder name: no path characters
    name: str
    kind: UnitKind = "village"
    contact: str = ""
    phone: str = ""


class Registry(BaseModel):
    model_config = ConfigDict(frozen=True)
    township: Township
    units: tuple[Unit, ...]

    @model_validator(mode="after")
    def _unique_codes(self) -> Registry:
        codes = [u.code for u in self.units]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"units.yaml: duplicate unit codes {dupes}")
        return self

    def by_code(self) -> Mapping[str, Unit]:
        return self.code_table

    @cached_property
    def code_table(self) -> Mapping[str, Unit]:  # built once (frozen), not once per file
        return {u.code: u for u in self.units}


def load_registry(path: Path) -> Registry:
    return Registry(**load_yaml(path.read_text(encoding="utf-8")))


def dump_registry(registry: Registry) -> str:
    lines = ["# The township and its reporting units (DESIGN §6). The code is also the unit's inbox folder.",
             f"township: {{code: \"{registry.township.code}\", name: {registry.township.name}, "
             f"county: {registry.township.county}}}", "units:"]
    for u in registry.units:
        extra = "".join(f", {k}: \"{v}\"" for k, v in (("contact", u.contact), ("phone", u.phone)) if v)
        lines.append(f"  - {{code: \"{u.code}\", name: {u.name}, kind: {u.kind}{extra}}}")
    return "\n".join(lines) + "\n"
