"""The drafting material after the signature, out of the final copy (issue 24): the 附录 (典型做法素材,
clerks' notes "未经核实，不直接进入正文") always; the 附表 and 附图 unless the signer keeps them. And,
where the signer accepted gaps in the year's returns, the sentence saying how complete the year was.

The draft lays each appendix out as a label paragraph (附表 / 附图 / 附录, tasks/drafts/appendix.py),
after a section break or a page break. An appendix is removed from its label to the next label kept
(or the end), with the break that opened it; the section properties of what remains stay the last ones.
"""
from __future__ import annotations

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tasks.signoff.blanks import own_text

LABELS = ("附表", "附图", "附录")
TABLES = ("附表", "附图")
P, SECT, BR, BLIP = qn("w:p"), qn("w:sectPr"), qn("w:br"), qn("a:blip")
EMBED = qn("r:embed")


def appendix_starts(body) -> list[tuple[str, object]]:
    """(label, its paragraph) of each appendix, in order: top-level paragraphs that are only a label."""
    return [(own_text(el).strip(), el) for el in body if el.tag == P and own_text(el).strip() in LABELS]


def strip_appendices(doc, keep_tables: bool = False) -> tuple[str, ...]:
    """Remove the 附录 (and, unless `keep_tables`, the 附表 and 附图) in place; returns the labels removed.
    As the draft lays them out, what goes is the end of the body: from the first appendix removed (and
    the break opening it) on; a section break there hands its page setup (the text's) to what remains."""
    body = doc.element.body
    starts = appendix_starts(body)
    gone = [n for n, (name, _) in enumerate(starts) if not (keep_tables and name in TABLES)]
    if not gone:
        return ()
    blocks = [el for el in body if el.tag != SECT]
    first = gone[0]
    if all(n in gone for n in range(first, len(starts))):  # a suffix: the draft's own order
        i = blocks.index(starts[first][1])
        span = blocks[i:]
        opener = blocks[i - 1] if i else None
        if opener is not None and _is_break(opener):
            span.insert(0, opener)
            closing = opener.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if closing is not None:  # the section before the appendix: now the body's last
                trailing = body.find(SECT)
                if trailing is not None:
                    body.remove(trailing)
                closing.getparent().remove(closing)
                body.append(closing)
        _remove(doc, body, span)
    else:  # a 修改稿 that moved an appendix before one kept: only its own paragraphs go
        for n in gone:
            i = blocks.index(starts[n][1])
            j = blocks.index(starts[n + 1][1]) if n + 1 < len(starts) else len(blocks)
            _remove(doc, body, [el for el in blocks[i:j] if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None])
    return tuple(starts[n][0] for n in gone)


def _is_break(el) -> bool:
    """An empty paragraph that only holds a section's properties or a page break."""
    return el.tag == P and not own_text(el).strip() and (el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
                                                          or any(b.get(qn("w:type")) == "page" for b in el.iter(BR)))


def _remove(doc, body, span: list) -> None:
    blips = {b.get(EMBED) for el in span for b in el.iter(BLIP)}
    for el in span:
        body.remove(el)
    still = {b.get(EMBED) for b in body.iter(BLIP)}
    for rid in blips - still - {None}:  # the picture's part goes with it, not left unseen in the file
        if rid in doc.part.rels:
            del doc.part.rels[rid]


def add_completeness(doc, text: str) -> Paragraph | None:
    """The sentence on the year's completeness, after the date under the signature (the last paragraph
    of the text before any appendix), in the body's plain style."""
    from tasks.signoff.final_copy import DATE

    body = doc.element.body
    starts = appendix_starts(body)
    limit = starts[0][1] if starts else None
    candidates = []
    for p in doc.paragraphs:
        if limit is not None and p._p is limit:
            break
        candidates.append(p)
    dated = [p for p in candidates if DATE.match(p.text)]
    anchor = dated[-1] if dated else next((p for p in reversed(candidates) if p.text.strip()), None)
    if anchor is None:
        return None
    new = Paragraph(anchor._p.makeelement(P, {}), anchor._parent)
    anchor._p.addnext(new._p)
    new.style = doc.styles["Normal"]
    new.add_run(f"注：{text}")
    return new
