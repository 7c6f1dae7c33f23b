"""Nothing in a template, a draft or a final copy is fetched from elsewhere.

A report or a staff member's file may carry content that Word or LibreOffice loads from a URL or a path
when the file is opened or converted: an attached template (word/settings.xml), a linked image or
object, a subdocument (relationships with TargetMode="External"), INCLUDETEXT / INCLUDEPICTURE / LINK /
DDE fields. On the server, LibreOffice fetched such a URL while making the PDF of a final copy. Each is
removed here — at adopt, after rendering a draft and in the final copy — and said in Chinese; a plain
hyperlink stays (it is text a reader may follow, nothing loads it). An image both linked and saved in
the file keeps its saved copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from tasks.drafts.docx_parts import XmlTree, local, xml_trees

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
KEPT = (RT.HYPERLINK,)
CONTAINERS = ("AlternateContent", "drawing", "pict", "object")  # removed whole around an external reference
STOPS = ("r", "p", "body", "hdr", "ftr", "tc", "settings")
KINDS = {"image": "外部链接的图片", "attachedTemplate": "附加模板", "oleObject": "外部链接的对象",
         "package": "外部链接的对象", "subDocument": "外部子文档", "frame": "外部网页框架",
         "aFChunk": "外部嵌入内容", "mailMergeSource": "邮件合并数据源", "recipientData": "邮件合并数据源"}
FIELD = r"(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|IMPORT|LINK|DDEAUTO|DDE)\b"
LEADING, ANYWHERE = re.compile(r"^\s*" + FIELD, re.I), re.compile(r"\b" + FIELD, re.I)


def strip_remote(doc) -> list[str]:
    """Remove, in every part of `doc`, what would be loaded from outside the file; one line per removal."""
    said: list[str] = []
    for tree in xml_trees(doc):
        if tree.root is None:
            continue
        changed = _attached_template(tree, said) | _external(tree, said) | _fields(tree, said)
        if changed:
            tree.store()
    return said


def _attached_template(tree: XmlTree, said: list[str]) -> bool:
    """Word opens the attached template (a URL, a UNC path) with the document: gone, rel or not."""
    assert tree.root is not None
    found = list(tree.root.iter(qn("w:attachedTemplate")))
    for el in found:
        rid = el.get(qn("r:id"))
        rel = tree.part.rels.get(rid) if rid else None
        if rel is None or not rel.is_external:  # an external one is said (and dropped) with the others
            said.append(f"{tree.label}中的附加模板已删除（文件不从外部读取内容）")
        el.getparent().remove(el)
    return bool(found)


def _external(tree: XmlTree, said: list[str]) -> bool:
    """External relationships but hyperlinks: each element that uses one goes, then the relationship."""
    assert tree.root is not None
    doomed = {rid: rel for rid, rel in tree.part.rels.items() if rel.is_external and rel.reltype not in KEPT}
    for el in list(tree.root.iter(tag=etree.Element)):
        for name, value in list(el.attrib.items()):
            if name.startswith(R) and value in doomed:
                _drop_reference(el, name)
    for rid, rel in doomed.items():
        what = KINDS.get(rel.reltype.rsplit("/", 1)[-1], f"外部链接（{rel.reltype.rsplit('/', 1)[-1]}）")
        said.append(f"{tree.label}中的{what}（{_short(rel.target_ref)}）已删除（文件不从外部读取内容）")
        del tree.part.rels[rid]
    return bool(doomed)


def _drop_reference(el: etree._Element, name: str) -> None:
    if local(el) == "blip" and name == f"{R}link" and el.get(f"{R}embed"):
        del el.attrib[name]  # linked and saved in the file: the saved copy stays, the link goes
        return
    target = el
    for node in (el, *el.iterancestors()):
        if local(node) in STOPS:
            break
        if local(node) in CONTAINERS:
            target = node
    parent = target.getparent()
    if parent is not None:  # None: already removed with a container of its own
        parent.remove(target)


@dataclass
class _Field:
    begin: etree._Element
    runs: list = field(default_factory=list)   # every run after begin, until end
    separate: int = -1                          # index in runs of the separate mark; -1: none yet
    nested: bool = False                        # another field begins inside its instruction


def _fields(tree: XmlTree, said: list[str]) -> bool:
    """INCLUDE*/LINK/DDE fields lose their instruction; the text they showed last stays."""
    assert tree.root is not None
    changed = False
    for fld in list(tree.root.iter(qn("w:fldSimple"))):
        m = LEADING.match(fld.get(qn("w:instr")) or "")
        if m and fld.getparent() is not None:
            for child in list(fld):
                fld.addprevious(child)
            fld.getparent().remove(fld)
            said.append(f"{tree.label}中的 {m.group(1).upper()} 域已删除（保留其显示的文字）")
            changed = True
    open_fields: list[_Field] = []
    for run in list(tree.root.iter(qn("w:r"))):
        mark = run.find(qn("w:fldChar"))
        kind = mark.get(qn("w:fldCharType")) if mark is not None else None
        for f in open_fields:
            f.runs.append(run)
        if kind == "begin":
            for f in open_fields:
                f.nested |= f.separate < 0
            open_fields.append(_Field(run))
        elif kind == "separate" and open_fields:
            open_fields[-1].separate = len(open_fields[-1].runs) - 1
        elif kind == "end" and open_fields:
            done = open_fields.pop()
            code = done.runs[:done.separate] if done.separate >= 0 else done.runs[:-1]
            text = "".join(t.text or "" for r in code for t in r.iter(qn("w:instrText"), qn("w:t")))
            m = LEADING.match(text) or (ANYWHERE.search(text) if done.nested else None)
            if m:
                marks = [done.begin, done.runs[-1]]
                marks += [done.runs[done.separate]] if done.separate >= 0 else []
                for r in [*code, *marks]:
                    if r.getparent() is not None:
                        r.getparent().remove(r)
                said.append(f"{tree.label}中的 {m.group(1).upper()} 域已删除（保留其显示的文字）")
                changed = True
    return changed


def _short(url: str, n: int = 60) -> str:
    return url if len(url) <= n else url[:n] + "…"
