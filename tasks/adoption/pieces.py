"""The report's text in the order a reader meets it: each body paragraph, and each paragraph of each table
cell (nested tables too) — a figure in a Word table is a figure like any other (issue 23, item 3).

A cell is named as the template check names it (第N段后的表格: N counts the body's paragraphs, as
placeholders.labelled does), with its row and column for the operator; its figure is named from the
row's label (the nearest cell to its left with words), since a cell often holds only 220余次.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tasks.adoption.rewrite import text_of

P, TBL, TR, TC, SDT, CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
NUMBER_ONLY = re.compile(r"^\s*[0-9０-９]+(?:[.．][0-9]+)?\s*$")
LABEL_JUNK = re.compile(r"^\s*(?:[0-9０-９]+[.．、]?|[（(][一二三四五六七八九十\d]+[)）])\s*|[（(][^）)]*[)）]\s*$")


@dataclass(frozen=True)
class Piece:
    paragraph: Paragraph
    number: int          # the body paragraph (1-based, blank ones counted), or the one the table follows
    where: str           # 第N段, 第N段后的表格 — as the template check and the draft's to-do name it
    place: str = ""      # for the operator: 第N段后的表格第2行第3列 ("" for a body paragraph)
    label: str = ""      # a cell's row label: what a bare 220余次 in the cell counts
    column: int = 0      # a cell's column, 1-based (0: a body paragraph)


def pieces(doc) -> Iterator[Piece]:
    """Body paragraphs and table cells' paragraphs, in document order."""
    body = doc._body
    number = 0
    for child in doc.element.body.iterchildren():
        if child.tag == P:
            number += 1
            yield Piece(Paragraph(child, body), number, f"第{number}段")
        elif child.tag == TBL:
            yield from _table(child, body, number)


def _table(table, body, number: int, outer: str = "") -> Iterator[Piece]:
    where = f"第{number}段后的表格"
    for r, row in enumerate(_children(table, TR), start=1):
        cells = list(_children(row, TC))
        for c, cell in enumerate(cells, start=1):
            label = _label(cells[:c - 1])
            place = f"{outer}（内嵌表格第{r}行第{c}列）" if outer else f"{where}第{r}行第{c}列"
            for p in _paragraphs(cell):
                yield Piece(Paragraph(p, body), number, where, place, label, c)
            for inner in _children(cell, TBL):  # a table in a cell: its rows have labels of their own
                yield from _table(inner, body, number, place)


def _paragraphs(cell) -> Iterator:
    yield from _children(cell, P)


def _children(parent, tag: str) -> Iterator:
    """Children with `tag`, looking into content controls (a row or cell inside w:sdt)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = child.find(CONTENT)
            if content is not None:
                yield from _children(content, tag)


def _label(cells: list) -> str:
    """The nearest cell to the left with words (not a 序号 or a number): 开展普法宣传活动 for 220余次."""
    for cell in reversed(cells):
        text = "".join(text_of(Paragraph(p, None)) for p in _paragraphs(cell)).strip()
        if text and not NUMBER_ONLY.match(text):
            return LABEL_JUNK.sub("", text).strip()
    return ""


def bare_number(text: str) -> bool:
    """A cell holding only a number (its unit in the header, or a 序号)."""
    return NUMBER_ONLY.match(text) is not None
