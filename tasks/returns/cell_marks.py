"""What the value reader cannot see: which cells hold an Excel error (#DIV/0!) or a formula, which
formulas were saved without their result, which rows and columns are hidden.

python-calamine returns an error cell as "" — indistinguishable from a blank (MEASURED.md;
dimastbk/python-calamine#105, tafia/calamine#720) — and a formula saved without its result (openpyxl
and other programs write them so) as "" too, which the validator counted as 0; it knows nothing of
hidden rows and columns. So the sheet's XML is scanned for them. Only the return's sheet is scanned,
and only when the XML mentions errors, formulas or hiding at all. .xls and .ods: `other_marks.py`.
"""
from __future__ import annotations

import bisect
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
ATTR_R = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
ATTR_T_ERROR = re.compile(rb'\bt="e"')
ATTR_T_STR = re.compile(rb'\bt="str"')
VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, not <formula1> of a data validation
ARRAY_REF = re.compile(rb'<(?:\w+:)?f\b[^>]*\bt="array"[^>]*\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
COL = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
ROW_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')
COL_SPAN = (re.compile(rb'\bmin="([0-9]{1,5})"'), re.compile(rb'\bmax="([0-9]{1,5})"'))
ARRAY_CELLS = 10_000  # an array formula's range is spelt out up to this many cells (a return has ~100)


def has_marks(xml: bytes) -> bool:
    return b't="e"' in xml or b'hidden="' in xml or FORMULA.search(xml) is not None


NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class CellMarks:
    errors: dict[str, str] = field(default_factory=dict)   # "E9" → "#DIV/0!"
    formulas: frozenset[str] = frozenset()                 # {"E9", …}
    uncached: frozenset[str] = frozenset()                 # formulas saved without their result
    hidden_rows: tuple[tuple[int, int], ...] = ()          # 1-based ranges, inclusive, sorted and apart
    hidden_cols: tuple[tuple[int, int], ...] = ()          # (`spans`: one .ods element may hide a million rows)
    merged: tuple[tuple[int, int, int, int], ...] | None = None  # 0-based (r1, c1, r2, c2); None: ask the reader

    def hidden(self, row: int, col: int) -> str:
        """"行" or "列" when the 1-based (row, col) is out of sight; "" when it shows."""
        if _within(self.hidden_rows, row):
            return "行"
        return "列" if _within(self.hidden_cols, col) else ""


def spans(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Ranges sorted and joined where they touch or overlap, for `_within`'s binary search."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _within(ranges: tuple[tuple[int, int], ...], n: int) -> bool:
    i = bisect.bisect_right(ranges, (n, n)) - 1  # the last range starting at or before n
    return i >= 0 and ranges[i][0] <= n <= ranges[i][1]


NONE = CellMarks()


def xlsx_marks(data: bytes, sheet_index: int) -> CellMarks:
    """The marks of the sheet_index-th sheet of workbook.xml (the reader's order: names may repeat)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = [n for n in zf.namelist() if n.lower().startswith("xl/worksheets/") and n.endswith(".xml")]
            if not any(has_marks(zf.read(n)) for n in sheets):
                return NONE  # the common case: nothing to mark anywhere, no need to map sheet names
            part = _sheet_part(zf, sheet_index)
            if part is None:
                return NONE
            xml = zf.read(part)
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError):
        return NONE
    if not has_marks(xml):
        return NONE
    errors, formulas, uncached = _cells(xml) if b't="e"' in xml or FORMULA.search(xml) else ({}, set(), set())
    rows, cols = _hidden(xml) if b'hidden="' in xml else ((), ())
    return CellMarks(errors, frozenset(formulas), frozenset(uncached), rows, cols)


def _cells(xml: bytes) -> tuple[dict[str, str], set[str], set[str]]:
    errors: dict[str, str] = {}
    formulas: set[str] = set()
    uncached: set[str] = set()
    for m in CELL.finditer(xml):
        attrs, body = m.group(1), m.group(2) or b""
        ref = ATTR_R.search(attrs)
        if not ref:
            continue
        where = ref.group(1).decode()
        if ATTR_T_ERROR.search(attrs):
            v = VALUE.search(body)
            errors[where] = v.group(1).decode("utf-8", "replace") if v else "#ERROR"
        if FORMULA.search(body):
            formulas.add(where)
            v = VALUE.search(body)
            # A result is a non-empty <v>, or an empty one of a text formula (="" is a result).
            if not (v and (v.group(1).strip() or ATTR_T_STR.search(attrs))):
                uncached.add(where)
                if array := ARRAY_REF.search(body):  # the other cells of its range have no result either
                    uncached.update(_spelt_out(*array.groups()))
    return errors, formulas, uncached


def _spelt_out(c1: bytes, r1: bytes, c2: bytes, r2: bytes) -> list[str]:
    from tasks.returns.cell_refs import column_letter

    rows, cols = range(int(r1), int(r2) + 1), range(_col_number(c1), _col_number(c2) + 1)
    if len(rows) * len(cols) > ARRAY_CELLS:
        return []
    return [f"{column_letter(c)}{r}" for r in rows for c in cols]


def _hidden(xml: bytes) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    rows = [(int(n[1]),) * 2 for m in ROW.finditer(xml) if HIDDEN.search(m.group(1))
            and (n := ROW_NUMBER.search(m.group(1)))]
    cols = []
    for m in COL.finditer(xml):
        lo, hi = (p.search(m.group(1)) for p in COL_SPAN)
        if HIDDEN.search(m.group(1)) and lo and hi:
            cols.append((int(lo[1]), int(hi[1])))
    return spans(rows), spans(cols)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_part(zf: zipfile.ZipFile, sheet_index: int) -> str | None:
    names = {n.lower(): n for n in zf.namelist()}
    workbook = ET.fromstring(zf.read(names["xl/workbook.xml"]))
    found = [el.get(NS_REL) for el in workbook.iter() if el.tag.endswith("}sheet")]
    if not 0 <= sheet_index < len(found) or found[sheet_index] is None:
        return None
    rels = ET.fromstring(zf.read(names["xl/_rels/workbook.xml.rels"]))
    for el in rels:
        if el.get("Id") == found[sheet_index]:
            target = el.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return names.get(path.lower())
    return None
