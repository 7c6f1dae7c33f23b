"""Hand-made hostile files (issue 6), each a class MEASURED.md saw break readers."""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

from tests.files import edited, patch_sheet_xml, to_bytes


LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
       '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
       '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
       '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
       '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
       '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
       '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
       '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>')


def far_cell() -> bytes:
    """Cells at A1 and XFD1048576: calamine allocates the whole grid (~512 GiB) and aborts."""
    wb = Workbook()
    ws = wb.active
    ws.title = "报表"
    ws["A1"] = "指标名称"
    ws["B1"] = "本期数量"
    ws.cell(row=1_048_576, column=16_384, value=1)
    return to_bytes(wb)


def far_cell_lying_dimension() -> bytes:
    return patch_sheet_xml(far_cell(), r'<dimension ref="[^"]*"/>', '<dimension ref="A1:B1"/>')


def styled_empty_far_cell(home) -> bytes:
    """A good return whose writer styled an empty cell at XFD1048576: nothing a reader allocates for."""
    return patch_sheet_xml(edited(home, {}), r"</sheetData>",
                           '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')


def zip_bomb(megabytes: int = 120) -> bytes:
    """A small zip whose sheet XML inflates to `megabytes` MB of cells."""
    row = b'<row r="7"><c r="E7"><v>1</v></c></row>'
    body = row * (megabytes * (1 << 20) // len(row))
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main"><sheetData>' + body + b"</sheetData></worksheet>")
    return _replace_part(to_bytes(Workbook()), "xl/worksheets/sheet1.xml", xml, level=9)


def entity_expansion(home) -> bytes:
    data = edited(home, {})
    data = patch_sheet_xml(data, r"<worksheet", LOL + "<worksheet")
    return patch_sheet_xml(data, r"<v>6</v>", "<v>&lol9;</v>")


def padded_entity_expansion(home) -> bytes:
    """The entity expansion behind a 5 KB comment: the DTD past the first 4 KiB of the sheet's XML."""
    data = patch_sheet_xml(edited(home, {}), r"<worksheet", "<!--" + "x" * 5000 + "-->" + LOL + "<worksheet")
    return patch_sheet_xml(data, r"<v>6</v>", "<v>&lol9;</v>")


def external_entity(home) -> bytes:
    data = edited(home, {})
    data = patch_sheet_xml(data, r"<worksheet", '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet')
    return patch_sheet_xml(data, r"<v>6</v>", "<v>&xxe;</v>")


def entity_in_workbook(home) -> bytes:
    """Entity expansion in xl/workbook.xml (a defined name), where no sheet scan would see it."""
    data = patch_sheet_xml(edited(home, {}), r"<workbook", LOL + "<workbook", part="xl/workbook.xml")
    # the template holds a print area, so definedNames has a child to put the entity beside
    return patch_sheet_xml(data, r"<definedNames>", '<definedNames><definedName name="x">&lol9;</definedName>',
                           part="xl/workbook.xml")


def too_many_parts(home, parts: int = 10_001) -> bytes:
    """A good return with 10,001 tiny extra parts: each one small, the directory itself the burden."""
    src = zipfile.ZipFile(io.BytesIO(edited(home, {})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for i in range(parts):
            dst.writestr(f"customXml/p{i}.xml", b"<a/>")
    return out.getvalue()


def inflates_past_limit(home, megabytes: int = 110) -> bytes:
    """A good return with extra parts that inflate to `megabytes` MB in all, each at a ratio (~15×) no
    ratio check would flag, the file itself well under the size limit."""
    noise = os.urandom(64 << 13)
    part = b"".join(noise[i:i + 64] + b" " * 960 for i in range(0, len(noise), 64))  # 8 MiB, ~15× deflated
    src = zipfile.ZipFile(io.BytesIO(edited(home, {})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for i in range(-(-megabytes // 8)):
            dst.writestr(f"xl/media/blob{i}.bin", part[i:] + part[:i])  # no two parts alike
    return out.getvalue()


def damaged_member(home, inflatable: bool = True) -> bytes:
    """The zip's directory intact, the sheet's compressed bytes damaged (a bad sector, a cut download
    patched by a tool): the damage shows only when the part is inflated. inflatable: the damaged
    stream still inflates (the CRC tells: BadZipFile), else deflate itself fails (zlib.error)."""
    data = edited(home, {})
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)  # the local header's own
    start = info.header_offset + 30 + name_len + extra_len
    for at in range(start + info.compress_size // 2, start + info.compress_size):
        damaged = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
        try:
            zipfile.ZipFile(io.BytesIO(damaged)).read(info.filename)
        except zipfile.BadZipFile:
            if inflatable:
                return damaged
        except zlib.error:
            if not inflatable:
                return damaged
    raise AssertionError("no damage of the kind asked for")


def oversized(path: Path, megabytes: int = 8 << 10) -> Path:
    """A sparse file of 8 GB named .xlsx: judged by its size, never read (reading it would take minutes)."""
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(megabytes << 20)
    return path


def zero_filled_tail(home) -> bytes:
    data = edited(home, {})
    half = len(data) // 2
    return data[:half] + b"\x00" * (len(data) - half)


def macro_workbook(home) -> bytes:
    """An .xlsm: a VBA project inside (never run: no reader here runs macros)."""
    data = edited(home, {})
    data = _replace_part(data, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return _replace_part(data, "[Content_Types].xml", None, transform=lambda x: x.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"))


def _replace_part(data: bytes, name: str, body: bytes | None, level: int = 6, transform=None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        names = set()
        for item in src.infolist():
            names.add(item.filename)
            content = src.read(item.filename)
            if item.filename == name:
                content = transform(content) if transform else body
            dst.writestr(item.filename, content)
        if name not in names and body is not None:
            dst.writestr(name, body)
    return out.getvalue()
