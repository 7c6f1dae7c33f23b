"""The return's table checked by small units, as frictionless checks a table: the rows are read once
into plain values (`read_table`), then each `Check` declares the findings it may give and yields them
from those rows alone. No check reads what another appended: "the table is empty" is decided from the
rows and from whether the return is already refused (given, not looked up), so every check can be
listed (`CHECKS`) and tested by itself."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from schemas.catalog import label_key
from schemas.findings import Finding, finding
from tasks.returns.checked import Context, Value, text_of
from tasks.returns.numbers import Count, parse_count, suggestion
from tasks.returns.read import Cell, RawReturn

COUNT_WARNINGS = ("W_CHINESE_NUMERAL", "W_FULLWIDTH", "W_THOUSANDS", "W_UNIT_SUFFIX")
COUNT_ERRORS = ("E_APPROX", "E_FRACTION", "E_NEGATIVE", "E_NOT_A_NUMBER", "E_TOO_LARGE")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the table as read, before any judgement."""
    code: str | None        # the catalog's indicator it names (by code, else by name); None: none
    label: str              # what the row calls itself, for a message ("" when nothing)
    label_place: str
    place: str              # its 本期数量 cell
    raw: str                # that cell as text
    empty: bool             # nothing typed in that cell
    error_text: str | None  # an error value the cell shows (#REF!)
    formula: bool           # the cell holds a formula
    note: str
    first_at: str | None    # where the same indicator was given first (this row repeats it)
    count: Count | None     # the parsed count (None: unknown, repeated or an error cell)


@dataclass(frozen=True)
class Table:
    sheet: str
    rows: tuple[Row, ...]
    total: Cell | None
    ctx: Context


def read_table(ret: RawReturn, ctx: Context) -> Table:
    lookup = ctx.catalog.lookup()
    by_code = ctx.catalog.by_code()
    seen_at: dict[str, str] = {}
    rows: list[Row] = []
    for row in ret.rows:
        code = lookup.get(label_key(row.code.value)) if row.code.value != "" else None
        code = code or (lookup.get(label_key(row.name.value)) if row.name.value != "" else None)
        where = row.value.place.split("!", 1)[-1]
        error_text = ret.marks.errors.get(where)
        named = text_of(row.name)
        first_at = seen_at.get(code) if code else None
        if code and first_at is None:
            seen_at[code] = row.value.place
        count = (parse_count(row.value.value, by_code[code].unit, ctx.max_count)
                 if code and first_at is None and not error_text else None)
        rows.append(Row(code, named or text_of(row.code), row.name.place if named else row.code.place,
                        row.value.place, text_of(row.value), row.value.value == "", error_text,
                        where in ret.marks.formulas, text_of(row.note), first_at, count))
    return Table(ret.sheet, tuple(rows), ret.total, ctx)


def values_of(table: Table) -> list[Value]:
    """What will be stored: each known indicator's first row whose count was read (a blank is 0, marked
    by its empty `raw`)."""
    return [Value(r.code, r.count.value or 0, r.raw, r.place, r.note) for r in table.rows
            if r.code and r.count is not None and not r.count.error]


def unknown_indicator(table: Table) -> Iterator[Finding]:
    for r in table.rows:
        if r.code is None and (not r.empty or r.error_text):
            yield finding("E_UNKNOWN_INDICATOR", r.label_place or r.place, value=r.label or "（空）")


def repeated_indicator(table: Table) -> Iterator[Finding]:
    by_code = table.ctx.catalog.by_code()
    for r in table.rows:
        if r.code and r.first_at:
            yield finding("E_DUPLICATE_INDICATOR", r.place, value=by_code[r.code].name, expected=r.first_at)


def error_cell(table: Table) -> Iterator[Finding]:
    for r in table.rows:
        if r.code and not r.first_at and r.error_text:
            yield finding("E_CELL_ERROR", r.place, value=r.error_text)


def count_written(table: Table) -> Iterator[Finding]:
    """How each count was written: accepted with a warning (全角, 千分位, 带单位, 汉字), or refused."""
    for r in table.rows:
        if r.count is None:
            continue
        for w in r.count.warnings:
            yield finding(w, r.place, value=r.raw, parsed=r.count.value if r.count.value is not None else "")
        if r.count.error:
            yield finding(r.count.error, r.place, value=r.raw, parsed=suggestion(r.count.error, r.raw))


def formula_cell(table: Table) -> Iterator[Finding]:
    for r in table.rows:
        if r.count is not None and not r.count.error and r.formula and r.count.value is not None:
            yield finding("W_FORMULA", r.place, value=r.raw, parsed=r.count.value)


def absent_indicator(table: Table) -> Iterator[Finding]:
    """An indicator the return is asked for (some template states it) and no row gives."""
    given = {r.code for r in table.rows if r.code}
    asked = table.ctx.asked
    for ind in table.ctx.catalog.indicators:
        if ind.code not in given and (asked is None or ind.code in asked):
            yield finding("W_INDICATOR_ABSENT", table.sheet, value=ind.name)


def total_row(table: Table) -> Iterator[Finding]:
    if table.total is None or table.total.value == "":
        return
    total = parse_count(table.total.value, "", 10 * table.ctx.max_count).value
    summed = sum(v.value for v in values_of(table))
    if total is not None and total != summed:
        yield finding("W_TOTAL_MISMATCH", table.total.place, value=total, parsed=summed)


def empty_table(table: Table, refused: bool) -> Iterator[Finding]:
    """Not one count typed: refused (如本月确实都为 0，请填写 0), so the unit stays on the 催报 list —
    unless the return is refused already for another reason (one message is enough)."""
    if not refused and not any(r.count is not None and r.count.value is not None for r in table.rows):
        yield finding("E_ALL_EMPTY", table.sheet)


@dataclass(frozen=True)
class Check:
    name: str
    codes: tuple[str, ...]                          # the findings it may give
    run: Callable[[Table], Iterable[Finding]]


CHECKS: tuple[Check, ...] = (
    Check("unknown_indicator", ("E_UNKNOWN_INDICATOR",), unknown_indicator),
    Check("repeated_indicator", ("E_DUPLICATE_INDICATOR",), repeated_indicator),
    Check("error_cell", ("E_CELL_ERROR",), error_cell),
    Check("count_written", COUNT_WARNINGS + COUNT_ERRORS, count_written),
    Check("formula_cell", ("W_FORMULA",), formula_cell),
    Check("absent_indicator", ("W_INDICATOR_ABSENT",), absent_indicator),
    Check("total_row", ("W_TOTAL_MISMATCH",), total_row),
)
EMPTY_TABLE = Check("empty_table", ("E_ALL_EMPTY",), lambda table: empty_table(table, refused=False))
