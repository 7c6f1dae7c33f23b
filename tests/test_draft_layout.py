"""GB/T 9704-2012 as Word stores it, read back from the rendered draft with python-docx: A4, margins,
East Asian fonts (w:eastAsia) and sizes of title, body and headings, the line pitch, page numbers."""
import re

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tasks.drafts.page_layout import east_asian_font


@pytest.fixture(scope="module")
def doc(demo_draft):
    return docx.Document(demo_draft)


def paragraphs_until_date(doc):
    out = []
    for p in doc.paragraphs:
        out.append(p)
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", p.text):
            return out
    raise AssertionError("no date line")


def near(length, mm: float) -> bool:
    return abs(length - Mm(mm)) <= Mm(0.1)


def test_a4_and_the_margins(doc):
    s = doc.sections[0]
    assert near(s.page_width, 210) and near(s.page_height, 297)
    assert (near(s.top_margin, 37), near(s.bottom_margin, 35), near(s.left_margin, 28), near(s.right_margin, 26)) \
        == (True,) * 4


def effective(paragraph, attr):
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attr) if attr == "size" else east_asian_font(style.element)
        if value is not None:
            return value
        style = style.base_style
    return None


@pytest.mark.parametrize(("kind", "font", "size"), [
    ("title", "方正小标宋简体", 22), ("body", "仿宋_GB2312", 16), ("h1", "黑体", 16), ("h2", "楷体_GB2312", 16)])
def test_east_asian_fonts_and_sizes(doc, kind, font, size):
    paragraphs = paragraphs_until_date(doc)
    chosen = {
        "title": paragraphs[:2],
        "h1": [p for p in paragraphs if re.match("[一二三四]、", p.text)],
        "h2": [p for p in paragraphs if re.match("（[一二三四]）", p.text)],
        "body": [p for p in paragraphs[3:] if p.text and not re.match("[一二三四]、|（[一二三四]）", p.text)],
    }[kind]
    assert chosen
    for p in chosen:
        assert effective(p, "font") == font, p.text[:20]
        assert effective(p, "size") == Pt(size), p.text[:20]
        for run in p.runs:  # a run's own font would override the style's
            assert run.font.size in (None, Pt(size))
            rfonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
            assert rfonts is None or rfonts.get(qn("w:eastAsia")) in (None, font)
    if kind == "title":
        assert all((p.paragraph_format.alignment or p.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
                   for p in chosen)


def test_body_indent_and_exact_pitch_of_22_lines_a_page(doc):
    normal = doc.styles["Normal"].paragraph_format
    assert normal.first_line_indent == Pt(32)  # two 三号 characters
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    s = doc.sections[0]
    text_height = s.page_height - s.top_margin - s.bottom_margin
    assert 22 * normal.line_spacing <= text_height < 23 * normal.line_spacing
    for name in ("Heading 1", "Heading 2"):
        assert doc.styles[name].paragraph_format.line_spacing == normal.line_spacing


def test_page_numbers_odd_right_even_left_and_the_draft_mark(doc):
    s = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.runs[0].font.size == Pt(14)  # 四号
    assert "草稿" in s.header.paragraphs[0].text


def test_date_in_arabic_numerals_under_the_signature(doc):
    paragraphs = paragraphs_until_date(doc)
    date, sign = paragraphs[-1], paragraphs[-2]
    assert re.fullmatch(r"2024年12月20日", date.text) and sign.text == "鲁山县下汤镇人民政府"
    # GB/T 9704 7.3.5.1: the date starts two characters right of the signature's first character
    assert sign.paragraph_format.right_indent >= Pt(32) and date.paragraph_format.right_indent >= Pt(32)


def test_appendix_table_is_on_a_landscape_page(doc):
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert len(landscape) == 1 and near(landscape[0].page_width, 297)
