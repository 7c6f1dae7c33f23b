"""The final copy (定稿): the signed text — the staff's edited file, or the draft — with everything meant
for the reviewers taken out: review comments (figure sources, the 待完善事项, the staff's own), tracked
changes (accepted, as Word's 接受所有修订 would), highlights, and the 草稿 mark; the date under the
signature becomes the date of signing. The wording itself is never touched.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from tasks.drafts.accepted import accept_revisions
from tasks.drafts.docx_safety import strip_remote
from tasks.drafts.page_layout import signature_indents

DRAFT_MARKS = ("草稿", "征求意见稿", "送审稿")
DATE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
SIGNATURE_STYLE = "落款"
COMMENT_PARTS = (RT.COMMENTS, "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                 "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
                 "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
                 "http://schemas.microsoft.com/office/2011/relationships/people")


@dataclass(frozen=True)
class Cleaned:
    comments: int        # comment anchors removed
    revisions: int       # tracked changes accepted
    highlights: int      # highlighted runs made plain
    marks: int           # 草稿 marks removed from headers
    dated: bool          # the date under the signature was found and set
    remote: tuple[str, ...] = ()  # what would have been fetched from elsewhere, removed (docx_safety)


def signing_date(on: dt.date) -> str:
    """Arabic numerals, no leading zeros (GB/T 9704 7.3.5): 2024年12月25日."""
    return f"{on.year}年{on.month}月{on.day}日"


def make_final(doc, signed_on: dt.date, title: str) -> Cleaned:
    """Turn `doc` (a python-docx Document of the signed text) into the final copy, in place."""
    remote = tuple(strip_remote(doc))  # a staff member's file may link an image or a template: never fetched
    parts = _story_parts(doc)
    revisions = accept_revisions(doc)  # every part, footnotes too: what the template check and rendering read
    comments = sum(_strip_comment_anchors(el) for el in parts)
    _drop_comment_parts(doc)
    highlights = sum(_strip(el, "w:highlight") for el in parts)
    marks = sum(_strip_marks(el) for el in parts[1:])  # headers and footers only: never the body's text
    dated = _set_date(doc, signing_date(signed_on))
    signature_indents(doc)
    props = doc.core_properties
    props.title, props.subject, props.comments = title, "定稿", ""
    props.revision = max(props.revision, 1) + 1
    return Cleaned(comments, revisions, highlights, marks, dated, remote)


def full_text(doc) -> str:
    """Every paragraph of the body, tables included, in order: what the final copy states."""
    paragraphs = doc.element.body.iter(qn("w:p"))
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs)


def _story_parts(doc) -> list:
    """The body first, then every header and footer (each section's default, even and first page)."""
    found = [doc.element.body]
    seen = set()
    for section in doc.sections:
        for hf in (section.header, section.even_page_header, section.first_page_header,
                   section.footer, section.even_page_footer, section.first_page_footer):
            if hf.is_linked_to_previous:
                continue
            el = hf._element
            if id(el) not in seen:
                seen.add(id(el))
                found.append(el)
    return found


def _strip_comment_anchors(root) -> int:
    anchors = 0
    for tag in ("w:commentRangeStart", "w:commentRangeEnd"):
        for node in list(root.iter(qn(tag))):
            node.getparent().remove(node)
            anchors += tag == "w:commentRangeStart"
    for ref in list(root.iter(qn("w:commentReference"))):
        run = ref.getparent()
        run.remove(ref)
        if run.tag == qn("w:r") and not [c for c in run if c.tag != qn("w:rPr")]:
            run.getparent().remove(run)
    return anchors


def _drop_comment_parts(doc) -> None:
    """Without their relationships the comment parts are not written at all: the file holds no comment."""
    part = doc.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype in COMMENT_PARTS:
            del part.rels[rid]


def _strip(root, tag: str) -> int:
    nodes = list(root.iter(qn(tag)))
    for node in nodes:
        node.getparent().remove(node)
    return len(nodes)


def _strip_marks(root) -> int:
    removed = 0
    for run in list(root.iter(qn("w:r"))):
        text = "".join(t.text or "" for t in run.iter(qn("w:t"))).strip()
        if text in DRAFT_MARKS:
            run.getparent().remove(run)
            removed += 1
    return removed


def _set_date(doc, date: str) -> bool:
    """The date line of the signature block (style 落款, else the first paragraph that is only a date)."""
    paragraphs = [p for p in doc.paragraphs if DATE.match(p.text)]
    signed = [p for p in paragraphs if p.style is not None and p.style.name == SIGNATURE_STYLE]
    target = signed[-1] if signed else (paragraphs[0] if paragraphs else None)
    if target is None:
        return False
    runs = [r for r in target.runs if r.text]
    runs[0].text = date
    for r in runs[1:]:
        r.text = ""
    return True
