"""Reading a rendered draft back as a reader would: the text, the comments and what each is anchored on."""
from __future__ import annotations

import re

from docx.oxml.ns import qn

GOLDEN_HEADER = "#"


def body_lines(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def main_text(doc, date_line: str) -> str:
    """The draft's own text: from the title to the date under the signature (appendices excluded)."""
    lines = body_lines(doc)
    return "\n".join(lines[:lines.index(date_line) + 1])


def golden(path) -> str:
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.startswith(GOLDEN_HEADER))


def anchored(doc) -> dict[int, str]:
    """comment id → the text its range covers in the body."""
    open_ranges: dict[int, list[str]] = {}
    done: dict[int, str] = {}
    for node in doc.element.body.iter():
        if node.tag == qn("w:commentRangeStart"):
            open_ranges[int(node.get(qn("w:id")))] = []
        elif node.tag == qn("w:commentRangeEnd"):
            cid = int(node.get(qn("w:id")))
            done[cid] = "".join(open_ranges.pop(cid, []))
        elif node.tag == qn("w:t"):
            for parts in open_ranges.values():
                parts.append(node.text or "")
    return done


def comments(doc) -> list[tuple[str, str]]:
    """(anchored text, comment text) for every comment, in id order."""
    where = anchored(doc)
    return [(where.get(c.comment_id, ""), c.text) for c in doc.comments]


def breakdown_sum(comment: str) -> tuple[int, int] | None:
    """'73 = 林楼村 11 + 岳庄村 10 + …' → (73, 11 + 10 + …)."""
    m = re.search(r"^(\d+) = (.+)$", comment, re.M)
    if not m:
        return None
    return int(m[1]), sum(int(part.rsplit(" ", 1)[1]) for part in m[2].split(" + "))


def unit_table(doc, first_cell: str = "单位"):
    return next(t for t in doc.tables if t.cell(0, 0).text == first_cell)
