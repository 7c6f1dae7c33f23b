"""Validating a RawReturn against the registry and the catalog (DESIGN §4).

Every rule yields findings with a place; nothing stops at the first problem. Pure: the folder the
file came from, the registry, the catalog and today's date are all parameters.
"""
from __future__ import annotations

import datetime as dt
import operator
import statistics
from dataclasses import dataclass

from schemas.catalog import Catalog, Rule, label_key
from schemas.findings import Finding, finding
from schemas.registry import Registry
from tasks.returns.numbers import parse_count, suggestion
from tasks.returns.periods import in_words, is_future, month_of, parse_period
from tasks.returns.read import Cell, RawReturn
from tasks.returns.unit_time import unit_time_findings
from tasks.returns.unseen import unseen_findings

OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
       "==": operator.eq, "!=": operator.ne}


@dataclass(frozen=True, slots=True)
class Value:
    indicator: str
    value: int
    raw: str
    place: str
    note: str = ""


@dataclass(frozen=True)
class Checked:
    """A validated return: what will be stored if no finding is an error."""
    unit: str                 # the folder's unit: identity comes from where the file was dropped
    declared_unit: str        # what the file says
    period: str | None
    values: tuple[Value, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


@dataclass(frozen=True)
class Context:
    folder: str
    registry: Registry
    catalog: Catalog
    today: dt.date
    max_count: int = 1_000_000


def validate(ret: RawReturn, ctx: Context) -> Checked:
    findings: list[Finding] = unseen_findings(ret)  # first: with one of these, a blank table is no E_ALL_EMPTY
    declared = _identity(ret, ctx, findings)
    period = _period(ret, ctx, findings)
    findings = unit_time_findings(ctx.registry, ctx.folder, period, ret, ctx.today, findings, declared)
    values = _rows(ret, ctx, findings)
    _total(ret, values, ctx, findings)
    findings.extend(rule_findings(ctx.catalog.rules, values, ret.sheet))
    return Checked(ctx.folder, declared, period, tuple(values), tuple(findings))


def _text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    v = cell.value
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a unit code typed into a number cell
    return str(v).strip()


def _identity(ret: RawReturn, ctx: Context, out: list[Finding]) -> str:
    units = ctx.registry.by_code()
    folder_unit = units.get(ctx.folder)
    if folder_unit is None:
        out.append(finding("E_FOLDER_UNREGISTERED", value=ctx.folder))
    code_cell = ret.fields.get("unit_code")
    code = _text(code_cell)
    place = code_cell.place if code_cell else f"{ret.sheet}!D2"
    expected = ctx.folder
    if not code:
        out.append(finding("E_UNIT_CODE_MISSING", place, expected=expected))
    elif code not in units:
        out.append(finding("E_UNIT_UNKNOWN", place, value=code, expected=expected))
    elif folder_unit is not None and code != ctx.folder:
        out.append(finding("E_UNIT_MISMATCH", place, value=code, detail=units[code].name,
                           expected=f"{folder_unit.name}（{folder_unit.code}）"))
    name_cell = ret.fields.get("unit_name")
    name = _text(name_cell)
    if folder_unit is not None and code == ctx.folder and name and label_key(name) != label_key(folder_unit.name):
        out.append(finding("W_UNIT_NAME_DIFFERS", name_cell.place, value=name, expected=folder_unit.name))
    return code


def _period(ret: RawReturn, ctx: Context, out: list[Finding]) -> str | None:
    cell = ret.fields.get("period")
    place = cell.place if cell else f"{ret.sheet}!F2"
    parsed = parse_period(cell.value if cell else None)
    now = month_of(ctx.today, -1)  # the month due now: the example hints give
    if parsed.error:
        out.append(finding(parsed.error, place, value=_text(cell), expected=now, detail=in_words(now)))
        return None
    assert parsed.period is not None
    if parsed.warning:
        out.append(finding(parsed.warning, place, value=_text(cell), parsed=parsed.period, expected=now))
    if is_future(parsed.period, ctx.today):
        out.append(finding("E_PERIOD_FUTURE", place, value=parsed.period, expected=now, detail=in_words(now)))
    return parsed.period


def _rows(ret: RawReturn, ctx: Context, out: list[Finding]) -> list[Value]:
    lookup = ctx.catalog.lookup()
    by_code = ctx.catalog.by_code()
    values: dict[str, Value] = {}
    seen_at: dict[str, str] = {}
    any_filled = False
    for row in ret.rows:
        code = lookup.get(label_key(row.code.value)) if row.code.value != "" else None
        code = code or (lookup.get(label_key(row.name.value)) if row.name.value != "" else None)
        where = row.value.place.split("!", 1)[-1]
        error_text = ret.marks.errors.get(where)
        if code is None:
            if row.value.value != "" or error_text:
                label = _text(row.name) or _text(row.code)
                place = row.name.place if _text(row.name) else row.code.place
                out.append(finding("E_UNKNOWN_INDICATOR", place or row.value.place, value=label or "（空）"))
            continue
        if code in seen_at:
            out.append(finding("E_DUPLICATE_INDICATOR", row.value.place, value=by_code[code].name,
                               expected=seen_at[code]))
            continue
        seen_at[code] = row.value.place
        if error_text:
            out.append(finding("E_CELL_ERROR", row.value.place, value=error_text))
            continue
        count = parse_count(row.value.value, by_code[code].unit, ctx.max_count)
        raw = _text(row.value)
        for w in count.warnings:
            out.append(finding(w, row.value.place, value=raw, parsed=count.value if count.value is not None else ""))
        if count.error:
            out.append(finding(count.error, row.value.place, value=raw, parsed=suggestion(count.error, raw)))
            continue
        if where in ret.marks.formulas and count.value is not None:
            out.append(finding("W_FORMULA", row.value.place, value=raw, parsed=count.value))
        any_filled = any_filled or count.value is not None
        note = _text(row.note)
        values[code] = Value(code, count.value or 0, raw, row.value.place, note)
    for ind in ctx.catalog.indicators:
        if ind.code not in seen_at:
            out.append(finding("W_INDICATOR_ABSENT", f"{ret.sheet}", value=ind.name))
    if not any_filled and not any(f.level == "error" for f in out):
        out.append(finding("E_ALL_EMPTY", f"{ret.sheet}"))  # refused: the unit stays on the 催报 list
    return list(values.values())


def _total(ret: RawReturn, values: list[Value], ctx: Context, out: list[Finding]) -> None:
    if ret.total is None or ret.total.value == "":
        return
    total = parse_count(ret.total.value, "", 10 * ctx.max_count).value
    summed = sum(v.value for v in values)
    if total is not None and total != summed:
        out.append(finding("W_TOTAL_MISMATCH", ret.total.place, value=total, parsed=summed))


def rule_findings(rules: tuple[Rule, ...], values: list[Value], sheet: str) -> list[Finding]:
    by_code = {v.indicator: v for v in values}
    found: list[Finding] = []
    for rule in rules:
        left = sum(by_code[t].value for t in rule.terms("left") if t in by_code)
        right = sum(by_code[t].value for t in rule.terms("right") if t in by_code)
        if not OPS[rule.op](left, right):
            place = next((by_code[t].place for t in rule.terms("left") if t in by_code), sheet)
            code = "E_RULE" if rule.level == "error" else "W_RULE"
            found.append(finding(code, place, value=f"{rule.left}={left}，{rule.right}={right}",
                                 detail=rule.message))
    return found


def outlier_findings(values: tuple[Value, ...], history: dict[str, list[int]], factor: float,
                     floor: int) -> list[Finding]:
    """A value far above the unit's own earlier months: > factor × their median and > floor."""
    found: list[Finding] = []
    for v in values:
        earlier = history.get(v.indicator, [])
        if len(earlier) < 3:
            continue  # too little history to call anything unusual
        median = statistics.median(earlier)
        if v.value > floor and v.value > factor * median:
            found.append(finding("W_OUTLIER", v.place, value=v.value, expected=f"{median:g}"))
    return found
