"""A draft is a draft, whatever its template (DESIGN §7.1): the GB/T 9704 page (A4, the margins of §5) on
every section, "— N —" page numbers at the foot and the 草稿 mark in the header. The packaged template
carries them already; an adopted one keeps the source's page (US Letter, a different first page, its own
"第1页" footer or none), so every draft is dressed here after rendering. The final copy takes the mark
off again (tasks/signoff/final_copy.py); the page and the numbers stay.

Also the draft's title — the first lines of its text — which names its file, and the final copy's."""
from __future__ import annotations

import re

from docx.oxml.ns import qn
from docx.shared import Mm

from tasks.drafts.page_layout import header_mark, page_number, page_setup

MARK = "草稿"
ORGANS = r"(?:人民政府办公室|人民政府|办事处|党委办公室|党委|委员会|领导小组)"
ORGAN = re.compile(ORGANS + "$")
YEAR_WORDS = re.compile(r"^(?:(?:19|20)\d{2}|[一二〇零○]{4})年度?")
NOT_IN_NAMES = re.compile(r"[\\/:*?\"<>|\x00-\x1f\ue000-\uf8ff]")


def dress_as_draft(doc) -> None:
    """In place, before the appendices are added (their sections inherit header and footer)."""
    for section in doc.sections:
        width, height = section.page_width or 0, section.page_height or 0
        landscape = width > height
        page_setup(section)
        if landscape:  # a wide table's page stays wide, on A4
            section.page_width, section.page_height = Mm(297), Mm(210)
        section.different_first_page_header_footer = False  # GB/T 9704 numbers the first page too
    if not _numbered(doc):
        doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in _parts(doc, "footer"):
            _clear(footer)
            page_number(footer.paragraphs[0], align)
    if not any(MARK in p.text for header, _ in _parts(doc, "header") for p in header.paragraphs):
        doc.settings.odd_and_even_pages_header_footer = True
        for header, _ in _parts(doc, "header"):  # the template's own header text stays as it is
            first = header.paragraphs[0]
            header_mark(first if not first.text.strip() else header.add_paragraph(), MARK)


def _parts(doc, kind: str):
    """(header or footer, its page-number alignment) of every section that has its own: odd pages on the
    right, even on the left. A section linked to the one before shares that one's (written once)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for n, section in enumerate(doc.sections):
        odd, even = getattr(section, kind), getattr(section, f"even_page_{kind}")
        if n == 0 or not odd.is_linked_to_previous:
            yield odd, WD_ALIGN_PARAGRAPH.RIGHT
        if n == 0 or not even.is_linked_to_previous:
            yield even, WD_ALIGN_PARAGRAPH.LEFT


def _numbered(doc) -> bool:
    """Whether every footer already says '— PAGE —' (the packaged template's): then it is left alone."""
    if not doc.settings.odd_and_even_pages_header_footer:
        return False
    for footer, _ in _parts(doc, "footer"):
        codes = "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
        codes += "".join(f.get(qn("w:instr"), "") for f in footer._element.iter(qn("w:fldSimple")))
        text = "".join(p.text for p in footer.paragraphs)
        if "PAGE" not in codes or "—" not in text:
            return False
    return True


def _clear(part) -> None:
    """A footer emptied to one blank paragraph: the source's '第1页' or '- 1 -' makes way for ours."""
    paragraphs = part.paragraphs
    for p in paragraphs[1:]:
        p._p.getparent().remove(p._p)
    for table in part._element.findall(qn("w:tbl")):
        part._element.remove(table)
    first = paragraphs[0]._p
    for child in list(first):
        if child.tag != qn("w:pPr"):
            first.remove(child)


def report_title(doc) -> str:
    """The draft's title as its text gives it: the first non-empty paragraph, joined with the next when
    the first is only the issuing organ (鲁山县下汤镇人民政府 / 关于2024年法治政府建设情况的报告)."""
    lines = [p.text.strip() for p in doc.paragraphs[:12] if p.text.strip()]
    if not lines:
        return ""
    title = lines[0]
    if ORGAN.search(title) and len(lines) > 1:
        title += lines[1]
    return title


def title_stem(title: str, names: tuple[str, ...]) -> str:
    """What a file of the report is called, without the year: 法治政府建设情况报告 for
    '鲁山县下汤镇人民政府关于2024年法治政府建设情况的报告', 平安建设工作情况 for '下蜀镇2025年平安建设工作情况'.
    `names`: the county's and the township's, taken off the front. '' when nothing is left."""
    text = NOT_IN_NAMES.sub("", title).strip()
    if "关于" in text:  # 发文机关 + 关于 + 事由 + 文种 (GB/T 9704 7.3.3)
        text = text.split("关于", 1)[1]
    changed = True
    while changed:
        before = text
        for name in (n for n in names if n):
            text = text.removeprefix(name)
        text = re.sub("^" + ORGANS, "", text)
        text = YEAR_WORDS.sub("", text).strip()
        changed = text != before
    text = re.sub(r"的报告$", "报告", text)
    return "" if re.search(r"[，。；！？,;!?]", text) else text[:40]  # a sentence: no title (the name is used)
