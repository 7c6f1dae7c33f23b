"""What a staff-edited copy (修改稿) states where the draft stated each figure of the ledger.

The draft is the reference: it is the system's own file (its hash checked against the ledger), and
each figure in it carries a comment anchored on exactly its characters (乡镇报表系统: “调处矛盾纠纷：…”).
The paragraph holding a figure is found again in the 修改稿 (the same text, else the most alike), and
the figure's characters are carried across by a character alignment of the two paragraphs: what stands
there now is what the 修改稿 states — 70余起 kept, 75起 written over it, or nothing (the clause deleted).
A 修改稿 that states another figure than the ledger's is then listed, figure by figure, for the signer.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from docx.oxml.ns import qn

from tasks.drafts.provenance import AUTHOR
from tasks.signoff.blanks import T, body_paragraphs, own_text, paragraph_of
from tasks.signoff.figures import phrase_in

ALIKE = 0.5           # below this, a paragraph of the draft is taken as removed, not rewritten
FIGURE_CHARS = set("0123456789.余多〇零一二两三四五六七八九十百千万亿")


@dataclass(frozen=True)
class Changed:
    code: str
    name: str
    drafted: str        # what the draft stated (from the ledger's total)
    total: int
    edited: str         # what the 修改稿 states in its place
    place: str          # 第12段, 表1第2行第3列

    def line(self) -> str:
        return f"{self.name}：草稿“{self.drafted}”（台账合计{self.total}），修改稿“{self.edited}”（{self.place}）"


@dataclass(frozen=True)
class Span:
    code: str
    paragraph: int      # index among the draft's paragraphs
    start: int
    end: int


def paragraphs(doc) -> list[tuple[str, str]]:
    """(place, text) of every paragraph of the body, in order."""
    return [(place, own_text(p)) for place, p in body_paragraphs(doc.element.body)]


def figure_spans(draft, figures: dict[str, dict]) -> list[Span]:
    """Where each figure stands in the draft: the characters its system comment is anchored on."""
    by_name = {f["name"]: code for code, f in figures.items()}
    owner: dict[str, str] = {}
    for c in draft.comments:
        name = c.text.split("：", 1)[0]
        if c.author == AUTHOR and name in by_name:
            owner[str(c.comment_id)] = by_name[name]
    spans = []
    for i, (_, p) in enumerate(body_paragraphs(draft.element.body)):
        offset, opened = 0, {}
        for el in p.iter(T, qn("w:commentRangeStart"), qn("w:commentRangeEnd")):
            if el.tag == T:
                offset += len(el.text or "") if paragraph_of(el) is p else 0
                continue
            cid = el.get(qn("w:id"))
            if el.tag == qn("w:commentRangeStart"):
                opened[cid] = offset
            elif cid in opened and cid in owner:
                spans.append(Span(owner[cid], i, opened.pop(cid), offset))
    return spans


def read_figures(draft, edited, figures: dict[str, dict]) -> tuple[dict[str, str | None], dict[str, str]]:
    """code → what the 修改稿 states where the draft stated it (None: nothing, the clause is gone), and
    code → the place in the 修改稿. A figure the draft's comments do not place is looked for as text."""
    before, after = paragraphs(draft), paragraphs(edited)
    texts = [t for _, t in after]
    found: dict[str, list[tuple[str | None, str]]] = {}
    for span in figure_spans(draft, figures):
        source = before[span.paragraph][1]
        if source[span.start:span.end] != figures[span.code]["stated"]:
            continue
        j = _counterpart(source, texts)
        if j is not None:
            found.setdefault(span.code, []).append((_carried(source, texts[j], span.start, span.end), after[j][0]))
            continue
        near = _by_context(source, span.start, span.end, texts)
        found.setdefault(span.code, []).append((near[0], after[near[1]][0]) if near else (None, ""))
    stated: dict[str, str | None] = {}
    places: dict[str, str] = {}
    whole = "\n".join(texts)
    for code, f in figures.items():
        seen = found.get(code)
        if not seen:  # not placed by a comment: present as text, or not stated
            stated[code] = f["stated"] if phrase_in(whole, f["stated"]) else None
            continue
        # a figure the draft states twice: any place that states it otherwise is what the signer must see
        now, place = min(seen, key=lambda s: (s[0] is None or s[0] == f["stated"], s[0] is None))
        stated[code], places[code] = now, place
    return stated, places


def _counterpart(source: str, texts: list[str]) -> int | None:
    """The 修改稿's paragraph that is the draft's `source`: the same text, else the most alike."""
    if source in texts:
        return texts.index(source)
    best, score = None, ALIKE
    for j, text in enumerate(texts):
        m = difflib.SequenceMatcher(None, source, text, autojunk=False)
        if m.real_quick_ratio() >= score and m.quick_ratio() >= score and (r := m.ratio()) >= score:
            best, score = j, r
    return best


def _by_context(source: str, start: int, end: int, texts: list[str]) -> tuple[str, int] | None:
    """A paragraph rewritten past recognition may keep the figure's clause: the few characters before
    (or after) the figure found again, and a figure read beside them (a table's heading 法律专题培训（次）
    holds the words but no figure: not it)."""
    size, room = end - start, 24
    left, right = source[max(0, start - 6):start], source[end:end + 6]
    piece = source[start - len(left):end + len(right)]
    for j, text in enumerate(texts):
        windows = []
        if len(left) >= 3 and (k := text.find(left)) >= 0:
            windows.append(text[k:k + len(left) + size + room])
        if len(right) >= 3 and (k := text.find(right)) >= 0:
            windows.append(text[max(0, k - size - room):k + len(right)])
        for window in windows:
            now = _carried(piece, window, len(left), len(left) + size)
            if now and any(c in FIGURE_CHARS for c in now):
                return now, j
    return None


def _carried(source: str, target: str, start: int, end: int) -> str | None:
    """The characters of `target` that stand where `source[start:end]` stood; widened over digits and
    numerals typed just beside it (70余起 → 170余起 is a change, not the same figure)."""
    m = difflib.SequenceMatcher(None, source, target, autojunk=False)
    lo = hi = None
    for tag, i1, i2, j1, j2 in m.get_opcodes():
        if tag == "equal":
            a, b = max(i1, start), min(i2, end)
            if a < b:
                lo = j1 + (a - i1) if lo is None else lo
                hi = j1 + (b - i1)
        elif (i1 < end and i2 > start) or (tag == "insert" and start < i1 < end):
            lo = j1 if lo is None else lo
            hi = j2
    if lo is None or hi is None or lo >= hi:
        return None
    while lo > 0 and target[lo - 1] in FIGURE_CHARS:
        lo -= 1
    while hi < len(target) and target[hi] in FIGURE_CHARS:
        hi += 1
    return target[lo:hi].strip() or None


def compare(draft, edited, figures: dict[str, dict]) -> tuple[dict[str, dict], list[Changed]]:
    """The figures as the 修改稿 states them (each marked in_final), and those it states otherwise than
    the ledger. A changed figure is recorded with what the 修改稿 says (`stated`), what the draft said
    (`drafted`) and `confirmed` — kept in the drift check against that."""
    stated, places = read_figures(draft, edited, figures)
    marked, changed = {}, []
    for code, f in figures.items():
        now = stated.get(code)
        if now is None or now == f["stated"]:
            marked[code] = {**f, "in_final": now is not None}
            continue
        changed.append(Changed(code, f["name"], f["stated"], f["total"], now, places.get(code, "正文")))
        marked[code] = {**f, "stated": now, "drafted": f["stated"], "confirmed": True, "in_final": True}
    return marked, changed
