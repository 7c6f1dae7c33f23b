"""What is wrong in a file a person wrote (township.toml, units.yaml, indicators.yaml), said in Chinese
with its place: the file, the line, the key. A `ContractError` carries them as values; the CLI and the
flows print it as it is (the settings are the operator's to mend, never a traceback's to explain)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ContractProblem:
    key: str            # dotted path in the file: limits.read_timeout_s, units.2.name
    line: int | None    # 1-based, where it could be found
    message: str        # Chinese: what is wrong and what would be right

    def place(self, file: str) -> str:
        return f"{file} 第 {self.line} 行" if self.line else file


class ContractError(ValueError):
    """A settings, registry or catalog file that cannot be used as written; terminal."""

    def __init__(self, file: str, problems: list[ContractProblem]):
        self.file = file
        self.problems = tuple(problems)
        super().__init__(self.text())

    def text(self) -> str:
        lines = [f"{p.place(self.file)}" + (f"（{p.key}）" if p.key else "") + f"：{p.message}"
                 for p in self.problems]
        return "\n".join(lines) + f"\n请修改 {self.file} 后重试。"


# ---- where a key is --------------------------------------------------------------------------------
TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
TOML_KEY = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.-]+)\s*=")


def toml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of `loc` (table…, key[, index]) in TOML text; else of the key holding it (an inline table,
    an array), else of its table's header (a missing key)."""
    keys = [str(k) for k in loc if not isinstance(k, int)]
    table: list[str] = []
    near: int | None = None
    for n, raw in enumerate(text.splitlines(), start=1):
        if m := TOML_TABLE.match(raw):
            table = [p.strip().strip("\"'") for p in m[1].split(".")]
            if near is None and table in (keys, keys[:-1]):
                near = n
            continue
        if m := TOML_KEY.match(raw):
            path = table + [p.strip().strip("\"'") for p in m[1].split(".")]
            if path == keys:
                return n
            if path == keys[:len(path)]:
                near = n
    return near


def yaml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of `loc` in YAML text, followed through the composed node tree (PyYAML keeps marks)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == str(part)]
            if not found:
                return line
            key, node = found[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# ---- pydantic's errors in Chinese ----------------------------------------------------------------
KINDS = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数，这里是“{input}”", "int_type": "应为整数，这里是“{input}”",
    "int_from_float": "应为整数，这里是“{input}”",
    "float_parsing": "应为数字，这里是“{input}”", "float_type": "应为数字，这里是“{input}”",
    "bool_parsing": "应为 true 或 false，这里是“{input}”", "bool_type": "应为 true 或 false，这里是“{input}”",
    "string_type": "应为加引号的文本，这里是“{input}”",
    "greater_than_equal": "不能小于 {ge}（这里是 {input}）", "greater_than": "应大于 {gt}（这里是 {input}）",
    "less_than_equal": "不能大于 {le}（这里是 {input}）", "less_than": "应小于 {lt}（这里是 {input}）",
    "literal_error": "只能是 {expected}（这里是“{input}”）",
    "string_pattern_mismatch": "格式不对（这里是“{input}”），只能用字母、数字、下划线和短横线",
    "date_parsing": "应为日期，如 2027-01-01（这里是“{input}”）", "date_type": "应为日期，如 2027-01-01",
    "date_from_datetime_parsing": "应为日期，如 2027-01-01（这里是“{input}”）",
    "tuple_type": "应为列表，如 [\"…\", \"…\"]", "list_type": "应为列表，如 [\"…\", \"…\"]",
    "model_type": "应为一组设置（一个表）", "dict_type": "应为一组设置（一个表）",
    "model_attributes_type": "应为一组设置（一个表）",
}


def explain(error: dict, fields: dict[str, set[str]]) -> str:
    """One pydantic error as Chinese. fields: every table's known keys ("" is the top level), for
    naming the right table of a key put under the wrong one, or the key a misspelt one meant."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return unknown_key(error["loc"], fields)
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    words = {k: _plain(v) for k, v in {"input": error.get("input"), **(error.get("ctx") or {})}.items()}
    template = KINDS.get(kind)
    if template is None:
        return f"取值无效（这里是“{words['input']}”）"
    try:
        return template.format(**words)
    except (KeyError, IndexError):
        return template.split("（")[0]


def _plain(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def unknown_key(loc: tuple[Any, ...], fields: dict[str, set[str]]) -> str:
    key = str(loc[-1])
    table = ".".join(str(p) for p in loc[:-1] if not isinstance(p, int))
    where = f"[{table}] 中" if table else "文件开头（第一个 [表] 之前）"
    homes = [t for t, keys in fields.items() if key in keys and t != table]
    if homes:
        right = f" [{homes[0]}] 表中" if homes[0] else "文件开头（第一个 [表] 之前）"
        return f"{where}没有“{key}”这一项：它应写在{right}"
    close = difflib.get_close_matches(key, sorted(fields.get(table, ())), n=1, cutoff=0.6)
    return f"{where}没有“{key}”这一项" + (f"，是否应为“{close[0]}”？" if close else "，请删去或改正")


def model_fields(model: type, prefix: str = "") -> dict[str, set[str]]:
    """Each table (dotted path) of a pydantic model → its keys, following nested models."""
    from pydantic import BaseModel

    out: dict[str, set[str]] = {prefix: set(model.model_fields)}
    for name, info in model.model_fields.items():
        for kind in (info.annotation, *getattr(info.annotation, "__args__", ())):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                out.update(model_fields(kind, f"{prefix}.{name}" if prefix else name))
    return out


def validation_problems(exc, text: str, fields: dict[str, set[str]], yaml: bool = False) -> list[ContractProblem]:
    finder = yaml_line if yaml else toml_line
    return [ContractProblem(".".join(str(p) for p in e["loc"]), finder(text, tuple(e["loc"])), explain(e, fields))
            for e in exc.errors()]
