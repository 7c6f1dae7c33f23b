"""Templates are data: the Jinja a template may hold is ours alone, and it renders in a sandbox.

docxtpl hands each part's XML to Jinja as one string, after joining text that Word split over runs
(`patch_xml`). So anything that reads as `{{`, `{%` or `{#` there — visible or hidden (w:vanish) text,
a field code, an attribute, a header, a footnote, a document property — would be run. This module
reads every part the way Jinja will (docxtpl's own `patch_xml`, then Jinja's lexer) and names each
block that is not one of ours, by part and paragraph; rendering happens only in `sandboxed()`, so even
a block that slipped past the check cannot reach Python's internals.

Ours: `{{ word }}` (township, year …), `{{ f.CODE }}` / `{{ y.CODE }}`, and `{{ '…' }}`, a literal —
what adopt writes for a brace that stood in the report's own text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from tasks.drafts.docx_parts import XmlTree, local, xml_trees

W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
MARK = "townshipParagraph"  # set on each paragraph while the part is serialised, to name it afterwards
PIECE = re.compile(r"(?=<w:p[ >])")  # docxtpl starts a line at each paragraph: one piece per paragraph
NUMBERED = re.compile(rf'<w:p [^>]*?{MARK}="(\d+)"')
TAG = re.compile(r"<[^>]*>")
BEGINS = ("{{", "{%", "{#")
OPENERS = {"variable_begin", "block_begin", "comment_begin"}
CLOSERS = {"variable_end", "block_end", "comment_end"}
PROPERTY_NAMES = {"title": "标题", "subject": "主题", "creator": "作者", "keywords": "关键词", "description": "备注",
                  "lastModifiedBy": "最后修改者", "category": "类别", "contentStatus": "状态", "identifier": "标识",
                  "language": "语言", "version": "版本", "Company": "单位", "Manager": "经理"}
PLACEHOLDERS = "{{ f.指标代码 }}、{{ year }} 这样的占位符"
PATCHER = DocxTemplate("")  # only its patch_xml: the text Jinja reads, runs joined as docxtpl joins them


def sandboxed() -> ImmutableSandboxedEnvironment:
    """The only environment a template renders in: no attribute that starts with `_`, no unsafe call,
    nothing mutated (a SecurityError instead); autoescape on, as docxtpl needs for XML."""
    return ImmutableSandboxedEnvironment(autoescape=True)


@dataclass(frozen=True)
class Block:
    text: str       # as the lexer read it: {{ f.DISPUTE }}, {% for x in y %}
    kind: str       # ours: word, figure, literal; not ours: expression, statement, comment, syntax
    name: str = ""  # the word of {{ word }}, the code of {{ f.CODE }}


def blocks(source: str, env: ImmutableSandboxedEnvironment | None = None) -> list[Block]:
    """Every Jinja block of `source` in order; a source Jinja cannot read ends with a `syntax` block."""
    found: list[Block] = []
    tokens: list[tuple[str, str]] = []
    try:
        for _, kind, value in (env or sandboxed()).lex(source):
            if kind == "raw_begin":
                found.append(Block(value, "statement"))
            elif kind in OPENERS:
                tokens = [(kind, value)]
            elif tokens:
                tokens.append((kind, value))
                if kind in CLOSERS:
                    found.append(_classify(tokens))
                    tokens = []
    except TemplateSyntaxError as exc:
        found.append(Block(exc.message or "", "syntax"))
    return found


def _classify(tokens: list[tuple[str, str]]) -> Block:
    text = "".join(value for _, value in tokens)
    (kind, opener), *inner, (_, closer) = tokens
    if kind != "variable_begin":
        return Block(text, "statement" if kind == "block_begin" else "comment")
    words = [(k, v) for k, v in inner if k != "whitespace"]
    if (opener, closer) != ("{{", "}}"):  # {{- … -}}: not a form ours take
        return Block(text, "expression")
    if len(words) == 1 and words[0][0] in ("name", "string"):
        return Block(text, "word" if words[0][0] == "name" else "literal", words[0][1])
    if (len(words) == 3 and words[0] in (("name", "f"), ("name", "y")) and words[1] == ("operator", ".")
            and words[2][0] == "name"):
        return Block(text, "figure", words[2][1])
    return Block(text, "expression")


@dataclass(frozen=True)
class Segment:
    where: str      # 第14段, 页眉（header1.xml）第1段, 文档属性“标题”（core.xml）
    text: str       # its visible text, for the message's opening words
    source: str     # what Jinja reads
    visible: str = ""  # a body paragraph's text as the placeholder check reads it (python-docx's p.text)


def segments(doc, body: dict) -> Iterator[Segment]:
    """Each part of `doc` in pieces Jinja reads; `body`: the body's paragraphs (element → (第N段, text))."""
    for tree in xml_trees(doc):
        if tree.root is None:
            yield Segment(tree.label, "", tree.raw)
        elif tree.properties:
            yield from _properties(tree)
        else:
            yield from _paragraphs(tree, body if tree.label == "正文" else {})


