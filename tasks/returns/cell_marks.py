"""What the value reader cannot see: which cells hold an Excel error (#DIV/0!) or a formula.

python-calamine returns an error cell as "" — indistinguishable from a blank (MEASURED.md;
dimastbk/python-calamine#105, tafia/calamine#720) — so the sheet's XML is scanned for them. Only the
return's sheet is scanned, and only when the XML mentions errors or formulas at all.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from tasks.returns.cell_refs import column_letter

CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
ATTR_R = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
ATTR_T_ERROR = re.compile(rb'\bt="e"')
VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, not <formula1> of a data validation


def has_marks(xml: bytes) -> bool:
    return b't="e"' in xml or FORMULA.search(xml) is not None
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class CellMarks:
    errors: dict[str, str] = field(default_factory=dict)   # "E9" → "#DIV/0!"
    formulas: frozenset[str] = frozenset()                 # {"E9", …}


NONE = CellMarks()


def xlsx_marks(data: bytes, sheet_name: str) -> CellMarks:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = [n for n in zf.namelist() if n.lower().startswith("xl/worksheets/") and n.endswith(".xml")]
            if not any(has_marks(zf.read(n)) for n in sheets):
                return NONE  # the common case: no formula or error anywhere, no need to map sheet names
            part = _sheet_part(zf, sheet_name)
            if part is None:
                return NONE
            xml = zf.read(part)
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError):
        return NONE
    if not has_marks(xml):
        return NONE
    errors: dict[str, str] = {}
    formulas: set[str] = set()
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
    return CellMarks(errors, frozenset(formulas))


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    names = {n.lower(): n for n in zf.namelist()}
    workbook = ET.fromstring(zf.read(names["xl/workbook.xml"]))
    rid = None
    for el in workbook.iter():
        if el.tag.endswith("}sheet") and el.get("name") == sheet_name:
            rid = el.get(NS_REL)
            break
    if rid is None:
        return None
    rels = ET.fromstring(zf.read(names["xl/_rels/workbook.xml.rels"]))
    for el in rels:
        if el.get("Id") == rid:
            target = el.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return names.get(path.lower())
    return None


def xls_marks(data: bytes, sheet_name: str) -> CellMarks:
    """Excel 97-2003: xlrd reports error cells with their code (calamine reads them as "")."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_name(sheet_name)
    except Exception:  # noqa: BLE001 — calamine already read the values; marks are a best effort
        return NONE
    errors: dict[str, str] = {}
    for r in range(sheet.nrows):
        for c, ctype in enumerate(sheet.row_types(r)):
            if ctype == xlrd.XL_CELL_ERROR:
                code = sheet.cell_value(r, c)
                errors[f"{column_letter(c + 1)}{r + 1}"] = xlrd.error_text_from_code.get(code, "#ERROR")
    book.release_resources()
    return CellMarks(errors, frozenset())


ODS_TABLE = re.compile(rb'<table:table\b[^>]*table:name="([^"]*)"')


def ods_marks(data: bytes, sheet_name: str) -> CellMarks:
    """LibreOffice writes an error cell as an empty string marked calcext:value-type="error"."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return NONE
    if b'calcext:value-type="error"' not in xml and b"table:formula=" not in xml:
        return NONE
    return _ods_walk(xml, sheet_name)


def _ods_walk(xml: bytes, sheet_name: str) -> CellMarks:
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    t = "{%s}" % ns["table"]
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return NONE
    errors: dict[str, str] = {}
    formulas: set[str] = set()
    for table in root.iter(f"{t}table"):
        if table.get(f"{t}name") != sheet_name:
            continue
        row = 0
        for tr in table.iter(f"{t}table-row"):
            rep_rows = min(int(tr.get(f"{t}number-rows-repeated", "1")), 1_048_576)
            col = 0
            for tc in tr:
                if not tc.tag.endswith(("}table-cell", "}covered-table-cell")):
                    continue
                rep = min(int(tc.get(f"{t}number-columns-repeated", "1")), 16_384)
                ref = f"{column_letter(col + 1)}{row + 1}"
                if tc.get("{%s}value-type" % ns["calcext"]) == "error":
                    errors[ref] = "".join(tc.itertext()).strip() or "#ERROR"
                if tc.get(f"{t}formula"):
                    formulas.add(ref)
                col += rep
            row += rep_rows
        break
    return CellMarks(errors, frozenset(formulas))
