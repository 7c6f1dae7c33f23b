"""Material after the signature, for the staff who finish the draft: 附表 (each unit's totals, the
figures of the text as their sum), 附图 (the monthly trend) and 附录 (the clerks' 备注 as 典型做法素材).

Clerks' text is added here, after rendering, as plain text: it never passes through the template
engine, so a note holding '{{' or '=1+1' is printed as typed (less the control characters XML cannot
hold: `for_xml`).
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from schemas.catalog import Catalog
from tasks.drafts.page_layout import BODY_FONT, H1_FONT, page_setup, set_fonts
from tasks.ledger.aggregate import Figures
from tasks.returns.clerk_text import for_xml

CELL, HEAD, TOTAL = "表格文字", "表格表头", "表格合计"
BODY_PT, HEAD_PT = 10.5, 9
TABLE_TITLE = "各单位指标汇总"
TOTAL_ROW = "合计"


def add_unit_table(doc, figures: Figures, catalog: Catalog, names: dict[str, str], year: int) -> Paragraph:
    """附表 on a landscape page: one row per unit, one column per indicator, a totals row last."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    section.left_margin, section.right_margin = Mm(20), Mm(20)  # fourteen columns need the width
    _table_styles(doc)
    label(doc, "附表")
    title = heading(doc, f"{year}年{TABLE_TITLE}")
    codes = [i.code for i in catalog.indicators]
    units = list(names) + sorted({u for per in figures.by_unit.values() for u in per} - set(names))
    table = doc.add_table(rows=0, cols=len(codes) + 1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    widths = [Mm(44)] + [Mm((257 - 44) / len(codes))] * len(codes)
    # a stock's unit row is its latest value (figures_for), the total their sum: the header says 期末数
    header = ["单位"] + [f"{i.name}\n（{i.unit}{'，期末数' if i.kind == 'stock' else ''}）"
                        for i in catalog.indicators]
    rows = [[names.get(u, u)] + [str(figures.by_unit.get(c, {}).get(u, 0)) for c in codes] for u in units]
    rows.append([TOTAL_ROW] + [str(figures.total(c)) for c in codes])
    for column, width in zip(table.columns, widths):
        column.width = width  # w:gridCol, which LibreOffice reads; cell widths below are Word's w:tcW
    # The rows are written as one piece of XML and parsed once: cell by cell through python-docx a
    # county's 400 rows × 14 columns took ~1.5 s (issue 7: report_s ≤ 3 s).
    head_id, cell_id = doc.styles[HEAD].style_id, doc.styles[CELL].style_id
    twips = [int(w.twips) for w in widths]
    total_id = doc.styles[TOTAL].style_id
    # The indicators' names set vertically (upright characters, top to bottom): a column 16 mm wide broke
    # them mid-word (警示标/识牌安/装); the row is as tall as the longest name.
    body = _row_xml(header, twips, head_id, vertical=True) + "".join(
        _row_xml(values, twips, total_id if r == len(rows) - 1 else cell_id) for r, values in enumerate(rows))
    for tr in parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>"):
        table._tbl.append(tr)
    _repeat_header(table.rows[0])
    return title


def _row_xml(values: list[str], twips: list[int], style_id: str, vertical: bool = False) -> str:
    """vertical: every cell but the first (单位) set top to bottom, the row tall enough for the longest."""
    cells = []
    for c, (value, width) in enumerate(zip(values, twips)):
        lines = [escape(for_xml(line)) for line in value.split("\n")]
        text = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
        turn = '<w:textDirection w:val="tbRlV"/>' if vertical and c else ""
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{turn}<w:vAlign w:val="center"/></w:tcPr>'
                     f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r>{text}</w:r></w:p></w:tc>')
    height = ""
    if vertical:
        longest = max(len(line) for value in values[1:] for line in value.split("\n"))
        height = f'<w:trPr><w:trHeight w:val="{int(longest * HEAD_PT * 20 * 1.1) + 240}" w:hRule="atLeast"/></w:trPr>'
    return f"<w:tr>{height}{''.join(cells)}</w:tr>"


def add_chart(doc, png: bytes, title: str, note: str) -> None:
    """附图 on a portrait page again (GB/T 9704 page setup)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    page_setup(section)
    label(doc, "附图")
    heading(doc, title)
    p = doc.add_paragraph()
    _plain(p, WD_ALIGN_PARAGRAPH.CENTER)  # an exact line pitch would clip the picture to one line
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))
    if note:
        doc.add_paragraph(note, style="Normal")


def add_notes(doc, notes: list[tuple[str, str, str, str]], catalog: Catalog, names: dict[str, str],
              year: int, new_section: bool) -> None:
    """附录 典型做法素材: the clerks' 备注, grouped by unit, each with when and for what."""
    if new_section:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.PORTRAIT
        page_setup(section)
    else:
        doc.add_page_break()
    label(doc, "附录")
    heading(doc, "典型做法素材")
    indicator = {i.code: i.name for i in catalog.indicators}
    if not notes:
        doc.add_paragraph(f"{year}年各单位月报表的“备注”栏均未填写。", style="Normal")
        return
    doc.add_paragraph(f"以下摘自各单位{year}年月报表“备注”栏，按单位排列，供撰写典型做法、亮点工作时参考，"
                      "未经核实，不直接进入正文。", style="Normal")
    grouped: dict[str, dict[str, list[str]]] = {}
    for unit, period, code, text in notes:
        grouped.setdefault(unit, {}).setdefault(text, []).append(
            f"{int(period[5:])}月“{indicator.get(code, code)}”栏" if len(period) == 7 else period)
    order = {code: i for i, code in enumerate(names)}
    numerals = "一二三四五六七八九十"
    for n, (unit, texts) in enumerate(sorted(grouped.items(), key=lambda kv: order.get(kv[0], 1e9))):
        mark = f"（{numerals[n]}）" if n < len(numerals) else f"（{n + 1}）"
        doc.add_paragraph(for_xml(f"{mark}{names.get(unit, unit)}"), style="Heading 2")
        for text, where in texts.items():  # a clerk's note: what XML cannot hold is dropped (issue 16)
            doc.add_paragraph(for_xml(f"{text}（{'；'.join(where)}）"), style="Normal")


def label(doc, text: str) -> None:
    """附表/附图/附录 at the top left in 黑体 三号, as GB/T 9704 places 附件."""
    p = doc.add_paragraph(style="Normal")
    p.paragraph_format.first_line_indent = Pt(0)
    set_fonts(p.add_run(text)._r, H1_FONT)


def heading(doc, text: str) -> Paragraph:
    style = "公文标题" if "公文标题" in [s.name for s in doc.styles] else "Normal"
    p = doc.add_paragraph(style=style)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(text)
    return p


def _plain(p, align) -> None:
    pf = p.paragraph_format
    pf.alignment, pf.first_line_indent = align, Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _table_styles(doc) -> None:
    names = {s.name for s in doc.styles}
    # 五号 figures, 小五 headings; the 合计 row as large as the figures above it, in the headings' 黑体
    for name, font, size in ((CELL, BODY_FONT, BODY_PT), (HEAD, H1_FONT, HEAD_PT), (TOTAL, H1_FONT, BODY_PT)):
        if name in names:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        set_fonts(style.element, font)
        pf = style.paragraph_format
        pf.alignment, pf.first_line_indent = WD_ALIGN_PARAGRAPH.CENTER, Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.space_before = pf.space_after = Pt(0)


def _borders(table) -> None:
    """Single lines on every edge, set directly: a staff template may lack the 'Table Grid' style."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), "single")
        node.set(qn("w:sz"), "6")
        node.set(qn("w:color"), "000000")
        borders.append(node)
    tbl_pr.append(borders)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))  # the schema's order: cantSplit, trHeight, tblHeader
    tr_pr.append(OxmlElement("w:tblHeader"))