def _paragraphs(tree: XmlTree, body: dict) -> Iterator[Segment]:
    assert tree.root is not None
    paragraphs = list(tree.root.iter(W_P))
    for i, p in enumerate(paragraphs):
        p.set(MARK, str(i))
    try:
        xml = etree.tostring(tree.root, encoding="unicode")
    finally:
        for p in paragraphs:
            del p.attrib[MARK]
    if not any(b in xml for b in (*BEGINS, "{<")):
        return  # no block, and none that docxtpl's joining of runs ({ then a tag then {) could make
    xml = PATCHER.patch_xml(xml)
    for piece in PIECE.split(xml):
        numbered = NUMBERED.match(piece)
        text = unescape(TAG.sub("", piece))
        if numbered is None:
            yield Segment(tree.label, text, piece)
            continue
        i = int(numbered.group(1))
        p = paragraphs[i]
        if p in body:
            yield Segment(body[p][0], text, piece, body[p][1])
        elif body:
            outer = next((a for a in p.iterancestors(W_P) if a in body), None)
            yield Segment(f"{body[outer][0]}的文本框" if outer is not None else "正文的文本框或内容控件", text, piece)
        else:
            yield Segment(f"{tree.label}第{i + 1}段", text, piece)


def _properties(tree: XmlTree) -> Iterator[Segment]:
    """A document property is rendered as a string of its own (docxtpl's render_properties)."""
    assert tree.root is not None
    for el in tree.root.iter(tag=etree.Element):
        source = "\n".join(v for v in (etree._Element.text.__get__(el) or "", *el.attrib.values()) if v)
        if not source.strip():
            continue
        parent = el.getparent()
        name = el.get("name") or (parent.get("name") if parent is not None else None) or local(el)
        yield Segment(f"{tree.label}“{PROPERTY_NAMES.get(name, name)}”", source, source)


@dataclass(frozen=True)
class Foreign:
    """A block of a template that is not one of ours, with where it stands."""
    where: str
    opening: str
    block: Block
    message: str


def foreign(doc, body: dict, words: tuple[str, ...]) -> list[Foreign]:
    """Every block of `doc` that is not ours. A `{{ word }}` in a body paragraph's text is left to the
    placeholder check (it marks an unknown word in the draft); elsewhere only the known words are ours."""
    env = sandboxed()
    found = []
    for seg in segments(doc, body):
        if not any(b in seg.source for b in BEGINS):
            continue
        for block in blocks(seg.source, env):
            message = _judge(block, seg.visible, words)
            if message:
                found.append(Foreign(seg.where, _opening(seg.text), block, message))
    return found


def _judge(block: Block, visible: str, words: tuple[str, ...]) -> str:
    if block.kind in ("literal", "figure") or (block.kind == "word" and (block.name in words
                                                                         or block.text in visible)):
        return ""
    if block.kind == "word":
        return f"{block.text} 不是已知的占位符；可用：" + "、".join(words) + "、f.指标代码、y.指标代码"
    if block.kind == "statement":
        return f"“{block.text}”是模板语句：本系统的模板只用 {PLACEHOLDERS}，不执行语句，请删去"
    if block.kind == "comment":
        return f"“{block.text}”是模板注释：本系统的模板只用 {PLACEHOLDERS}，请删去"
    if block.kind == "syntax":
        return f"模板无法解析（{block.text}）：请检查花括号和 {{% %}} 是否成对"
    return f"“{block.text}”无法识别：占位符应写成 {{{{ f.指标代码 }}}} 或 {{{{ year }}}} 这样的形式（其他表达式不会执行）"


def _opening(text: str, n: int = 16) -> str:
    text = text.strip()
    return text[:n] + ("…" if len(text) > n else "")
