"""Reading a dropped file into a RawReturn with python-calamine, finding every field by its label.

The declared sheet dimension is never trusted (WPS writes A1:A1): the grid is read as calamine finds
the cells. Refusals come back as findings, never as exceptions.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import python_calamine as pc

from schemas.catalog import label_key
from schemas.findings import Finding, finding
from schemas.return_layout import ReturnLayout, return_layout
from tasks.returns.cell_marks import NONE, CellMarks, xlsx_marks
from tasks.returns.cell_refs import column_letter
from tasks.returns.other_marks import ods_marks, xls_marks
from tasks.returns.sniff import Sniffed, sniff

HEADER_SCAN_ROWS = 60  # the header block sits near the top; inserted rows and logos push it down a little


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    place: str  # 报表!E9


@dataclass(frozen=True, slots=True)
class ReturnRow:
    row: int
    code: Cell
    name: Cell
    value: Cell
    note: Cell | None


@dataclass(frozen=True)
class RawReturn:
    format: str
    sheet: str
    fields: dict[str, Cell]           # unit_name, unit_code, period, … (absent when not found)
    rows: tuple[ReturnRow, ...]
    total: Cell | None = None         # the value of a trailing 合计 row, if any
    marks: CellMarks = NONE           # error and formula cells of the sheet, hidden rows and columns
    grid: tuple[tuple[object, ...], ...] = ()  # the sheet as read, for the receipt's copy
    extra_fields: dict[str, str] = field(default_factory=dict)
    value_column: int = -1            # 0-based, of 本期数量
    merged: tuple[tuple[int, int, int, int], ...] = ()  # 0-based (r1, c1, r2, c2)
    hidden_sheet: bool = False        # read from a hidden sheet: no visible one holds a return
    twins: tuple[str, ...] = ()       # other visible sheets of the same name that hold a return too


@dataclass(frozen=True)
class ReadResult:
    sniffed: Sniffed
    ret: RawReturn | None
    findings: tuple[Finding, ...] = ()


def read_return(data: bytes, layout: ReturnLayout | None = None, marks: bool | None = None,
                sniffed: Sniffed | None = None) -> ReadResult:
    """marks=False: a pre-check saw no formula or error cell, so they are not looked for again.
    sniffed: the format, when the caller has already decided it from the bytes."""
    layout = layout or return_layout()
    sniffed = sniffed or sniff(data)
    if not sniffed.readable:
        return ReadResult(sniffed, None, (_refusal(sniffed),))
    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        return ReadResult(sniffed, None, (finding("E_ENCRYPTED"),))
    except BaseException as exc:  # noqa: BLE001 — calamine's Rust panics arrive as BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return ReadResult(sniffed, None, (finding("E_CORRUPT", detail=_short(exc)),))
    try:
        return _read_workbook(workbook, sniffed, data, layout, marks)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return ReadResult(sniffed, None, (finding("E_UNREADABLE", detail=_short(exc)),))
    finally:
        workbook.close()


def _refusal(sniffed: Sniffed) -> Finding:
    if sniffed.kind == "empty":
        return finding("E_EMPTY_FILE")
    if sniffed.kind == "encrypted":
        return finding("E_ENCRYPTED")
    if sniffed.kind == "receipt":
        return finding("E_RECEIPT")
    if sniffed.kind == "corrupt":
        return finding("E_CORRUPT", detail=sniffed.detail)
    return finding("E_FORMAT_UNSUPPORTED", value=sniffed.label)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _read_workbook(workbook: pc.CalamineWorkbook, sniffed: Sniffed, data: bytes,
                   layout: ReturnLayout, look_for_marks: bool | None) -> ReadResult:
    """The first sheet holding a return's header: visible sheets before hidden ones (a clerk never saw a
    hidden one: a veryHidden 报表 must not win over the visible table), 报表 before other names. By index,
    never by name: a crafted workbook may name two sheets alike."""
    header_labels = {label_key(lbl) for role in ("code", "name") for lbl in layout.columns[role].labels}
    value_labels = {label_key(lbl) for lbl in layout.columns["value"].labels}
    metas = workbook.sheets_metadata
    wanted = label_key(layout.sheet)
    shown = [m.visible == pc.SheetVisibleEnum.Visible for m in metas]
    preferred = [label_key(m.name) == wanted for m in metas]
    for i in sorted(range(len(metas)), key=lambda i: (not shown[i], not preferred[i], i)):
        sheet = workbook.get_sheet_by_index(i)
        grid = sheet.to_python(skip_empty_area=False, nrows=None)
        header = _find_header(grid, header_labels, value_labels)
        if header is None:
            continue
        marks = NONE if look_for_marks is False else _marks(sniffed.kind, data, i)
        merged = marks.merged if marks.merged is not None else tuple(
            (r1, c1, r2, c2) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ())
        twins = tuple(metas[j].name for j in range(len(metas)) if j != i and shown[i] and shown[j] and preferred[i]
                      and preferred[j] and _holds_return(workbook, j, header_labels, value_labels))
        ret = _parse_sheet(sniffed.kind, metas[i].name, grid, header, marks, layout)
        return ReadResult(sniffed, replace(ret, merged=merged, hidden_sheet=not shown[i], twins=twins))
    return ReadResult(sniffed, None, (finding("E_NOT_A_RETURN"),))


def _holds_return(workbook: pc.CalamineWorkbook, index: int, header_labels: set[str], value_labels: set[str]) -> bool:
    grid = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
    return _find_header(grid, header_labels, value_labels) is not None


def _find_header(grid: list[list[object]], header_labels: set[str], value_labels: set[str]) -> int | None:
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        keys = {label_key(v) for v in row if isinstance(v, str) and v}
        if keys & header_labels and keys & value_labels:
            return r
    return None


def _marks(kind: str, data: bytes, sheet_index: int) -> CellMarks:
    if kind in ("xlsx", "xlsm"):
        return xlsx_marks(data, sheet_index)
    if kind == "ods":
        return ods_marks(data, sheet_index)
    if kind == "xls":
        return xls_marks(data, sheet_index)
    return NONE


def _place(sheet: str, r: int, c: int) -> str:
    return f"{sheet}!{column_letter(c + 1)}{r + 1}"


def _parse_sheet(kind: str, sheet: str, grid: list[list[object]], header: int, marks: CellMarks,
                 layout: ReturnLayout) -> RawReturn:
    columns = _columns(grid[header], layout)
    fields = _fields(sheet, grid[:header], layout)
    totals = {label_key(t) for t in layout.total_labels}
    rows: list[ReturnRow] = []
    total: Cell | None = None
    width = max(columns.values()) + 1
    for r in range(header + 1, len(grid)):
        row = grid[r] + [""] * (width - len(grid[r]))
        cells = {role: Cell(row[c], _place(sheet, r, c)) for role, c in columns.items()}
        code, name, value = cells.get("code"), cells.get("name"), cells["value"]
        ident = {label_key(c.value) for c in (code, name, cells.get("seq")) if c is not None and c.value != ""}
        if ident & totals:
            total = value
            break  # what follows a total row is signatures and notes, not indicators
        if not ident and value.value == "" and value.place.split("!")[1] not in marks.errors:
            continue  # blank row inside the table
        rows.append(ReturnRow(r + 1, code or Cell("", ""), name or Cell("", ""), value, cells.get("note")))
    return RawReturn(format=kind, sheet=sheet, fields=fields, rows=tuple(rows), total=total,
                     marks=marks, grid=tuple(tuple(r) for r in grid), value_column=columns["value"])


def _columns(header_row: list[object], layout: ReturnLayout) -> dict[str, int]:
    found: dict[str, int] = {}
    for role, spec in layout.columns.items():
        keys = {label_key(lbl) for lbl in spec.labels}
        for c, v in enumerate(header_row):
            if isinstance(v, str) and label_key(v) in keys and c not in found.values():
                found[role] = c
                break
    return found


def _fields(sheet: str, top: list[list[object]], layout: ReturnLayout) -> dict[str, Cell]:
    """A label's value is the next non-empty cell to its right that is not itself a label."""
    by_label = {label_key(lbl): key for key, spec in layout.fields.items() for lbl in spec.labels}
    found: dict[str, Cell] = {}
    for r, row in enumerate(top):
        for c, v in enumerate(row):
            if not isinstance(v, str) or (key := by_label.get(label_key(v))) is None or key in found:
                continue
            found[key] = Cell("", _place(sheet, r, c + 1))  # where it should be, if left blank
            for c2 in range(c + 1, len(row)):
                nxt = row[c2]
                if nxt == "" or nxt is None:
                    continue
                if isinstance(nxt, str) and label_key(nxt) in by_label:
                    break
                found[key] = Cell(nxt, _place(sheet, r, c2))
                break
    return found
