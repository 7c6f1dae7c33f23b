"""Highlight, for staff, the sentence around one run of a paragraph (a figure the data could not give)."""
from __future__ import annotations

from copy import deepcopy

from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

ENDS = "。；！？"


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """From after the previous 。；！？ (or the paragraph's start) to the next one, included."""
    left = max(text.rfind(c, 0, start) for c in ENDS) + 1
    rights = [i for i in (text.find(c, end) for c in ENDS) if i >= 0]
    return left, (min(rights) + 1 if rights else len(text))


def _runs(paragraph: Paragraph) -> list[Run]:
    return [Run(r, paragraph) for r in paragraph._p.iter(qn("w:r"))]


def _split(run: Run, at: int) -> None:
    """Split a run in two at a character offset; both halves keep its formatting."""
    text = run.text
    if 0 < at < len(text):
        twin = deepcopy(run._r)
        run._r.addprevious(twin)
        Run(twin, run._parent).text = text[:at]
        run.text = text[at:]


def _split_at(paragraph: Paragraph, offset: int) -> None:
    pos = 0
    for r in _runs(paragraph):
        n = len(r.text)
        if pos < offset < pos + n:
            _split(r, offset - pos)
            return
        pos += n


def highlight_sentence(paragraph: Paragraph, target: Run, color=WD_COLOR_INDEX.YELLOW) -> str:
    """Highlight the sentence holding `target`; returns the sentence's text."""
    runs = _runs(paragraph)
    offsets, pos = {}, 0
    for r in runs:
        offsets[id(r._r)] = pos
        pos += len(r.text)
    text = "".join(r.text for r in runs)
    start = offsets.get(id(target._r), 0)
    left, right = sentence_bounds(text, start, start + len(target.text))
    for cut in (right, left):  # split where the sentence begins and ends, then mark the runs in between
        _split_at(paragraph, cut)
    pos = 0
    for r in _runs(paragraph):
        n = len(r.text)
        if n and left <= pos and pos + n <= right:
            r.font.highlight_color = color
        pos += n
    return text[left:right]
