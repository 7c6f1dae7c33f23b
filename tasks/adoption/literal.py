"""A report's own braces stay characters: adopt writes no Jinja it did not make.

docxtpl renders the body, headers, footers and footnotes as Jinja, after joining text Word split over
runs — so a `{{`, `{%` or `{#` anywhere in a report (hidden w:vanish text, a field code, an attribute,
a brace at the end of one run and another at the start of the next) would be run by `township report`.
In the rendered parts every brace of the report's text becomes a literal, `{{ '{' }}` / `{{ '}' }}`,
which renders back as the brace the report had; in an attribute only a brace that would open or close
a block does. In the parts nothing renders (endnotes, comments, settings, document properties) a brace
that would open or close a block is removed: nothing reads them as text, and the check reads every part.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from tasks.adoption.source import ReportUnreadable
from tasks.drafts.docx_parts import xml_trees

LITERAL = {"{": "{{ '{' }}", "}": "{{ '}' }}"}
BRACE = re.compile(r"[{}]")
SLOTS = {"text": etree._Element.text, "tail": etree._Element.tail}  # python-docx's w:p.text is its own


def _get(node: etree._Element, slot: str) -> str | None:
    if slot == "text" and not isinstance(node.tag, str):
        return node.text  # a comment's or processing instruction's content
    return SLOTS[slot].__get__(node)


def _set(node: etree._Element, slot: str, value: str) -> None:
    if slot == "text" and not isinstance(node.tag, str):
        node.text = value
    else:
        SLOTS[slot].__set__(node, value)


def keep_literal(doc) -> tuple[int, int]:
    """(braces written as literals, braces removed) over every XML part of `doc`."""
    escaped = removed = 0
    for tree in xml_trees(doc):
        if tree.root is None:
            raise ReportUnreadable(f"报告中的{tree.label}不是有效的 XML，无法安全读取：请在 Word 或 WPS 中打开后"
                                   "“另存为” .docx 再试")
        if tree.rendered:
            n, m = _escape_text(tree.root), _attributes(tree.root, escape=True)
            escaped += n + m
        else:
            n, m = _drop_in_text(tree.root), _attributes(tree.root, escape=False)
            removed += n + m
        if n or m:
            tree.store()
    return escaped, removed


def said(escaped: int, removed: int) -> list[str]:
    """adopt's review lines, in Chinese, for what keep_literal did."""
    out = []
    if escaped:
        out.append(f"报告中有{escaped}个花括号“{{”“}}”：模板中写作 {{{{ '{{' }}}} 这样的文字，草稿中仍是原来的字符，"
                   "不会被当作模板语句执行。")
    if removed:
        out.append(f"报告的文档属性、批注或尾注中有{removed}个可构成模板语句的花括号，已删去。")
    return out


def dangerous(text: str) -> list[int]:
    """Positions of the braces that open ({{ {% {#) or close (}} %} #}) a Jinja block."""
    return [i for i, c in enumerate(text)
            if (c == "{" and text[i + 1:i + 2] in ("{", "%", "#"))
            or (c == "}" and i > 0 and text[i - 1] in "}%#")]


def _slots(node: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Text and tails in the order they are serialised: Jinja reads them as one string."""
    yield node, "text"
    for child in node:  # comments and processing instructions included: their text is in the XML too
        yield from _slots(child)
        yield child, "tail"


def _escape_text(root: etree._Element) -> int:
    count = 0
    for node, slot in _slots(root):
        value = _get(node, slot)
        if value and BRACE.search(value):
            count += len(BRACE.findall(value))
            _set(node, slot, BRACE.sub(lambda m: LITERAL[m.group(0)], value))
    return count


def _drop_in_text(root: etree._Element) -> int:
    """The slots joined as Jinja joins them (only tags between): a pair split over two runs is found too."""
    slots = [(node, slot, _get(node, slot) or "") for node, slot in _slots(root)]
    joined = "".join(value for _, _, value in slots)
    doomed = set(dangerous(joined))
    start = 0
    for node, slot, value in slots:
        here = [i - start for i in range(start, start + len(value)) if i in doomed]
        if here:
            _set(node, slot, "".join(c for j, c in enumerate(value) if j not in here))
        start += len(value)
    return len(doomed)


def _attributes(root: etree._Element, escape: bool) -> int:
    count = 0
    for el in root.iter(tag=etree.Element):
        for name, value in el.attrib.items():
            doomed = dangerous(value)
            if doomed:
                count += len(doomed)
                el.set(name, "".join((LITERAL[c] if escape else "") if j in doomed else c
                                     for j, c in enumerate(value)))
    return count
