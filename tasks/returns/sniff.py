"""Deciding a file's format from its bytes, never its name (DESIGN §3): WPS .et files and
mislabelled .xls/.xlsx are read for what they are; anything else is refused with its own reason."""
from __future__ import annotations

import codecs
import io
import struct
import zipfile
import zlib
from contextlib import nullcontext
from dataclasses import dataclass

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
READABLE = {"xlsx", "xlsm", "xls", "ods"}
RECEIPT_PART, RECEIPT_MARK = "docProps/custom.xml", "TownshipReceipt"  # every receipt carries this mark

# Signatures of things clerks send that are not spreadsheets, with the name a clerk recognises.
OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"), (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"),
    (b"BM", "BMP 图片"), (b"{\\rtf", "RTF 文档"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
)


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: str            # xlsx | xlsm | xls | ods | encrypted | empty | corrupt | receipt | other
    label: str = ""      # what a clerk would call it (for messages): "Word 文档", "CSV 文本" …
    detail: str = ""

    @property
    def readable(self) -> bool:
        return self.kind in READABLE


def sniff(data: bytes, opened: zipfile.ZipFile | None = None) -> Sniffed:
    """opened: `data` already opened as a zip by the caller (one parse of its directory, not two)."""
    if not data:
        return Sniffed("empty")
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data, opened)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if data[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08") and len(data) > 4:
        return Sniffed("other", "Excel 2.1–4.0 旧格式")  # a BIFF stream without the OLE container
    for magic, label in OTHER_SIGNATURES:
        if data.startswith(magic):
            return Sniffed("other", label)
    if data.lstrip()[:5].lower() in (b"<?xml", b"<html", b"<!doc") or data.lstrip()[:6].lower() == b"<table":
        return Sniffed("other", "网页或 XML 文本")
    if _looks_like_text(data[:4096]):
        return Sniffed("other", "CSV 或文本文件")
    if data.startswith(b"PK"):
        return Sniffed("corrupt", detail="压缩结构损坏")
    return Sniffed("other", "未知格式")


def open_zip(data: bytes) -> zipfile.ZipFile | None:
    """`data` as a zip, or None when it is none (or a broken one: `sniff` says how)."""
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _sniff_zip(data: bytes, opened: zipfile.ZipFile | None = None) -> Sniffed:
    try:
        with nullcontext(opened) if opened is not None else zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mime == "application/vnd.oasis.opendocument.spreadsheet":
                    if _ods_encrypted(zf):
                        return Sniffed("encrypted", "加密的 ODS 表格")
                    return Sniffed("ods", "ODS 表格")
                return Sniffed("other", "OpenDocument 文档（非表格）")
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:  # zlib: damaged part data
        return Sniffed("corrupt", detail=f"压缩结构损坏：{type(exc).__name__}")
    lowered = {n.lower() for n in names}
    if "xl/workbook.xml" in lowered or "xl/workbook.bin" in lowered:
        if RECEIPT_PART in names and _is_receipt(data, opened):
            return Sniffed("receipt", "本系统发出的回执")
        if "xl/workbook.bin" in lowered:
            return Sniffed("other", "Excel 二进制工作簿（.xlsb）")
        return Sniffed("xlsm" if "xl/vbaproject.bin" in lowered else "xlsx", "Excel 工作簿")
    if "word/document.xml" in lowered:
        return Sniffed("other", "Word 文档")
    if "ppt/presentation.xml" in lowered:
        return Sniffed("other", "PowerPoint 演示文稿")
    if "content.xml" in lowered:
        return Sniffed("ods", "ODS 表格")
    return Sniffed("other", "ZIP 压缩包")


def _is_receipt(data: bytes, opened: zipfile.ZipFile | None) -> bool:
    """A receipt this system wrote (its mark survives Excel's and WPS's saving it again): never a return,
    whichever folder it is dropped into."""
    try:
        with nullcontext(opened) if opened is not None else zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(RECEIPT_PART)
            return info.file_size < 1_000_000 and RECEIPT_MARK.encode() in zf.read(info)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return False


def _ods_encrypted(zf: zipfile.ZipFile) -> bool:
    """An ODF package with a password lists encryption-data for its parts in the manifest."""
    try:
        info = zf.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    return info.file_size < 1_000_000 and b"encryption-data" in zf.read(info)


def _sniff_ole(data: bytes) -> Sniffed:
    import olefile  # with its logging, ~3.5 ms: only for the rare OLE file (.xls, .doc), not every start

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError, RecursionError, MemoryError) as exc:
        return Sniffed("corrupt", detail=f"OLE 结构损坏：{type(exc).__name__}")
    with ole:
        streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=True)}
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return Sniffed("encrypted", "加密的 Excel 工作簿")
    if streams & {"workbook", "book"}:
        return Sniffed("encrypted", "加密的 Excel 工作簿") if _xls_encrypted(data) else Sniffed("xls", "Excel 97-2003 工作簿")
    if "worddocument" in streams:
        return Sniffed("other", "Word 97-2003 文档")
    if "powerpoint document" in streams:
        return Sniffed("other", "PowerPoint 演示文稿")
    return Sniffed("other", "OLE 复合文档（非表格）")


def _xls_encrypted(data: bytes) -> bool:
    """BIFF encryption (RC4, CryptoAPI or XOR obfuscation) is a FILEPASS record in the workbook globals.
    msoffcrypto-tool finds it in BIFF8; BIFF5 files are checked by walking the records with olefile."""
    import msoffcrypto
    import olefile

    try:
        if msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted():
            return True
    except Exception:  # noqa: BLE001 — msoffcrypto rejects BIFF5 and damaged streams; walk them below
        pass
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if ole.exists(n)), None)
            stream = ole.openstream(name).read(1 << 20) if name else b""
    except (OSError, ValueError, IndexError, RecursionError, MemoryError):
        return False
    return _has_filepass(stream)


FILEPASS, EOF_RECORD = 0x002F, 0x000A


def _has_filepass(stream: bytes) -> bool:
    pos = 0
    for _ in range(100_000):
        if pos + 4 > len(stream):
            return False
        rtype, size = struct.unpack_from("<HH", stream, pos)
        if rtype == FILEPASS:
            return True
        if rtype == EOF_RECORD:
            return False
        pos += 4 + size
    return False


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return head.count(b"\x00") > len(head) // 4 and _utf16_text(head)
    for enc in ("utf-8", "gb18030"):
        try:  # incremental: a multi-byte character cut at the 4 KiB edge is not an error
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _utf16_text(head: bytes) -> bool:
    try:
        head.decode("utf-16")
        return True
    except UnicodeDecodeError:
        return False
