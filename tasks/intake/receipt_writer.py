"""A small, fast .xlsx writer for receipts: fixed styles, inline strings (text can never become a
formula), cell comments. About a tenth of xlsxwriter's cost for a receipt-sized workbook, because
everything that is the same in every receipt is written once, here, as constants (issue 7:
"a receipt template, not a workbook built from scratch").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from tasks.intake.zip_parts import zip_bytes
from tasks.returns.sniff import RECEIPT_MARK, RECEIPT_PART

# Style ids (cellXfs indexes in STYLES below).
PLAIN, BOLD, TITLE, WRAP, DATE, ERROR, WARNING, OK, STATUS_ERROR, STATUS_WARNING, STATUS_OK = range(11)
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = dt.datetime(1899, 12, 30)

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="16"/><name val="等线"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="14"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>
<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFFFEB9C"/><bgColor indexed="64"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFC6EFCE"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="11"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="3" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="0" fontId="3" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="0" fontId="3" fillId="4" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{NS_PKG}">'
             f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
             f'<Relationship Id="rId2" Type="{NS_REL}/custom-properties" Target="{RECEIPT_PART}"/></Relationships>')
# The mark that makes the reader refuse a receipt dropped back as a return (a custom document property,
# which Excel and WPS keep when the file is saved again), and which file the receipt answers
# (SOURCE_MARK: the archived copy and the arrival, so reconcile can store a file whose row was lost).
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.'
          'org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
          '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
          f'name="{RECEIPT_MARK}"><vt:lpwstr>回执</vt:lpwstr></property>')
SOURCE_MARK = "TownshipSource"
SOURCE = f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" name="{SOURCE_MARK}"><vt:lpwstr>'


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], tuple[object, int]] = field(default_factory=dict)  # (row, col) → (value, style)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    merged: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first col, last col) of merges
    title_rows: tuple[int, int] | None = None  # rows printed again on every page (0-based, inclusive)
    landscape: bool = False
    heights: dict[int, float] = field(default_factory=dict)  # rows of wrapped text: no reader sizes them

    def put(self, row: int, col: int, value: object, style: int = PLAIN) -> None:
        self.cells[(row, col)] = (value, style)


def workbook_bytes(sheets: list[Sheet], author: str = "township", source: str = "") -> bytes:
    custom = CUSTOM + (f"{SOURCE}{text(source)}</vt:lpwstr></property>" if source else "") + "</Properties>"
    parts = [("[Content_Types].xml", _content_types(sheets), True), ("_rels/.rels", ROOT_RELS, True),
             (RECEIPT_PART, custom, True), ("xl/workbook.xml", _workbook(sheets), False),
             ("xl/_rels/workbook.xml.rels", _workbook_rels(sheets), True), ("xl/styles.xml", STYLES, True)]
    comment_no = 0
    for i, sheet in enumerate(sheets, start=1):
        parts.append((f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet), False))
        if sheet.comments:
            comment_no += 1
            parts += [(f"xl/worksheets/_rels/sheet{i}.xml.rels", _sheet_rels(comment_no), True),
                      (f"xl/comments{comment_no}.xml", _comments(sheet, author), False),
                      (f"xl/drawings/vmlDrawing{comment_no}.vml", _vml(sheet), False)]
    return zip_bytes(parts)


def text(value: str) -> str:
    return escape(ILLEGAL.sub("", value))


def _content_types(sheets: list[Sheet]) -> str:
    parts = [f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
             f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1)]
    n = sum(1 for s in sheets if s.comments)
    parts += [f'<Override PartName="/xl/comments{i}.xml" ContentType="application/vnd.openxmlformats-'
              f'officedocument.spreadsheetml.comments+xml"/>' for i in range(1, n + 1)]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            f'<Override PartName="/{RECEIPT_PART}" ContentType="application/vnd.openxmlformats-officedocument.'
            'custom-properties+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + "".join(parts) + "</Types>")


def _workbook(sheets: list[Sheet]) -> str:
    items = "".join(f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, s in enumerate(sheets, start=1))
    names = "".join(_print_names(i, s) for i, s in enumerate(sheets))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS_MAIN}" '
            f'xmlns:r="{NS_REL}"><sheets>{items}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>")


def _print_names(index: int, sheet: Sheet) -> str:
    """The print area (what holds anything) and the rows repeated on each printed page."""
    if not sheet.cells:
        return ""
    quoted = "'" + sheet.name.replace("'", "''") + "'"
    last_row = max(r for r, _ in sheet.cells)
    last_col = max(max(c for _, c in sheet.cells), max(sheet.widths, default=0))
    out = (f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">{escape(quoted)}!$A$1:'
           f'${xl_col_to_name(last_col)}${last_row + 1}</definedName>')
    if sheet.title_rows is not None:
        first, last = sheet.title_rows
        out += (f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{escape(quoted)}!'
                f"${first + 1}:${last + 1}</definedName>")
    return out


def _workbook_rels(sheets: list[Sheet]) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{NS_REL}/styles" Target="styles.xml"/>'
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{NS_PKG}">{rels}</Relationships>'


# Receipts repeat the template's labels, codes and names cell for cell; typed: True, 1 and 1.0 stay apart.
@lru_cache(maxsize=4096, typed=True)
def _cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>' if value == value else f'<c r="{ref}"{s}/>'
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        serial = (moment.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{style or DATE}"><v>{serial!r}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text(str(value))}</t></is></c>'


COLUMNS = [xl_col_to_name(c) for c in range(64)]  # a receipt is narrow; wider sheets fall back below


def _ref(r: int, c: int) -> str:
    return f"{COLUMNS[c] if c < len(COLUMNS) else xl_col_to_name(c)}{r + 1}"


def _sheet_xml(sheet: Sheet) -> str:
    rows: dict[int, list[str]] = {}
    for (r, c), (value, style) in sorted(sheet.cells.items()):
        rows.setdefault(r, []).append(_cell(_ref(r, c), value, style))
    body = "".join(f'<row r="{r + 1}"' + (f' ht="{sheet.heights[r]}" customHeight="1"' if r in sheet.heights else "")
                   + f'>{"".join(cells)}</row>' for r, cells in rows.items())
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
                   for c, w in sorted(sheet.widths.items()))
    legacy = '<legacyDrawing r:id="rId2"/>' if sheet.comments else ""
    merges = "".join(f'<mergeCell ref="{_ref(r, c1)}:{_ref(r, c2)}"/>' for r, c1, c2 in sheet.merged)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS_MAIN}" '
            f'xmlns:r="{NS_REL}">{FIT_TO_PAGE}' + (f"<cols>{cols}</cols>" if cols else "")
            + f"<sheetData>{body}</sheetData>"
            + (f'<mergeCells count="{len(sheet.merged)}">{merges}</mergeCells>' if merges else "")
            + PAGE_SETUP.format("landscape" if sheet.landscape else "portrait") + f"{legacy}</worksheet>")


# Printed on A4, one page wide however long (fit to width, any height), margins narrow enough for a table.
FIT_TO_PAGE = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
PAGE_SETUP = ('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
              '<pageSetup paperSize="9" orientation="{}" fitToWidth="1" fitToHeight="0"/>')


def _sheet_rels(n: int) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{NS_PKG}">'
            f'<Relationship Id="rId1" Type="{NS_REL}/comments" Target="../comments{n}.xml"/>'
            f'<Relationship Id="rId2" Type="{NS_REL}/vmlDrawing" Target="../drawings/vmlDrawing{n}.vml"/>'
            "</Relationships>")


def _comments(sheet: Sheet, author: str) -> str:
    items = "".join(f'<comment ref="{xl_rowcol_to_cell(r, c)}" authorId="0"><text><r><t xml:space="preserve">'
                    f"{text(note)}</t></r></text></comment>" for (r, c), note in sorted(sheet.comments.items()))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><comments xmlns="{NS_MAIN}"><authors>'
            f"<author>{text(author)}</author></authors><commentList>{items}</commentList></comments>")


def _vml(sheet: Sheet) -> str:
    shapes = "".join(
        f'<v:shape id="_x0000_s{1025 + i}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        f'margin-top:1.5pt;width:240pt;height:80pt;z-index:{i + 1};visibility:hidden" fillcolor="#ffffe1" '
        'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>"
        for i, (r, c) in enumerate(sorted(sheet.comments)))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
            'data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
            f'o:connecttype="rect"/></v:shapetype>{shapes}</xml>')
