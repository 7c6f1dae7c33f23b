"""Builders of real files for the reading and validation table: what clerks, WPS and LibreOffice make."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tasks.home import Home
from tasks.returns.blank import ReturnContent, build_return

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
BASE_VALUES = {"TRAINING": 1, "DISPUTE": 6}


def workbook(home: Home, unit: str = "410423105201", period: object = "2024-03",
             values: dict[str, object] | None = None, notes: dict[str, str] | None = None) -> Workbook:
    units = home.registry.by_code()
    return build_return(home.catalog, ReturnContent(home.registry.township.name, units.get(unit), str(period),
                                                    values=BASE_VALUES if values is None else values,
                                                    notes=notes or {}))


def to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edited(home: Home, edits: dict[str, object], **kwargs) -> bytes:
    wb = workbook(home, **kwargs)
    ws = wb["报表"]
    for ref, value in edits.items():
        ws[ref] = value
    return to_bytes(wb)


def patch_sheet_xml(data: bytes, pattern: str, replacement: str, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """Rewrite one part of an xlsx, as another writer (Excel, WPS) would have written it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    assert part in src.namelist(), f"no part {part} to patch"  # else the patch would be silently lost
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == part:
                body, n = re.subn(pattern.encode(), replacement.encode(), body)
                assert n, f"pattern {pattern!r} not found in {part}"
            dst.writestr(item, body)
    return out.getvalue()


def with_cached_formula(home: Home, ref: str, formula: str, cached: int | str, error: bool = False) -> bytes:
    """A formula cell with its cached result, as Excel saves it (openpyxl alone stores no result)."""
    data = edited(home, {ref: 0})
    t = ' t="e"' if error else ""
    return patch_sheet_xml(data, rf'<c r="{ref}"((?: s="[0-9]+")?)(?: t="n")?((?: s="[0-9]+")?)><v>0</v></c>',
                           rf'<c r="{ref}"\1\2{t}><f>{formula}</f><v>{cached}</v></c>')


def inserted(home: Home, rows: int = 0, cols: int = 0, **kwargs) -> bytes:
    wb = workbook(home, **kwargs)
    ws = wb["报表"]
    ws.unmerge_cells("A1:F1")
    if rows:
        ws.insert_rows(1, rows)
        ws["A1"] = "鲁山县下汤镇人民政府"  # a letterhead/logo row above the title
    if cols:
        ws.insert_cols(1, cols)
    ws.data_validations.dataValidation = []
    return to_bytes(wb)


def not_a_return() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "年龄"])
    ws.append(["张三", 30])
    return to_bytes(wb)


def docx_bytes() -> bytes:
    import docx
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("这是一份 Word 文档")
    d.save(buf)
    return buf.getvalue()


def png_bytes() -> bytes:
    import struct
    import zlib
    raw = b"\x00\xff\x00\x00"
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))  # noqa: E731
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def encrypted_xlsx(home: Home) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(edited(home, {}))).encrypt("123456", out)
    return out.getvalue()


def converted(data: bytes, fmt: str, tmp: Path) -> bytes:
    """Save through LibreOffice, as a clerk with WPS/LibreOffice would: real shared strings, cached values."""
    src = tmp / "in.xlsx"
    src.write_bytes(data)
    outdir = tmp / f"out-{fmt}"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    return (outdir / f"in.{fmt}").read_bytes()


def period_as_date(home: Home) -> bytes:
    return edited(home, {"F2": dt.datetime(2024, 3, 1)})


def dimension_a1(home: Home) -> bytes:
    """WPS writes <dimension ref="A1:A1"/> whatever the sheet holds."""
    return patch_sheet_xml(edited(home, {}), r'<dimension ref="[^"]*"/>', '<dimension ref="A1:A1"/>')


def extra_sheet_first(home: Home) -> bytes:
    wb = workbook(home)
    cover = wb.create_sheet("封面", 0)
    cover["A1"] = "下汤村2024年3月报表"
    return to_bytes(wb)


def renamed_sheet(home: Home) -> bytes:
    wb = workbook(home)
    wb["报表"].title = "Sheet1"
    return to_bytes(wb)


def total_row(home: Home, total: object) -> bytes:
    last = 6 + len(home.catalog.indicators)
    return edited(home, {f"C{last}": "合计", f"E{last}": total})


def blank_rows_inside(home: Home) -> bytes:
    wb = workbook(home)
    ws = wb["报表"]
    ws.insert_rows(9, 2)
    ws.data_validations.dataValidation = []
    return to_bytes(wb)


def corrupt_zip(home: Home) -> bytes:
    data = edited(home, {})
    return data[: len(data) // 2]


def load_values(data: bytes) -> dict[str, object]:
    ws = load_workbook(io.BytesIO(data))["报表"]
    return {ws[f"B{r}"].value: ws[f"E{r}"].value for r in range(6, ws.max_row + 1)}
