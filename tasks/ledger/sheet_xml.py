"""A frame's rows as worksheet XML, spliced into a workbook xlsxwriter wrote (styles, frozen header,
widths, filter, 说明 sheet).

Why not xlsxwriter's own `write_row`: a county's year is ~60,000 rows × 14 columns, and writing them
cell by cell took 66 s (wall, on the shared 2-core machine at a load average of ~10)
where an analyst's export should take under two (issue 29). Here each column's distinct values become
cell markup once and each row is one join: the markup xlsxwriter writes (inline strings, numbers, dates
as serial numbers in a date style) less the cell references, with the sheet's declared dimension set to
the rows written (readers such as openpyxl's read-only mode trust it).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

ILLEGAL_XML = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"  # not allowed in XML 1.0: dropped
EXCEL_TEXT_LIMIT = 32767  # a cell holds at most this many characters
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial day 0 of the 1900 date system (for dates after 1900-03-01)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def rows_xml(frame: pd.DataFrame, date_style: int, first_row: int = 2) -> str:
    """`<row>` elements for the frame's rows from sheet row `first_row` on; a <NA> or "" cell is empty.

    Each column's distinct values are turned into cell markup once (a county's year has a few thousand
    of them in ~60,000 rows); a row is then one join of its cells. Cells carry no reference (`r`, which
    the format makes optional): each is in the column after the one before, an empty one included
    (`<c/>`), as LibreOffice, openpyxl and calamine read them (checked; Excel and WPS not at hand) —
    formatting a reference into each of ~900,000 cells was most of the time."""
    if frame.empty:
        return ""
    columns = [_bodies(frame[name], date_style) for name in frame.columns]
    starts = [f'<row r="{n}">' for n in range(first_row, first_row + len(frame))]
    return "</row>".join(map("".join, zip(starts, *columns, strict=True))) + "</row>"


def _bodies(values: pd.Series, date_style: int) -> list[str]:
    """Each value's cell markup: its type, its value and the closing tag."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    bodies = [_body(v, date_style) for v in uniques] + ["<c/>"]  # code -1 (<NA>): an empty cell
    return [bodies[c] for c in codes.tolist()]


def _body(value: object, date_style: int) -> str:
    if isinstance(value, pd.Timestamp):
        serial = (value - EXCEL_EPOCH).total_seconds() / 86400  # unrounded: 08:00 must not show as 07:59
        return f'<c s="{date_style}"><v>{serial!r}</v></c>'
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if hasattr(value, "item"):  # a numpy number
        value = value.item()
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>"
    text = re.sub(ILLEGAL_XML, "", str(value)[:EXCEL_TEXT_LIMIT])
    if not text:
        return "<c/>"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    keep = ' xml:space="preserve"' if text != text.strip() else ""  # else Excel trims the spaces
    return f'<c t="inlineStr"><is><t{keep}>{text}</t></is></c>'


def splice_rows(book: bytes, path: Path, sheet: str, rows: str, last_ref: str) -> None:
    """Write `book` (an xlsx xlsxwriter made in memory) to `path` with `rows` appended to `sheet`'s data
    and its dimension `A1:<last_ref>`. Each part is copied as it is; only the sheet is rewritten."""
    with zipfile.ZipFile(io.BytesIO(book)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == sheet:
                text = data.decode("utf-8")
                text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last_ref}"/>', text, count=1)
                head, tail = text.split("</sheetData>", 1)
                data = (head + rows + "</sheetData>" + tail).encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
