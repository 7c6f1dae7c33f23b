"""What the draft left for staff to fill — a figure with nothing true to state (××场), a placeholder the
catalog lacks (【缺指标…】, 【未知占位符…】) — found wherever the signed text can hold it: body paragraphs,
table cells (nested tables too), text boxes, headers, footers, footnotes and endnotes. Each is named by
where a reader finds it (第3段, 表1第2行第4列, 页眉, 脚注), so staff can go straight to it in Word/WPS.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx.oxml.ns import qn
from lxml import etree

UNFILLED = re.compile(r"××|【缺指标[^】]*】|【未知占位符[^】]*】")
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
STORIES = {WML + "header+xml": "页眉", WML + "footer+xml": "页脚", WML + "footnotes+xml": "脚注",
           WML + "endnotes+xml": "尾注"}
P, T, TBL, TR, TC, TXBX, SDT = (qn("w:p"), qn("w:t"), qn("w:tbl"), qn("w:tr"), qn("w:tc"),
                                qn("w:txbxContent"), qn("w:sdt"))


@dataclass(frozen=True)
class Blank:
    place: str      # 第3段 / 表1第2行第4列 / 第5段的文本框 / 页眉 / 页脚 / 脚注 / 尾注
    text: str       # the opening of its paragraph

    def words(self) -> str:
        return f"{self.place}“{self.text}”"


def own_text(p) -> str:
    """A paragraph's own text: a text box anchored in it holds paragraphs of its own, named apart."""
    return "".join(t.text or "" for t in p.iter(T) if paragraph_of(t) is p)


def paragraph_of(node):
    """The paragraph a run's text (or a comment mark) belongs to: the nearest w:p above it."""
    parent = node.getparent()
    while parent is not None and parent.tag != P:
        parent = parent.getparent()
    return parent


def body_paragraphs(body) -> Iterator[tuple[str, object]]:
    """(place, w:p) for every paragraph of the body, each named as a reader counts: the N-th paragraph
    that holds text, the cell of the N-th table, the text box in the N-th paragraph; any paragraph the
    walk does not reach (wrapped in markup it does not know) is still given, as 正文."""
    seen = set()
    for place, p in _named(body):
        seen.add(p)
        yield place, p
    for p in body.iter(P):
        if p not in seen:
            yield "正文", p


def _named(body) -> Iterator[tuple[str, object]]:
    paragraphs = tables = 0
    for child in _blocks(body):
        if child.tag == P:
            paragraphs += bool(own_text(child).strip())
            here = f"第{max(paragraphs, 1)}段"
            yield here, child
            for box in child.iter(TXBX):
                for p in box.iter(P):
                    yield f"{here}的文本框", p
        elif child.tag == TBL:
            tables += 1
            yield from _cells(child, f"表{tables}")


def _blocks(parent) -> Iterator:
    """Paragraphs and tables at this level; a content control (w:sdt) is looked into."""
    for child in parent:
        if child.tag == SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (P, TBL):
            yield child


def _cells(table, name: str) -> Iterator[tuple[str, object]]:
    for r, row in enumerate((c for c in _blocks_of(table, TR)), start=1):
        for c, cell in enumerate(_blocks_of(row, TC), start=1):
            place = f"{name}第{r}行第{c}列"
            for p in cell.iter(P):  # nested tables and text boxes in the cell: the same cell to a reader
                yield place, p


def _blocks_of(parent, tag: str) -> Iterator:
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:  # a row or cell inside a content control
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks_of(content, tag)


def story_roots(doc) -> Iterator[tuple[str, object]]:
    """(kind, root element) of every part that holds text other than the body: headers, footers (each
    section's, even and first page alike), footnotes, endnotes — whatever relationships reach them."""
    for part in doc.part.package.iter_parts():
        kind = STORIES.get(part.content_type)
        if kind is None:
            continue
        root = getattr(part, "_element", None)
        if root is None:  # python-docx keeps footnotes and endnotes as bytes; no DTD is left by now
            root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
        yield kind, root


def unfilled(doc) -> list[Blank]:
    """Every place in the document that still holds a blank or an unknown placeholder, once each (a
    text box is stored twice, for new and old readers of the format)."""
    stories = [(kind, p) for kind, root in story_roots(doc) for p in root.iter(P)]
    found: dict[Blank, None] = {}
    for place, p in [*body_paragraphs(doc.element.body), *stories]:
        text = own_text(p)
        if UNFILLED.search(text):
            found[Blank(place, text.strip()[:20])] = None
    return list(found)
