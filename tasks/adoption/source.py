"""A township's earlier report as a Word document: a .docx as it is, a .txt (one paragraph a line) laid
out as a GB/T 9704 document. Reports that cannot be read are refused with the reason, in Chinese."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx

from tasks.drafts.page_layout import blank_document, page_numbers
from tasks.errors import TerminalError

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # the compound file of .doc, .wps (and encrypted .docx)
H1 = re.compile(r"^[一二三四五六七八九十]+、")
H2 = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
TXT_ARTIFACT = re.compile(r"^\[bookmark: [^\]]*\]")  # left by Word → text converters at a bookmark


class ReportUnreadable(TerminalError):
    """The report is not one this command can read; the message says why and what to do."""


def open_report(path: Path):
    """The report as a python-docx Document."""
    if not path.is_file():
        raise ReportUnreadable(f"找不到报告文件 {path}")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return document_from_lines(read_text(path).splitlines())
    refusal = not_a_docx(path)
    if refusal:
        raise ReportUnreadable(refusal)
    try:
        return docx.Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReportUnreadable(f"{path.name} 无法作为 Word 文档打开（{type(exc).__name__}）：请在 Word 或 WPS "
                               "中另存为 .docx 后重试") from exc


def not_a_docx(path: Path) -> str:
    """Why the file is no .docx, decided by its bytes, not its name ('' when it is one): WPS and offices
    save a .docx as 报告.wps or 报告.doc, and those are read; a real .doc/.wps, an .rtf, an .odt or a PDF
    is refused with what to do."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            if "word/document.xml" in zf.namelist():
                return ""
        return (f"{path.name} 不是 Word 文档（.docx），可能是 WPS 或 LibreOffice 的其他格式："
                "请在 Word 或 WPS 中“另存为” .docx 后重试")
    if head.startswith(b"%PDF"):
        return (f"{path.name} 是 PDF 文件，不能用来生成模板：请找到这份报告的原 Word 文件（.docx 或 .doc）再运行 "
                "township adopt——从 PDF 复制出来的文字会把数字和量词拆开（“12”和“次”分在两处），数字就找不全")
    if head.startswith(OLE2):  # Word 97-2003 and WPS .wps, or a password-protected .docx (also OLE2)
        return (f"{path.name} 是旧版 Word/WPS 文档（.doc/.wps）或加了密码的文档：请在 Word 或 WPS 中打开，"
                "“另存为” .docx（不加密码）后重试")
    if head.startswith(b"{\\rtf"):
        return f"{path.name} 是 RTF 文档：请在 Word 或 WPS 中“另存为” .docx 后重试"
    return (f"{path.name} 不是 .docx 文档（可能已损坏，或不是 Word 文件）：请在 Word 或 WPS 中打开后"
            "“另存为” .docx（不加密码）再试")


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Windows Notepad in China saves GBK unless told otherwise
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportUnreadable(f"{path.name} 的文字编码无法识别：请另存为 UTF-8 编码的 .txt 或 .docx")


def document_from_lines(lines: list[str]):
    """One paragraph a line: the lines before the first blank one are the title, 一、 and （一） lines
    headings, the rest body text; blank lines are kept, so line N is paragraph N."""
    doc = blank_document()
    in_title = True
    for line in lines:
        text = TXT_ARTIFACT.sub("", line).rstrip("\r")
        if not text.strip():
            in_title = False
            doc.add_paragraph("", style="Normal")
            continue
        style = "公文标题" if in_title else "Heading 1" if H1.match(text) else "Heading 2" if H2.match(text) \
            else "Normal"
        doc.add_paragraph(style=style).add_run(text)
    page_numbers(doc)
    return doc
