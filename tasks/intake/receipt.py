"""The receipt (回执) a clerk finds in inbox/<unit>/回执/: status on top, every finding with its place
and what to do, and a copy of the clerk's own sheet with each faulty cell filled and commented.

Written atomically through the unit's folder (`tasks/intake/unit_folder.py`: an unpredictable temporary
name, then a rename, no link followed). Clerks' text is always written as text, never a formula.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from xlsxwriter.utility import xl_cell_to_rowcol

from schemas.findings import Finding
from schemas.labels import LEVEL_LABELS, STATUS_LABELS
from tasks.intake.receipt_writer import (
    BOLD,
    ERROR,
    OK,
    STATUS_ERROR,
    STATUS_OK,
    STATUS_WARNING,
    TITLE,
    WARNING,
    WRAP,
    Sheet,
    workbook_bytes,
)
from tasks.intake.unit_folder import UnitFolder

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
    path: str = ""              # where it goes: inbox/<unit>/回执/…
    source: str = ""            # the file it answers, for reconcile (JSON: `steps.receipt_source`)


NAME_BYTES = 150  # of the clerk's name in a receipt's name: with the rest, far below 255 bytes


def receipt_name(original_name: str, received_at: dt.datetime) -> str:
    """<original name>.<YYYYMMDD-HHMMSS>.回执.xlsx — a resubmission never overwrites an older receipt."""
    return f"{safe_name(original_name)}.{received_at:%Y%m%d-%H%M%S}.回执.xlsx"


def free_receipt_name(folder: UnitFolder, original_name: str, received_at: dt.datetime,
                      promised: set[tuple[str, str]] | None = None) -> str:
    """The receipt's name in the unit's 回执/, never one an older receipt (or anything else) already holds
    there, nor one `promised` — (unit, name) — to a receipt not written yet (cut names can meet); adds it
    there."""
    base = receipt_name(original_name, received_at)
    name, n = base, 2
    while folder.receipt_taken(name) or (promised is not None and (folder.unit, name) in promised):
        name = base.replace(".回执.xlsx", f"-{n}.回执.xlsx")
        n += 1
    if promised is not None:
        promised.add((folder.unit, name))
    return name


def safe_name(name: str, limit: int = 60) -> str:
    """A clerk's file name made harmless as a file name: no folders, controls or odd Unicode forms, at
    most `limit` characters and NAME_BYTES bytes (a 225-byte name must not make the receipt's too long)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\u202a-\u202e\u2066-\u2069\ud800-\udfff]", "_", name).strip(" .")
    name = (name or "文件")[:limit]
    while len(name.encode("utf-8")) > NAME_BYTES:
        name = name[:-1]
    return name


def write_receipt(folder: UnitFolder, info: ReceiptInfo) -> Path:
    """Atomic: a reader, or a crash, never sees half a receipt; written only inside `folder`'s 回执/."""
    sheets = [_summary(info)]
    if info.grid and info.sheet:
        sheets.append(_copy_with_marks(info))
    folder.write_receipt(PurePosixPath(info.path).name, workbook_bytes(sheets, "乡镇报表系统", info.source))
    return Path(info.path)


STATUS_STYLES = {"已退回": STATUS_ERROR, "重复报送": STATUS_WARNING}
LEVEL_STYLES = {"error": ERROR, "warning": WARNING, "info": OK}


def next_step(info: ReceiptInfo) -> str:
    """The one line a clerk acts on, right under the status."""
    if info.status == "rejected":
        elsewhere = next((f for f in info.findings if f.code == "E_UNIT_MISMATCH"), None)
        if elsewhere is not None:  # never "correct the code": that would file another unit's figures as ours
            return elsewhere.hint
        cells = sum(f.level == "error" and f.place.startswith(f"{info.sheet}!") for f in info.findings)
        if cells and info.grid:
            return f"修改“{info.sheet}”表中标红的 {cells} 个单元格（见下表和单元格批注）后重新报送"
        first = next((f.hint for f in info.findings if f.level == "error" and f.hint), "")
        return first or "请按下表修改后重新报送"
    if info.status == "duplicate":
        return "无需操作：内容与已报送的文件相同；如需更正，请修改数字后重新报送"
    if info.status.endswith("with_warnings"):
        return "已入库，无需重报；请核对标黄的单元格，如有误，修改后重新报送（作为更正）"
    return "已入库，无需操作"


def _summary(info: ReceiptInfo) -> Sheet:
    # Four columns that print on one A4 width (fit to width does the rest); values span B:D.
    ws = Sheet(SUMMARY_SHEET, widths={0: 12, 1: 7, 2: 42, 3: 36})
    label = STATUS_LABELS[info.status]
    ws.put(0, 0, "报送回执", TITLE)
    ws.put(1, 0, "处理结果", BOLD)
    ws.put(1, 1, label, STATUS_STYLES.get(label, STATUS_OK))
    ws.put(2, 0, "下一步", BOLD)
    ws.put(2, 1, next_step(info), WRAP)
    ws.merged += [(1, 1, 3), (2, 1, 3)]
    fit_height(ws, 2, [(next_step(info), 85)])  # the line a clerk acts on: never over 报送单位 below
    rows = [("报送单位", f"{info.unit_name}（{info.unit}）"), ("报告期", info.period or "未能识别"),
            ("报送文件", info.original_name), ("接收时间", info.received_at)]
    if info.version:
        rows.append(("版本", f"第 {info.version} 版"))
    if info.due:
        rows.append(("截止日期", f"{info.due}" + ("（本次逾期）" if info.late else "")))
    errors = sum(f.level == "error" for f in info.findings)
    warnings = sum(f.level == "warning" for f in info.findings)
    rows.append(("问题数量", f"错误 {errors} 项，提示 {warnings} 项"))
    ws.heights[0] = TITLE_LINE
    ws.heights[1] = TITLE_LINE
    for r, (key, value) in enumerate(rows, start=3):
        ws.put(r, 0, key, BOLD)
        ws.put(r, 1, value)
        ws.merged.append((r, 1, 3))
        fit_height(ws, r, [(value, 85)])
    head = len(rows) + 4
    ws.title_rows = (head, head)
    for c, title in enumerate(("位置", "级别", "问题", "怎么办")):
        ws.put(head, c, title, BOLD)
    ws.heights[head] = LINE
    for r, f in enumerate(in_order(info.findings), start=head + 1):
        ws.put(r, 0, f.place, WRAP)
        ws.put(r, 1, LEVEL_LABELS[f.level], LEVEL_STYLES[f.level])
        ws.put(r, 2, f.message, WRAP)
        ws.put(r, 3, f.hint, WRAP)
        fit_height(ws, r, [(f.place, 12), (f.message, 42), (f.hint, 36)])
    if not info.findings:
        ws.put(head + 1, 2, "未发现问题，谢谢！")
    return ws


LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


def in_order(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; in cell order within each (a clerk reads the top)."""
    return sorted(findings, key=lambda f: LEVEL_ORDER.get(f.level, 3))


# Points per printed line of 11-point CJK text: LibreOffice and WPS set 等线's stand-ins (Noto Sans CJK)
# about 1.45 em high, so the default 13.5–15 pt rows let a wrapped line run into the row below (issue 25).
LINE = 17.0
TITLE_LINE = 22.0


def fit_height(ws: Sheet, row: int, texts: list[tuple[str, float]]) -> None:
    """A row tall enough for its longest wrapped text (Excel and LibreOffice do not size it on opening,
    least of all a merged cell): lines counted on paper, where “”（） take a CJK character's width."""
    lines = max(-(-paper_width(text) // int(width - 1)) for text, width in texts)
    ws.heights[row] = LINE * max(lines, 1)


def paper_width(text: str) -> int:
    """Columns a text takes when printed in a CJK font: wide, full-width and ambiguous characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in str(text))


# The code cell of another unit's return is right for that unit: marking it red would invite changing it.
UNMARKED = frozenset(("E_UNIT_MISMATCH",))
HEADER_WORDS = frozenset(("指标代码", "指标名称", "本期数量"))


@lru_cache(maxsize=8192, typed=True)  # receipts repeat the template's labels, codes and names
def display_width(value: object) -> int:
    """Columns a value needs: a CJK character takes two; a code like 410423105201 is never cut."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "报表"


def _copy_with_marks(info: ReceiptInfo) -> Sheet:
    """The clerk's sheet at the same coordinates, so 报表!E9 in a finding is E9 here; faulty cells filled
    and commented. Every value is written as what it is: text stays text, never a formula."""
    ws = Sheet(_sheet_title(info.sheet))
    widths: dict[int, int] = {}
    for r, line in enumerate(info.grid):
        for c, value in enumerate(line):
            if value != "" and value is not None:
                ws.put(r, c, str(value) if isinstance(value, (dt.time, dt.timedelta)) else value)
                width = display_width(value)
                if width > widths.get(c, 0):
                    widths[c] = width
                if ws.title_rows is None and value in HEADER_WORDS:
                    ws.title_rows = (r, r)  # the table's header, printed again on every page
    ws.widths = {c: min(max(w + 2, 8), 40) for c, w in widths.items()}
    ws.landscape = sum(ws.widths.values()) > 100
    prefix = f"{info.sheet}!"
    marked: dict[tuple[int, int], list[Finding]] = {}
    for f in info.findings:
        if f.place.startswith(prefix) and f.level != "info" and f.code not in UNMARKED:
            try:
                marked.setdefault(xl_cell_to_rowcol(f.place[len(prefix):]), []).append(f)
            except (ValueError, AttributeError, TypeError):
                continue
    for (r, c), found in marked.items():
        value, _ = ws.cells.get((r, c), ("", 0))
        ws.put(r, c, value, ERROR if any(f.level == "error" for f in found) else WARNING)
        ws.comments[(r, c)] = "\n".join(f"{LEVEL_LABELS[f.level]}：{f.message}" + (f"\n{f.hint}" if f.hint else "")
                                        for f in found)
    return ws
