"""Tracked changes as Word writes them with 修订 on (w:ins / w:del around runs, w:delText for deleted
text, w:moveFrom / w:moveTo for a moved passage, w:rPrChange for a formatting change), for tests."""
from __future__ import annotations

from copy import deepcopy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

AUTHOR = "司法所 王敏"
DATE = "2025-01-06T09:12:00Z"
_ids = iter(range(100, 10_000))


def _mark(tag: str, children: list) -> object:
    el = OxmlElement(tag)
    el.set(qn("w:id"), str(next(_ids)))
    el.set(qn("w:author"), AUTHOR)
    el.set(qn("w:date"), DATE)
    for c in children:
        el.append(c)
    return el


def run(text: str, template=None, deleted: bool = False) -> object:
    """A run with the formatting of `template` (a w:r), its text in w:t or, deleted, in w:delText."""
    r = OxmlElement("w:r")
    if template is not None and template.find(qn("w:rPr")) is not None:
        r.append(deepcopy(template.find(qn("w:rPr"))))
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    r.append(t)
    return r


def inserted(text: str, template=None) -> object:
    return _mark("w:ins", [run(text, template)])


def deleted(text: str, template=None) -> object:
    return _mark("w:del", [run(text, template, deleted=True)])


def moved_from(text: str, template=None) -> object:
    """The moved-away copy of a passage: Word keeps its text in w:t, inside w:moveFrom."""
    return _mark("w:moveFrom", [run(text, template)])


def moved_to(text: str, template=None) -> object:
    return _mark("w:moveTo", [run(text, template)])


def revise(paragraph, pieces: list[tuple[str, str]]) -> None:
    """Rewrite a python-docx paragraph's runs as `pieces`: (kind, text) with kind '' (plain), 'ins',
    'del', 'from' or 'to'; each takes the first run's formatting, as Word's typing would."""
    p = paragraph._p
    runs = list(p.iter(qn("w:r")))
    model = deepcopy(runs[0]) if runs else None
    for r in runs:
        r.getparent().remove(r)
    make = {"": run, "ins": inserted, "del": deleted, "from": moved_from, "to": moved_to}
    for kind, text in pieces:
        p.append(make[kind](text, model))


def reformatted(paragraph) -> None:
    """A formatting change tracked on the paragraph's first run (bold applied, the old rPr kept)."""
    r = paragraph._p.find(qn("w:r"))
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        r.insert(0, rpr)
    old = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    rpr.append(_mark("w:rPrChange", [old]))


def mark_deleted(paragraph) -> None:
    """The paragraph mark deleted with 修订 on (w:pPr/w:rPr/w:del): with its text deleted too, the whole
    paragraph goes when accepted."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    rpr.append(_mark("w:del", []))
