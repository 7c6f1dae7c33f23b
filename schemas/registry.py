"""The unit registry (units.yaml, DESIGN §6): the township and its reporting units."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from schemas import load_yaml
from schemas.problems import ContractError, Problem, model_fields, validation_problems, yaml_line
from schemas.registry_time import timeline_problems
from schemas.snapshots import snapshotted

# A misspelt field is refused, never silently ignored. Validators are built on first use: a command that
# finds its snapshot (schemas/snapshots.py) builds none.
STRICT = ConfigDict(frozen=True, extra="forbid", defer_build=True)

UnitKind = Literal["village", "community", "office"]
# "from" is a Python keyword: the field is from_, written `from:` in units.yaml
TIMED = ConfigDict(frozen=True, extra="forbid", defer_build=True, populate_by_name=True)


def _month(value: object) -> str | None:
    """A month of the registry's time (2025-07); YAML may hand over a date or a number."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
        return text
    raise ValueError(f"应为年月，如 2025-07（这里是“{value}”）")


class FormerName(BaseModel):
    """A name the unit carried up to and including `until` (a dated `names:` history)."""
    model_config = STRICT
    name: str
    until: str

    @field_validator("until", mode="before")
    @classmethod
    def month_of_until(cls, value: object) -> str | None:
        return _month(value)


class Township(BaseModel):
    model_config = STRICT
    code: str
    name: str
    county: str = ""


class Unit(BaseModel):
    code: str = Field(pattern=r"^[0-9A-Za-z_-]{1,40}$")  # also a folder name: no path characters
    name: str
    kind: UnitKind = "village"
    contact: str = ""
    phone: str = ""
    # in time (schemas/registry_time.py): the first and last month it reports, who reports after it
    from_: str | None = Field(None, alias="from")
    until: str | None = None
    merged_into: str | None = None
    renamed_from: str | None = None
    names: tuple[FormerName, ...] = ()

    model_config = TIMED
    @field_validator("from_", "until", mode="before")
    @classmethod
    def months(cls, value: object) -> str | None:
        return _month(value)


class Registry(BaseModel):
    model_config = STRICT
    township: Township
    units: tuple[Unit, ...]

    def by_code(self) -> Mapping[str, Unit]:
        return self.code_table

    def history_of(self, code: str) -> tuple[str, ...]:
        """The units whose months are `code`'s history (merged into it, renamed to it)."""
        from schemas.registry_time import predecessors

        return tuple(predecessors(self, code))

    @cached_property
    def code_table(self) -> Mapping[str, Unit]:  # built once (frozen), not once per file
        return {u.code: u for u in self.units}


@snapshotted
def load_registry(path: Path) -> Registry:
    """units.yaml as a model; anything wrong in it a `ContractError` naming the line and the field."""
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContractError(path.name, [Problem("", mark.line + 1 if mark else None,
                                                "YAML 格式错误：请检查缩进、冒号和引号（含逗号的名称要加引号）")]) from None
    if not isinstance(data, dict):
        raise ContractError(path.name, [Problem("", None, "应含 township: 和 units: 两部分，请对照 township init 生成的示例")])
    try:
        registry = Registry(**data)
    except ValidationError as exc:
        raise ContractError(path.name, validation_problems(exc, text, model_fields(Registry), yaml=True)) from None
    # codes used twice, merges into nowhere, cycles: only the whole list can tell (the first code's line kept)
    found = timeline_problems(registry)
    if found:
        raise ContractError(path.name, [Problem(".".join(map(str, loc)), yaml_line(text, loc), message)
                                        for loc, message in found])
    return registry


HEADER = "# The township and its reporting units (DESIGN §6). The code is also the unit's inbox folder.\n"


def dump_registry(registry: Registry) -> str:
    """YAML written by a YAML library: a name with a comma, a colon or quotes survives the round trip.
    One unit a line (flow style), codes always quoted so they stay text."""
    import yaml

    def entry(model: BaseModel, keep: tuple[str, ...]) -> dict:
        return {k: v for k, v in model.model_dump(by_alias=True).items() if k in keep or v}

    doc = {"township": entry(registry.township, ("code", "name")),
           "units": [entry(u, ("code", "name", "kind")) for u in registry.units]}
    return HEADER + yaml.dump(doc, Dumper=_quoted_dumper(), allow_unicode=True, sort_keys=False,
                              default_flow_style=None, width=1000)


def _quoted_dumper():
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str):  # digits stay text: "410423105201", not a number
        style = '"' if value.isdigit() else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper
