"""A document read as Word's 接受所有修订 would leave it: deleted and moved-away text gone, inserted and
moved-to text kept as plain text, no revision mark left.

Staff edit with 修订 (track changes) on, and a report or template may keep its revisions unaccepted.
python-docx's `paragraph.text` reads only a paragraph's direct runs (an inserted run is inside w:ins, so
it is not read), docxtpl renders every run, deleted ones included (a placeholder in w:delText is
rendered into the deleted text), and the sign-off reads w:t. Three readings of one file. So every reader
— adopt (the report), the template check, rendering and the sign-off — first applies this one function
to the document it opened, and then all read the same text: inserted runs in, deleted runs out.
"""
from __future__ import annotations

from docx.oxml.ns import qn
from lxml import etree

from tasks.drafts.docx_parts import xml_trees

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
P, PPR, RPR, TR, TRPR, TC, TCPR, TBL = (qn(t) for t in ("w:p", "w:pPr", "w:rPr", "w:tr", "w:trPr", "w:tc",
                                                      "w:tcPr", "w:tbl"))
GONE = (qn("w:del"), qn("w:moveFrom"))      # around content: the content goes with it
KEPT = (qn("w:ins"), qn("w:moveTo"))        # around content: the content stays, the wrapper goes
MARK_PARENTS = (RPR, TRPR, TCPR)            # under these, w:ins/w:del only mark a paragraph mark or a row
CHANGES = tuple(qn(f"w:{t}") for t in (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "trPrChange", "tcPrChange",
    "tblGridChange", "numberingChange", "cellIns", "cellMerge",
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
    "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd"))


def accept_revisions(doc) -> int:
    """Accept every tracked change of `doc` in place, in every part (body, headers, footers, footnotes,
    endnotes, comments, styles …); returns how many revisions there were."""
    count = 0
    for tree in xml_trees(doc):
        if tree.root is None or W not in (tree.root.tag if isinstance(tree.root.tag, str) else ""):
            continue
        n = accept_in(tree.root)
        if n:
            tree.store()
        count += n
    return count


def accept_in(root: etree._Element) -> int:
    """Accept the revisions under `root`; the order matters: whole rows first, then deleted content,
    then deleted paragraph marks (what is left of the paragraph joins the next), then the wrappers."""
    count = _deleted_rows(root)
    for node in [n for n in root.iter(*GONE) if _content(n)]:
        if node.getparent() is not None:
            node.getparent().remove(node)
            count += 1
    count += _deleted_marks(root)
    for node in [n for n in root.iter(*KEPT)]:
        parent = node.getparent()
        if parent is None:
            continue
        if _content(node):
            for child in list(node):
                node.addprevious(child)
        parent.remove(node)
        count += 1
    for node in list(root.iter(*CHANGES)):
        if node.getparent() is not None:
            node.getparent().remove(node)
            count += node.tag not in _RANGES
    return count


_RANGES = {t for t in CHANGES if "Range" in t}


def _content(node: etree._Element) -> bool:
    parent = node.getparent()
    return parent is not None and parent.tag not in MARK_PARENTS


def _deleted_rows(root: etree._Element) -> int:
    """A row deleted with 修订 on (w:trPr/w:del) goes whole; a cell deleted (w:cellDel) too; a table
    whose rows all went goes as well."""
    count = 0
    for mark in list(root.iter(qn("w:del"), qn("w:cellDel"))):
        parent = mark.getparent()
        if parent is None or parent.tag not in (TRPR, TCPR):
            continue
        doomed = parent.getparent()  # the w:tr or the w:tc
        holder = doomed.getparent() if doomed is not None else None
        if holder is None:
            continue
        holder.remove(doomed)
        count += 1
        table = holder if holder.tag == TBL else None
        if table is not None and table.find(TR) is None and table.getparent() is not None:
            table.getparent().remove(table)
    return count


def _deleted_marks(root: etree._Element) -> int:
    """A paragraph whose mark was deleted (or moved away) joins the next paragraph; with nothing left
    of it, it simply goes (a deleted paragraph)."""
    count = 0
    for p in list(root.iter(P)):
        rpr = p.find(f"{PPR}/{RPR}")
        marks = [m for m in (rpr if rpr is not None else ()) if m.tag in GONE]
        if not marks:
            continue
        for m in marks:
            rpr.remove(m)
        count += 1
        parent = p.getparent()
        if parent is None:
            continue
        content = [c for c in p if c.tag != PPR]
        following = p.getnext()
        if content and following is not None and following.tag == P:
            at = following.find(PPR)
            for child in reversed(content):
                if at is not None:
                    at.addnext(child)
                else:
                    following.insert(0, child)
            parent.remove(p)
        elif not content and following is not None:
            parent.remove(p)  # a paragraph deleted whole (never the last of a cell or of the body)
    return count
