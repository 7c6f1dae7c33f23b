"""Every XML part of a .docx as python-docx loaded it — body, headers, footers, footnotes, endnotes,
comments, settings, document properties — each named as staff know it, in Chinese.

python-docx parses the parts it has a class for (document, headers, footers, comments, settings, core
properties …) and keeps the others (footnotes, endnotes, app.xml, custom.xml …) as bytes. What docxtpl
renders, what the template check reads and what the safety passes clean must be the same parts, so
they all walk them here; a part kept as bytes is parsed (no entities, no network) and written back.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from docx.opc.part import Part, XmlPart
from lxml import etree

SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
KINDS = (  # content-type fragment → what staff call the part
    ("document.main", "正文"), ("template.main", "正文"), ("header", "页眉"), ("footer", "页脚"),
    ("footnotes", "脚注"), ("endnotes", "尾注"), ("comments", "批注"), ("core-properties", "文档属性"),
    ("extended-properties", "文档属性"), ("custom-properties", "自定义属性"), ("settings", "文档设置"),
    ("styles", "样式"), ("numbering", "编号"), ("customXml", "自定义数据"), ("customXmlProperties", "自定义数据"),
)
# The parts docxtpl renders with Jinja (body, headers, footers, footnotes); its core properties too, but
# those are data here and cleaned as such.
RENDERED = ("document.main", "template.main", "header+xml", "footer+xml", "footnotes+xml")


@dataclass
class XmlTree:
    part: Part
    root: etree._Element | None   # None: bytes that are not well-formed XML (`raw` holds them as text)
    parsed: bool                  # True: parsed from the part's bytes here; `store` writes it back
    raw: str = ""

    @property
    def name(self) -> str:
        return str(self.part.partname).lstrip("/")

    @property
    def label(self) -> str:
        """正文, 页眉（header1.xml）, 文档属性（core.xml）: how a message names the part."""
        kind = next((k for frag, k in KINDS if frag in self.part.content_type), "文档部件")
        return "正文" if kind == "正文" else f"{kind}（{self.name.rsplit('/', 1)[-1]}）"

    @property
    def rendered(self) -> bool:
        return any(frag in self.part.content_type for frag in RENDERED)

    @property
    def properties(self) -> bool:
        return self.name.startswith("docProps/")

    def store(self) -> None:
        """Write a parsed tree back into its part (python-docx serialises its own parts on save)."""
        if self.parsed and self.root is not None:
            self.part._blob = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8",
                                             standalone=True)


def xml_trees(doc) -> Iterator[XmlTree]:
    """Each XML part reachable from the document's package, the main document first."""
    parts = list(doc.part.package.iter_parts())
    for part in sorted(parts, key=lambda p: p is not doc.part):
        if isinstance(part, XmlPart):
            yield XmlTree(part, part.element, False)
        elif part.content_type.endswith("xml"):
            try:
                root = etree.fromstring(part.blob, SAFE)
            except etree.XMLSyntaxError:  # docxtpl still renders a footnotes part as text: keep it as text
                yield XmlTree(part, None, True, part.blob.decode("utf-8", "replace"))
                continue
            yield XmlTree(part, root, True)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""
