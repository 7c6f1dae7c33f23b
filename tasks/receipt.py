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

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

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
ERROR_FILL, WARNING_FILL, OK_FILL = "#FFC7CE", "#FFEB9C", "#C6EFCE"
STATUS_FILLS = {"已退回": ERROR_FILL, "重复报送": WARNING_FILL}
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


def write_receipt(path: Path, info: ReceiptInfo) -> Path:
    """Atomic (temp file + rename): a reader, or a crash, never sees half a receipt. xlsxwriter, at about a
    quarter of openpyxl's cost per receipt (MEASURED.md; issue 7)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False})
    styles = _Styles(wb)
    _summary(wb.add_worksheet(SUMMARY_SHEET), info, styles)
    if info.grid and info.sheet:
        _copy_with_marks(wb.add_worksheet(_sheet_title(info.sheet)), info, styles)
    wb.close()
    os.replace(tmp, path)
    return path


class _Styles:
    def __init__(self, wb) -> None:
        self.bold = wb.add_format({"bold": True})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.fills = {level: wb.add_format({"bg_color": colour, "text_wrap": True, "valign": "top"})
                      for level, colour in (("error", ERROR_FILL), ("warning", WARNING_FILL), ("info", OK_FILL))}
        self.status = {label: wb.add_format({"bold": True, "font_size": 14, "bg_color": colour})
                       for label, colour in ((lbl, STATUS_FILLS.get(lbl, OK_FILL)) for lbl in STATUS_LABELS.values())}


def _summary(ws, info: ReceiptInfo, st: _Styles) -> None:
    label = STATUS_LABELS[info.status]
    ws.write_string(0, 0, "报送回执", st.title)
    ws.write_string(1, 0, "处理结果", st.bold)
    ws.write_string(1, 1, label, st.status[label])
    rows = [("报送单位", f"{info.unit_name}（{info.unit}）"), ("报告期", info.period or "未能识别"),
            ("报送文件", info.original_name), ("接收时间", info.received_at)]
    if info.version:
        rows.append(("版本", f"第 {info.version} 版"))
    if info.due:
        rows.append(("截止日期", f"{info.due}" + ("（本次逾期）" if info.late else "")))
    errors = sum(f.level == "error" for f in info.findings)
    warnings = sum(f.level == "warning" for f in info.findings)
    rows.append(("问题数量", f"错误 {errors} 项，提示 {warnings} 项"))
    for r, (key, value) in enumerate(rows, start=2):
        ws.write_string(r, 0, key, st.bold)
        ws.write_string(r, 1, value)
    head = len(rows) + 3
    for c, title in enumerate(("位置", "级别", "问题", "怎么办")):
        ws.write_string(head, c, title, st.bold)
    for r, f in enumerate(info.findings, start=head + 1):
        ws.write_string(r, 0, f.place, st.wrap)
        ws.write_string(r, 1, LEVEL_LABELS[f.level], st.fills[f.level])
        ws.write_string(r, 2, f.message, st.wrap)
        ws.write_string(r, 3, f.hint, st.wrap)
    if not info.findings:
        ws.write_string(head + 1, 2, "未发现问题，谢谢！")
    for c, width in enumerate((16, 8, 60, 50)):
        ws.set_column(c, c, width)


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "报表"


def _copy_with_marks(ws, info: ReceiptInfo, st: _Styles) -> None:
    """The clerk's sheet at the same coordinates, so 报表!E9 in a finding is E9 here."""
    prefix = f"{info.sheet}!"
    marked: dict[tuple[int, int], list[Finding]] = {}
    for f in info.findings:
        if f.place.startswith(prefix) and f.level != "info":
            try:
                row, col = xl_cell_to_rowcol(f.place[len(prefix):])
            except (ValueError, AttributeError):
                continue
            marked.setdefault((row, col), []).append(f)
    for r, line in enumerate(info.grid):
        for c, value in enumerate(line):
            findings = marked.get((r, c))
            fmt = st.fills[_worst(findings)] if findings else None
            _write(ws, r, c, value, fmt, st)
    for (r, c), findings in marked.items():
        if r >= len(info.grid) or c >= len(info.grid[r]):
            ws.write_blank(r, c, None, st.fills[_worst(findings)])
        text = "\n".join(f"{LEVEL_LABELS[f.level]}：{f.message}" + (f"\n{f.hint}" if f.hint else "") for f in findings)
        ws.write_comment(r, c, text, {"author": "乡镇报表系统", "x_scale": 2.5, "y_scale": 2})
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 24)


def _worst(findings: list[Finding]) -> str:
    return "error" if any(f.level == "error" for f in findings) else "warning"


def _write(ws, r: int, c: int, value: object, fmt, st: _Styles) -> None:
    if value == "" or value is None:
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fmt)  # never a formula, whatever it starts with
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, (dt.datetime, dt.date)):
        ws.write_datetime(r, c, value if isinstance(value, dt.datetime) else
                          dt.datetime(value.year, value.month, value.day), fmt or st.date)
    else:
        ws.write_string(r, c, str(value), fmt)

