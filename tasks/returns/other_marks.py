"""The marks of `cell_marks.py` for the two other formats. .xls: xlrd reports error cells with their code
and, with its formatting records, hidden rows and columns (BIFF always stores a formula's result, so
none is ever missing). .ods: content.xml says everything — errors, formulas with or without a result,
collapsed rows and columns, and merged cells (calamine reports none for .ods)."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

from tasks.returns.cell_marks import NONE, CellMarks, spans
from tasks.returns.cell_refs import column_letter


def xls_marks(data: bytes, sheet_index: int) -> CellMarks:
    """Excel 97-2003: xlrd reports error cells with their code (calamine reads them as "")."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, formatting_info=True)
        sheet = book.sheet_by_index(sheet_index)
    except Exception:  # noqa: BLE001 — calamine already read the values; marks are a best effort
        return NONE
    errors: dict[str, str] = {}
    for r in range(sheet.nrows):
        for c, ctype in enumerate(sheet.row_types(r)):
            if ctype == xlrd.XL_CELL_ERROR:
                code = sheet.cell_value(r, c)
                errors[f"{column_letter(c + 1)}{r + 1}"] = xlrd.error_text_from_code.get(code, "#ERROR")
    rows = spans([(r + 1, r + 1) for r, info in sheet.rowinfo_map.items() if info.hidden])
    cols = spans([(c + 1, c + 1) for c, info in sheet.colinfo_map.items() if info.hidden])
    book.release_resources()
    return CellMarks(errors, frozenset(), hidden_rows=rows, hidden_cols=cols)


NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"}
T, OFFICE = f"{{{NS['table']}}}", f"{{{NS['office']}}}"
RESULTS = tuple(f"{OFFICE}{a}" for a in ("value", "string-value", "boolean-value", "date-value", "time-value"))
MAX_ROWS, MAX_COLS = 1_048_576, 16_384


def ods_marks(data: bytes, sheet_index: int) -> CellMarks:
    """LibreOffice writes an error cell as an empty string marked calcext:value-type="error"."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("content.xml")
        root = ET.fromstring(xml)
    except (KeyError, zipfile.BadZipFile, OSError, ET.ParseError):
        return NONE
    tables = list(root.iter(f"{T}table"))
    return _ods_walk(tables[sheet_index]) if 0 <= sheet_index < len(tables) else NONE


def _ods_walk(table: ET.Element) -> CellMarks:
    errors: dict[str, str] = {}
    formulas: set[str] = set()
    uncached: set[str] = set()
    hidden_rows: list[tuple[int, int]] = []
    merged: list[tuple[int, int, int, int]] = []
    row = 0
    for tr in table.iter(f"{T}table-row"):
        rep_rows = min(int(tr.get(f"{T}number-rows-repeated", "1")), MAX_ROWS)
        if tr.get(f"{T}visibility", "visible") != "visible":
            hidden_rows.append((row + 1, row + rep_rows))
        col = 0
        for tc in tr:
            if not tc.tag.endswith(("}table-cell", "}covered-table-cell")):
                continue
            rep = min(int(tc.get(f"{T}number-columns-repeated", "1")), MAX_COLS)
            ref = f"{column_letter(min(col, MAX_COLS - 1) + 1)}{row + 1}"
            if tc.get(f"{{{NS['calcext']}}}value-type") == "error":
                errors[ref] = "".join(tc.itertext()).strip() or "#ERROR"
            if tc.get(f"{T}formula"):
                formulas.add(ref)
                if not any(tc.get(a) is not None for a in RESULTS) and not "".join(tc.itertext()).strip():
                    uncached.add(ref)
            down, across = int(tc.get(f"{T}number-rows-spanned", "1")), int(tc.get(f"{T}number-columns-spanned", "1"))
            if (down, across) != (1, 1):
                merged.append((row, col, row + down - 1, col + across - 1))
            col += rep
        row += rep_rows
    return CellMarks(errors, frozenset(formulas), frozenset(uncached), spans(hidden_rows),
                     _hidden_columns(table), tuple(merged))


def _hidden_columns(table: ET.Element) -> tuple[tuple[int, int], ...]:
    hidden: list[tuple[int, int]] = []
    col = 0
    for tcol in table.iter(f"{T}table-column"):
        rep = min(int(tcol.get(f"{T}number-columns-repeated", "1")), MAX_COLS)
        if tcol.get(f"{T}visibility", "visible") != "visible":
            hidden.append((col + 1, col + rep))
        col += rep
    return spans(hidden)
