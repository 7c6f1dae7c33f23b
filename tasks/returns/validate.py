"""Validating a RawReturn against the registry and the catalog (DESIGN §4).

Every rule yields findings with a place; nothing stops at the first problem. Pure: the folder the
file came from, the registry, the catalog and today's date are all parameters.
"""
from __future__ import annotations

import operator
import statistics

from schemas.catalog import Rule, label_key
from schemas.findings import Finding, finding
from tasks.returns.checked import Checked, Context, Value, text_of
from tasks.returns.periods import in_words, is_future, month_of, parse_period
from tasks.returns.read import RawReturn
from tasks.returns.table_checks import CHECKS, empty_table, read_table, values_of
from tasks.returns.unit_time import unit_time_findings
from tasks.returns.unseen import unseen_findings

__all__ = ["Checked", "Context", "Value", "validate", "rule_findings", "outlier_findings"]  # as before the split

OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
       "==": operator.eq, "!=": operator.ne}


def validate(ret: RawReturn, ctx: Context) -> Checked:
    """Every check, each finding with its place; nothing stops at the first problem. The header's checks
    (identity, period, the registry's time) and then the table's (tasks/returns/table_checks.py), each
    a unit that yields its findings; the table is empty (E_ALL_EMPTY) only said of a return not refused
    already."""
    findings: list[Finding] = unseen_findings(ret)  # first: with one of these, a blank table is no E_ALL_EMPTY
    declared = _identity(ret, ctx, findings)
    period = _period(ret, ctx, findings)
    findings = unit_time_findings(ctx.registry, ctx.folder, period, ret, ctx.today, findings, declared)
    table = read_table(ret, ctx)
    for check in CHECKS:
        findings.extend(check.run(table))
    findings.extend(empty_table(table, refused=any(f.level == "error" for f in findings)))
    values = values_of(table)
    findings.extend(rule_findings(ctx.catalog.rules, values, ret.sheet))
    return Checked(ctx.folder, declared, period, tuple(values), tuple(findings))


def _identity(ret: RawReturn, ctx: Context, out: list[Finding]) -> str:
    units = ctx.registry.by_code()
    folder_unit = units.get(ctx.folder)
    if folder_unit is None:
        out.append(finding("E_FOLDER_UNREGISTERED", value=ctx.folder))
    code_cell = ret.fields.get("unit_code")
    code = text_of(code_cell)
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
    name = text_of(name_cell)
    if folder_unit is not None and code == ctx.folder and name and label_key(name) != label_key(folder_unit.name):
        out.append(finding("W_UNIT_NAME_DIFFERS", name_cell.place, value=name, expected=folder_unit.name))
    return code


def _period(ret: RawReturn, ctx: Context, out: list[Finding]) -> str | None:
    cell = ret.fields.get("period")
    place = cell.place if cell else f"{ret.sheet}!F2"
    parsed = parse_period(cell.value if cell else None)
    now = month_of(ctx.today, -1)  # the month due now: the example hints give
    if parsed.error:
        out.append(finding(parsed.error, place, value=text_of(cell), expected=now, detail=in_words(now)))
        return None
    assert parsed.period is not None
    if parsed.warning:
        out.append(finding(parsed.warning, place, value=text_of(cell), parsed=parsed.period, expected=now))
    if is_future(parsed.period, ctx.today):
        out.append(finding("E_PERIOD_FUTURE", place, value=parsed.period, expected=now, detail=in_words(now)))
    return parsed.period


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
