"""Put placeholders into the report's own paragraphs, keeping every run's formatting.

Word splits text into runs wherever formatting, spell-checking or an edit session changed: 7000余份 may
be '7', '000' and '余份'. A placeholder replaces the whole span, written into the run where the span
begins (so it takes that run's font), and the rest of the span is removed from the runs it crossed: the
template holds whole placeholders, never '{{ f.' in one run and 'LEAFLET }}' in another.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


def runs_of(paragraph: Paragraph) -> list[Run]:
    """Every run of the paragraph in order, those inside hyperlinks and fields included."""
    return [Run(r, paragraph) for r in paragraph._p.iter(qn("w:r"))]


def text_of(paragraph: Paragraph) -> str:
    return "".join(r.text for r in runs_of(paragraph))


def apply(paragraph: Paragraph, edits: list[Edit]) -> None:
    """Replace each span [start, end) of the paragraph's text; spans must not overlap."""
    runs = runs_of(paragraph)
    texts = [r.text for r in runs]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t)
    changed: set[int] = set()
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):  # right to left: offsets stay true
        first = True
        for i, begin in enumerate(starts):
            end = begin + len(runs[i].text)  # the run as it was: offsets are the original text's
            if end <= edit.start or begin >= edit.end or begin == end:
                continue
            lo, hi = max(edit.start, begin) - begin, min(edit.end, end) - begin
            texts[i] = texts[i][:lo] + (edit.text if first else "") + texts[i][hi:]
            first = False
            changed.add(i)
    for i in changed:
        runs[i].text = texts[i]
