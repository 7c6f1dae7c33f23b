"""Hand-made hostile .docx files (issue 22, item 5): each a real Word document whose zip was then edited,
the way an attacker (or a damaged disk) leaves one. Given to `township adopt` or as a 修改稿."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import docx

from tests.hostile import LOL

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def plain_report(path: Path, paragraphs: tuple[str, ...] = ("关于2024年法治建设工作情况的报告",
                                                          "全年共排查矛盾纠纷356起，发放宣传资料1200份。")) -> Path:
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


def rezip(source: Path, out: Path, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None, stored: tuple[str, ...] = ()) -> Path:
    """The zip of `source` again, parts replaced or added (deflated at level 9 unless named `stored`)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info))
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        for name, data in add.items():
            kind = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            level = 9 if kind == zipfile.ZIP_DEFLATED else None
            zout.writestr(name, data, compress_type=kind, compresslevel=level)
    return out


def document_xml(body: bytes, prolog: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog
            + f"<w:document {W}><w:body>".encode() + body + b"</w:body></w:document>")


def zip_bomb(folder: Path, megabytes: int = 40) -> Path:
    """word/document.xml inflating ~1,000-fold: `megabytes` MB of paragraphs, each a figure, in a few
    tens of KB (the 86 KB .docx that took 228 s and 1.86 GB was of this kind)."""
    paragraph = "<w:p><w:r><w:t>全年共排查矛盾纠纷356起。</w:t></w:r></w:p>".encode()
    body = paragraph * (megabytes * (1 << 20) // len(paragraph))
    return rezip(plain_report(folder / "plain.docx"), folder / "炸弹.docx",
                 replace={"word/document.xml": document_xml(body)})


def entity_expansion(folder: Path) -> Path:
    """A billion-laughs DTD in word/document.xml, its entity in the text."""
    body = ("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>发放宣传资料1200份</w:t></w:r></w:p>").encode()
    prolog = LOL.replace("lolz", "w:document").encode()
    return rezip(plain_report(folder / "plain.docx"), folder / "实体.docx",
                 replace={"word/document.xml": document_xml(body, prolog)})


def many_parts(folder: Path, count: int = 5000) -> Path:
    """`count` extra (tiny) parts in the zip."""
    extra = {f"word/extra/part{i}.xml": b"<a/>" for i in range(count)}
    return rezip(plain_report(folder / "plain.docx"), folder / "部件.docx", add=extra)


def oversized(folder: Path, megabytes: int = 21) -> Path:
    """A good report carrying `megabytes` MB of incompressible media (a 200 MB one was accepted)."""
    return rezip(plain_report(folder / "plain.docx"), folder / "过大.docx",
                 add={"word/media/image1.png": os.urandom(megabytes << 20)},
                 stored=("word/media/image1.png",))


def malformed(folder: Path) -> Path:
    """word/document.xml cut short: the end tags missing."""
    good = zipfile.ZipFile(plain_report(folder / "plain.docx")).read("word/document.xml")
    return rezip(folder / "plain.docx", folder / "损坏.docx", replace={"word/document.xml": good[:-40]})


def large_report(folder: Path, paragraphs: int = 60_000) -> Path:
    """A report that passes every pre-check (its paragraphs differ: it compresses like text, not like a
    bomb) but is large: ~6 MB of XML, 120,000 figures."""
    body = "".join(f"<w:p><w:r><w:t>第{i}段：全年共排查矛盾纠纷{i % 900 + 10}起，走访群众{i * 7 % 9000 + 100}人次。"
                   "</w:t></w:r></w:p>" for i in range(paragraphs)).encode()
    return rezip(plain_report(folder / "plain.docx"), folder / "大报告.docx",
                 replace={"word/document.xml": document_xml(body)})


HOSTILE = {  # builder, the reason said (in Chinese)
    "zip_bomb": (zip_bomb, "压缩比异常"),
    "entity_expansion": (entity_expansion, "含有不允许的 XML 声明"),
    "many_parts": (many_parts, "压缩包内部件过多"),
    "oversized": (oversized, "文件过大"),
    "malformed": (malformed, "XML 格式错误（word/document.xml"),
}
