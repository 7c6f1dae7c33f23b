"""Cheap checks before any reader touches a file, against what MEASURED.md saw kill readers: a cell at
XFD1048576 (calamine allocates the whole grid, ~512 GiB, and aborts), zip bombs (1 MB → 263 MB of XML),
oversized files. Bounds come from [limits] in township.toml.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from contextlib import nullcontext
from dataclasses import dataclass

from schemas.settings import Limits
from tasks.returns.cell_marks import has_marks

# A cell that holds something (<v>, <is> or <f>): styled empty cells, which some writers emit out to
# XFD1048576, allocate nothing in a reader and are no threat.
REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b')
# Every double-quoted r="A1" (cells that hold nothing included): a pattern that starts with a literal
# runs ~3.5× faster than REF. Whatever REF finds, it finds too, so its bound is an upper bound; REF
# decides only when that bound is over the limit.
ANY_REF = re.compile(rb'r="([A-Z]{1,3})([0-9]{1,7})"')
CHUNK = 1 << 20
MB = 1 << 20


@dataclass(frozen=True, slots=True)
class Precheck:
    problem: str | None          # why no reader may touch the file (a short Chinese detail), or None
    marks: bool | None = None    # whether any sheet holds formulas or error cells (None: not looked)


def precheck(data: bytes, kind: str, limits: Limits, opened: zipfile.ZipFile | None = None) -> Precheck:
    """opened: `data` already opened as a zip by the caller."""
    if big := too_large(len(data), limits):
        return Precheck(big)
    if kind not in ("xlsx", "xlsm", "ods"):
        return Precheck(None)  # xls: bounded by the reading child's memory limit and timeout
    try:
        with nullcontext(opened) if opened is not None else zipfile.ZipFile(io.BytesIO(data)) as zf:
            problem = _zip_bounds(zf, limits) or _no_dtd(zf)
            if problem or kind == "ods":
                return Precheck(problem)
            return _sheet_extents(zf, limits)
    except zlib.error:  # a damaged deflate stream: the file's fault, never an internal error of ours
        return Precheck("压缩结构损坏（数据无法解压）")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return Precheck(f"压缩结构损坏（{type(exc).__name__}）")


def too_large(size: int, limits: Limits) -> str | None:
    """Judged on the size of the open file before a byte is read (a sparse file of 8 GB included)."""
    if size > max_file_bytes(limits):
        return f"文件过大（{size / MB:.1f} MB，上限 {limits.max_file_mb:g} MB）"
    return None


def max_file_bytes(limits: Limits) -> int:
    return int(limits.max_file_mb * MB)


def _zip_bounds(zf: zipfile.ZipFile, limits: Limits) -> str | None:
    infos = zf.infolist()
    if len(infos) > 10_000:
        return f"压缩包内文件过多（{len(infos)} 个）"
    total = sum(i.file_size for i in infos)
    if total > limits.max_inflated_mb * MB:
        return f"解压后过大（{total / MB:.0f} MB）"
    for i in infos:
        if i.file_size > MB and i.file_size > limits.max_inflate_ratio * max(i.compress_size, 1):
            return f"压缩比异常（{i.filename}：{i.file_size // max(i.compress_size, 1)} 倍）"
    return None


VALUE_PARTS = {"xl/workbook.xml", "xl/sharedstrings.xml", "content.xml"}  # sheets are checked while scanned


def _no_dtd(zf: zipfile.ZipFile) -> str | None:
    """Office files never carry a DTD; one that does is an entity-expansion or external-entity attack
    (some readers would leave the cell silently blank). Checked in the parts values come from."""
    for info in zf.infolist():
        if info.filename.lower() in VALUE_PARTS and _part_declares(zf, info):
            return f"含有不允许的 XML 声明（{info.filename}）"
    return None


def dtd_in_any_part(zf: zipfile.ZipFile) -> str | None:
    """Every XML part of an Office file (a .docx's body, headers, footnotes, relationships, VML and SVG
    drawings), for files whose every part is read: the first part that declares a DTD or an entity.
    Streamed: call it once the parts' sizes are bounded (what is inflated is what they declare)."""
    for info in zf.infolist():
        if info.filename.lower().endswith((".xml", ".rels", ".vml", ".svg")) and _part_declares(zf, info):
            return info.filename
    return None


# A declaration in any encoding an XML part may use (an attacker's part need not be UTF-8).
DECLARATIONS = tuple(word.encode(codec) for word in ("<!DOCTYPE", "<!ENTITY")
                     for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))
DECLARATION_TAIL = max(map(len, DECLARATIONS))


def _part_declares(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            text = tail + chunk
            if any(word in text for word in DECLARATIONS):
                return True
            tail = text[-DECLARATION_TAIL:]
    return False


def _declares(text: bytes) -> bool:
    """Anywhere in the part, not only its first KiBs: a prolog of any length (comments, blanks) may stand
    before the DTD. Office XML escapes every '<' in its text, so these appear only as markup."""
    return b"<!DOCTYPE" in text or b"<!ENTITY" in text


def _sheet_extents(zf: zipfile.ZipFile, limits: Limits) -> Precheck:
    """The real extent of each sheet, from its cell references (the declared dimension is not trusted).
    Streams the XML: what it reads is bounded by the zip sizes checked above. Notes on the way whether
    any formula or error cell exists, so the reader can skip looking for them."""
    budget = int(limits.max_inflated_mb * MB)
    marks = False
    for info in zf.infolist():
        if not _is_sheet(info.filename):
            continue
        max_row = max_col = 0
        tail = b""
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    return Precheck("解压后过大")
                text = tail + chunk
                if _declares(text):
                    return Precheck(f"含有不允许的 XML 声明（{info.filename}）")
                marks = marks or has_marks(text)
                max_row, max_col = _extent(ANY_REF.findall(text), max_row, max_col)
                tail = text[-256:]
        if max_row * max(max_col, 1) > limits.max_cells:
            max_row, max_col = _valued_extent(zf, info)  # styled empty cells far out are no threat
            if max_row * max(max_col, 1) > limits.max_cells:
                return Precheck(f"表格范围异常（{max_col} 列 × {max_row} 行）")
    return Precheck(None, marks)


def _valued_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(rows, columns) spanned by the cells of a sheet that hold something (its size is checked)."""
    max_row = max_col = 0
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            text = tail + chunk
            max_row, max_col = _extent(REF.findall(text), max_row, max_col)
            tail = text[-256:]
    return max_row, max_col


def _extent(found: list[tuple[bytes, bytes]], max_row: int, max_col: int) -> tuple[int, int]:
    if not found:
        return max_row, max_col
    cols, rows = zip(*found)  # max over C-level maps: a Python loop per cell cost more than the regex
    return max(max_row, *map(int, rows)), max(max_col, *map(_col_number, set(cols)))


def _is_sheet(name: str) -> bool:
    low = name.lower()
    return low.startswith("xl/worksheets/") and low.endswith(".xml")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
