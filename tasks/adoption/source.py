"""A township's earlier report as a Word document: a .docx as it is, a .txt (one paragraph a line) laid
out as a GB/T 9704 document. Reports that cannot be read are refused with the reason, in Chinese."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx

from tasks.drafts.page_layout import blank_document, page_numbers
from tasks.errors import TerminalError

WORD_NAMES = (".doc", ".wps", ".rtf", ".odt", ".pdf")
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
    if suffix in WORD_NAMES:
        raise ReportUnreadable(f"{path.name} 是 {suffix} 文件，只能读取 .docx 或 .txt：请在 Word 或 WPS 中"
                               "“另存为” .docx 后重试")
    if not zipfile.is_zipfile(path):
        raise ReportUnreadable(f"{path.name} 不是 .docx 文档（可能已加密、损坏，或是旧版 .doc 改了扩展名）："
                               "请在 Word 或 WPS 中打开后“另存为” .docx（不加密码）再试")
    try:
        return docx.Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReportUnreadable(f"{path.name} 无法作为 Word 文档打开（{type(exc).__name__}）：请在 Word 或 WPS "
                               "中另存为 .docx 后重试") from exc


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
