"""The unit registry (units.yaml, DESIGN §6): the township and its reporting units."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas import load_yaml
from schemas.problems import ContractError, Problem, model_fields, validation_problems
from schemas.snapshots import snapshotted

# A misspelt field is refused, never silently ignored. Validators are built on first use: a command that
# finds its snapshot (schemas/snapshots.py) builds none.
STRICT = ConfigDict(frozen=True, extra="forbid", defer_build=True)

UnitKind = Literal["village", "community", "office"]


class Township(BaseModel):
    model_config = STRICT
    code: str
    name: str
    county: str = ""


class Unit(BaseModel):
    model_config = STRICT
    code: str = Field(pattern=r"^[0-9A-Za-z_-]{1,40}$")  # also a folder name: no path characters
    name: str
    kind: UnitKind = "village"
    contact: str = ""
    phone: str = ""


class Registry(BaseModel):
    model_config = STRICT
    township: Township
    units: tuple[Unit, ...]

    @model_validator(mode="after")
    def _unique_codes(self) -> Registry:
        codes = [u.code for u in self.units]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"单位代码重复：{'、'.join(dupes)}，每个单位的代码必须不同")
        return self

    def by_code(self) -> Mapping[str, Unit]:
        return self.code_table

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
        return Registry(**data)
    except ValidationError as exc:
        raise ContractError(path.name, validation_problems(exc, text, model_fields(Registry), yaml=True)) from None


HEADER = "# 本乡镇及其报送单位，说明见 docs/operations/config-files.md。单位代码也是它在 inbox/ 中的文件夹名。\n"


def dump_registry(registry: Registry) -> str:
    """YAML written by a YAML library: a name with a comma, a colon or quotes survives the round trip.
    One unit a line (flow style), codes always quoted so they stay text."""
    import yaml

    def entry(model: BaseModel, keep: tuple[str, ...]) -> dict:
        return {k: v for k, v in model.model_dump().items() if k in keep or v}

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
