"""The receipt (回执) a clerk finds in inbox/<unit>/回执/: status on top, every finding with its place
and what to do, and a copy of the clerk's own sheet with each faulty cell filled and commented.

Written atomically (temp file + rename). Clerks' text is always written as text, never a formula.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import coordinate_from_string

from schemas.findings import Finding

STATUS_LABELS = {
    "accepted": "已接收",
    "accepted_with_warnings": "已接收（有提示）",
    "rejected": "已退回",
    "duplicate": "重复报送",
    "corrected": "已更正",
    "corrected_with_warnings": "已更正（有提示）",
}
LEVEL_LABELS = {"error": "错误", "warning": "提示", "info": "说明"}
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
STATUS_FILLS = {"已退回": ERROR_FILL, "重复报送": WARNING_FILL}
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
SUMMARY_SHEET = "校验结果"


@dataclass(frozen=True)
class ReceiptInfo:
    status: str                 # a key of STATUS_LABELS
    unit: str
    unit_name: str
    period: str
    original_name: str
    received_at: str            # local time, as the clerk reads it
    findings: tuple[Finding, ...]
    sheet: str = ""
    grid: tuple[tuple[object, ...], ...] = ()
    version: int | None = None
    late: bool = False
    due: str = ""


def receipt_name(original_name: str, received_at: dt.datetime) -> str:
    """<original name>.<YYYYMMDD-HHMMSS>.回执.xlsx — a resubmission never overwrites an older receipt."""
    return f"{safe_name(original_name)}.{received_at:%Y%m%d-%H%M%S}.回执.xlsx"


def free_receipt_path(folder: Path, original_name: str, received_at: dt.datetime) -> Path:
    """The receipt's path, never one an older receipt already holds (two files of one name in one second)."""
    path = folder / receipt_name(original_name, received_at)
    n = 2
    while path.exists():
        path = folder / receipt_name(original_name, received_at).replace(".回执.xlsx", f"-{n}.回执.xlsx")
        n += 1
    return path


def safe_name(name: str, limit: int = 60) -> str:
    """A clerk's file name made harmless as a file name: no folders, controls or odd Unicode forms."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\u202a-\u202e\u2066-\u2069]", "_", name).strip(" .")
    return (name or "文件")[:limit]


def build_receipt(info: ReceiptInfo) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    label = STATUS_LABELS[info.status]
    ws["A1"] = "报送回执"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"], ws["B2"] = "处理结果", label
    ws["B2"].font = Font(bold=True, size=14)
    ws["B2"].fill = STATUS_FILLS.get(label, OK_FILL)
    rows = [("报送单位", f"{info.unit_name}（{info.unit}）"), ("报告期", info.period or "未能识别"),
            ("报送文件", info.original_name), ("接收时间", info.received_at)]
    if info.version:
        rows.append(("版本", f"第 {info.version} 版"))
    if info.due:
        rows.append(("截止日期", f"{info.due}" + ("（本次逾期）" if info.late else "")))
    errors = sum(f.level == "error" for f in info.findings)
    warnings = sum(f.level == "warning" for f in info.findings)
    rows.append(("问题数量", f"错误 {errors} 项，提示 {warnings} 项"))
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(row=i, column=1, value=k).font = Font(bold=True)
        _text_cell(ws, i, 2, v)
    head = len(rows) + 4
    for c, title in enumerate(("位置", "级别", "问题", "怎么办"), start=1):
        ws.cell(row=head, column=c, value=title).font = Font(bold=True)
    for r, f in enumerate(info.findings, start=head + 1):
        _text_cell(ws, r, 1, f.place)
        ws.cell(row=r, column=2, value=LEVEL_LABELS[f.level]).fill = (
            ERROR_FILL if f.level == "error" else WARNING_FILL if f.level == "warning" else OK_FILL)
        _text_cell(ws, r, 3, f.message)
        _text_cell(ws, r, 4, f.hint)
    if not info.findings:
        ws.cell(row=head + 1, column=3, value="未发现问题，谢谢！")
    for col, width in zip("ABCD", (16, 8, 60, 50)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=head + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if info.grid and info.sheet:
        _copy_with_marks(wb, info)
    return wb


def _text_cell(ws, row: int, col: int, value: object) -> None:
    """openpyxl turns any string starting with '=' into a live formula; clerks' text must stay text."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def _copy_with_marks(wb: Workbook, info: ReceiptInfo) -> None:
    ws = wb.create_sheet(info.sheet[:31])
    for r, row in enumerate(info.grid, start=1):
        for c, value in enumerate(row, start=1):
            if value == "" or value is None:
                continue
            if isinstance(value, dt.timedelta):
                value = str(value)
            _text_cell(ws, r, c, value)
    prefix = f"{info.sheet}!"
    for f in info.findings:
        if not f.place.startswith(prefix) or f.level == "info":
            continue
        ref = f.place[len(prefix):]
        try:
            coordinate_from_string(ref)
        except ValueError:
            continue
        cell = ws[ref]
        cell.fill = ERROR_FILL if f.level == "error" else WARNING_FILL
        text = f"{LEVEL_LABELS[f.level]}：{f.message}" + (f"\n{f.hint}" if f.hint else "")
        if cell.comment:
            text = cell.comment.text + "\n" + text
        cell.comment = Comment(text, "乡镇报表系统", width=300, height=120)
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 24


def write_receipt(path: Path, info: ReceiptInfo) -> Path:
    """Atomic: a reader (or a crash) never sees half a receipt."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    build_receipt(info).save(tmp)
    os.replace(tmp, path)
    return path
