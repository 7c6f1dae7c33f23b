"""GB/T 9704-2012 page and type layout for python-docx documents.

Fonts are set as East Asian fonts (w:eastAsia): python-docx's `font.name` sets only the Latin
slots, and Word/WPS then fall back to another font for Chinese text.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SIZE_2 = Pt(22)    # 二号
SIZE_3 = Pt(16)    # 三号
SIZE_4 = Pt(14)    # 四号
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # mm
LINES_PER_PAGE = 22
# 22 lines in the 225 mm text height, rounded DOWN to whole twips (Word stores twips): 580 twips would
# make 22 lines 0.2 pt taller than the page holds, and Word/LibreOffice then set only 21 (or 20).
TEXT_HEIGHT_TWIPS = Mm(297).twips - Mm(MARGINS["top"]).twips - Mm(MARGINS["bottom"]).twips
LINE_PITCH = Twips(TEXT_HEIGHT_TWIPS // LINES_PER_PAGE)


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set Latin and East Asian fonts on a style's or run's rPr (w:rFonts w:eastAsia=…)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def east_asian_font(rpr_owner) -> str | None:
    rpr = rpr_owner.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def page_setup(section) -> None:
    """A4 and the GB/T 9704 margins. No Word 文档网格: the exact line pitch already sets 22 lines a page,
    and LibreOffice would snap the 二号 title and single-spaced table rows to two grid lines each."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(28 - 7)  # page number 7 mm below text


def signature_indents(doc, style: str = "落款") -> None:
    """GB/T 9704 7.3.5.1: the signature sits two characters from the right; the date starts two
    characters right of the signature's first character (or, when longer, sits two from the right and
    pushes the signature left). Depends on the rendered text, so it runs after rendering."""
    lines = [p for p in doc.paragraphs if p.style is not None and p.style.name == style and p.text.strip()]
    if len(lines) < 2:
        return
    *signs, date = lines
    sign_w = max(_width(p.text) for p in signs)
    date_w = _width(date.text)
    date_right = max(2.0, sign_w - date_w)
    sign_right = date_right + date_w + 2 - sign_w
    for p in signs:
        p.paragraph_format.right_indent = Pt(SIZE_3.pt * (sign_right + (sign_w - _width(p.text)) / 2))
    date.paragraph_format.right_indent = Pt(SIZE_3.pt * date_right)


def _width(text: str) -> float:
    """Width in characters of 三号 text: ASCII (Arabic numerals) is half a character, and Word/WPS add
    about a quarter character where Chinese meets Latin (自动调整中文与西文间距, on by default)."""
    text = text.strip()
    kinds = [ord(ch) < 128 for ch in text]
    return sum(0.5 if k else 1.0 for k in kinds) + 0.25 * sum(a != b for a, b in zip(kinds, kinds[1:]))


def blank_document():
    """An empty GB/T 9704 document: page set up, styles defined, not one paragraph yet."""
    import docx

    doc = docx.Document()
    page_setup(doc.sections[0])
    style_paragraphs(doc)
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    return doc


def style_paragraphs(doc) -> None:
    """Body 仿宋_GB2312 三号 with a two-character first-line indent on a fixed 22-lines-a-page pitch;
    title 方正小标宋简体 二号 centred; 一、 headings 黑体, （一） headings 楷体_GB2312, both 三号."""
    styles = doc.styles
    normal = styles["Normal"]
    _style(normal, BODY_FONT, SIZE_3, indent=True)
    title = _get_or_add(styles, "公文标题")
    _style(title, TITLE_FONT, SIZE_2, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name, font, level in (("Heading 1", H1_FONT, 0), ("Heading 2", H2_FONT, 1)):
        style = styles[name]
        _style(style, font, SIZE_3, indent=True)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = None
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        _outline(style, level)
    sign = _get_or_add(styles, "落款")
    _style(sign, BODY_FONT, SIZE_3, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(32)


def _get_or_add(styles, name: str):
    from docx.enum.style import WD_STYLE_TYPE
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        return style


def _style(style, font: str, size, indent: bool, align=WD_ALIGN_PARAGRAPH.JUSTIFY) -> None:
    style.font.size = size
    set_fonts(style.element, font)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.widow_control = True


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    node = ppr.find(qn("w:outlineLvl"))
    if node is None:
        node = OxmlElement("w:outlineLvl")
        ppr.append(node)
    node.set(qn("w:val"), str(level))


def page_numbers(doc) -> None:
    """'— 1 —' in 四号 at the foot: odd pages on the right, even pages on the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def page_number(paragraph, align) -> None:
    paragraph.alignment = align
    pf = paragraph.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.left_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.LEFT else Pt(0)
    pf.right_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.RIGHT else Pt(0)
    _run(paragraph, "— ")
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    for node in (begin, instr, end):
        _run(paragraph, "")._r.append(node)
    _run(paragraph, " —")


def _run(paragraph, text: str):
    run = paragraph.add_run(text)
    run.font.size = SIZE_4
    set_fonts(run._r, PAGE_NUMBER_FONT)
    return run


def draft_mark(doc, text: str = "草稿") -> None:
    """A 草稿 mark in the header, so a printed draft is never mistaken for the signed document."""
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        for header in (section.header, section.even_page_header):
            header_mark(header.paragraphs[0], text)


def header_mark(p, text: str = "草稿") -> None:
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.first_line_indent = Pt(0)
    run = p.add_run(text)
    run.font.size = SIZE_4
    run.font.bold = True
    set_fonts(run._r, H1_FONT)
