"""The blank return (DESIGN §3, template v1), generated from the catalog and the layout contract.

The same code fills returns for the demo and the benchmark, so generated data always matches the
template clerks receive.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from schemas.catalog import Catalog
from schemas.registry import Unit
from schemas.return_layout import ReturnLayout, return_layout

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # cells the clerk fills
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LIST_SHEET = "指标目录"
STOCK_LABEL = "期末数"
STOCK_NOTE = ("7. 单位栏标有“期末数”的指标（如网格、网格员、法律顾问的数量），填本月月末现有的数量，不是本月新增的数量；"
              "每月照实填写，没有变化也照填。年度、季度汇总取各单位最近一个月的数，不会逐月相加。")


@dataclass(frozen=True)
class ReturnContent:
    """What a filled return says; used by the demo, the benchmark and the tests."""
    township: str
    unit: Unit | None = None
    period: str = ""
    filled_by: str = ""
    phone: str = ""
    filed_on: str = ""
    values: dict[str, object] = field(default_factory=dict)  # indicator code → what the clerk typed
    notes: dict[str, str] = field(default_factory=dict)


def build_return(catalog: Catalog, content: ReturnContent, layout: ReturnLayout | None = None) -> Workbook:
    layout = layout or return_layout()
    wb = Workbook()
    ws = wb.active
    ws.title = layout.sheet
    _title(ws, layout.title.format(township=content.township))
    f = layout.fields
    unit = content.unit
    _pair(ws, f["unit_name"].cell, f["unit_name"].label, unit.name if unit else "")
    _pair(ws, f["unit_code"].cell, f["unit_code"].label, unit.code if unit else "", as_text=True)
    _pair(ws, f["period"].cell, f["period"].label, content.period, editable=True)
    _pair(ws, f["filled_by"].cell, f["filled_by"].label, content.filled_by, editable=True)
    _pair(ws, f["phone"].cell, f["phone"].label, content.phone, editable=True)
    _pair(ws, f["filed_on"].cell, f["filed_on"].label, content.filed_on, editable=True)
    if not unit:  # a template for any unit: the clerk fills name and code
        for key in ("unit_name", "unit_code"):
            _unlock(ws[f[key].cell])

    cols = {role: spec.column for role, spec in layout.columns.items()}
    hr = layout.header_row
    for role, spec in layout.columns.items():
        cell = ws[f"{spec.column}{hr}"]
        cell.value, cell.font, cell.fill, cell.border = spec.label, Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center")
    first = hr + 1
    for i, ind in enumerate(catalog.indicators):
        r = first + i
        ws[f"{cols['seq']}{r}"] = i + 1
        ws[f"{cols['code']}{r}"] = ind.code
        ws[f"{cols['name']}{r}"] = ind.name
        # a stock's row says 期末数 in the 单位 column: code and name stay as the reader matches them
        ws[f"{cols['unit']}{r}"] = f"{ind.unit}（{STOCK_LABEL}）" if ind.kind == "stock" else ind.unit
        value = ws[f"{cols['value']}{r}"]
        value.value = content.values.get(ind.code)
        note = ws[f"{cols['note']}{r}"]
        note.value = content.notes.get(ind.code)
        note.data_type = "s" if note.value is not None else note.data_type  # clerks' text stays text
        for c in (value, note):
            _unlock(c)
        for col in cols.values():
            ws[f"{col}{r}"].border = BOX
    last = first + len(catalog.indicators) - 1
    _validations(wb, ws, catalog, cols, first, last)
    _instructions(wb, layout, catalog, content.period)
    # D holds 单位 and the 12-digit 单位代码: wide enough for the code, never shown cut as 41042310
    for col, width in zip("ABCDEF", (6, 22, 26, 15, 12, 30)):
        ws.column_dimensions[col].width = width
    _print_setup(ws, last)
    ws.protection.sheet = True  # pre-filled cells are locked; no password, so a clerk can still fix a typo
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    return wb


def write_return(path: Path, catalog: Catalog, content: ReturnContent) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_return(catalog, content).save(path)
    return path


def return_bytes(catalog: Catalog, content: ReturnContent) -> bytes:
    buf = io.BytesIO()
    build_return(catalog, content).save(buf)
    return buf.getvalue()


def _title(ws, text: str) -> None:
    ws.merge_cells("A1:F1")
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30


def _print_setup(ws, last: int) -> None:
    """Printed on one A4 page wide (the title whole, not cut between two pages), as long as it needs."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_area = f"A1:F{last}"
    ws.page_margins.left = ws.page_margins.right = 0.5


def _pair(ws, value_ref: str, label: str, value: object, editable: bool = False, as_text: bool = False) -> None:
    """A label in the cell left of its value (the reader finds values by label, DESIGN §3)."""
    value_cell = ws[value_ref]
    label_cell = ws.cell(row=value_cell.row, column=value_cell.column - 1)
    label_cell.value, label_cell.font = label, Font(bold=True)
    value_cell.value = value if value != "" else None
    if isinstance(value, str) and value:
        value_cell.data_type = "s"
    if as_text:
        value_cell.number_format = "@"  # text: a code typed here stays 410423105201, not 4.10423E+11
    if editable:
        _unlock(value_cell)


def _unlock(cell) -> None:
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL


def _validations(wb: Workbook, ws, catalog: Catalog, cols: dict[str, str], first: int, last: int) -> None:
    lists = wb.create_sheet(LIST_SHEET)
    for i, ind in enumerate(catalog.indicators, start=1):
        lists.cell(row=i, column=1, value=ind.name)
    lists.sheet_state = "hidden"
    names = DataValidation(type="list", formula1=f"={LIST_SHEET}!$A$1:$A${len(catalog.indicators)}",
                           allow_blank=True, showErrorMessage=True,
                           errorTitle="指标名称", error="请从下拉列表中选择指标名称")
    names.add(f"{cols['name']}{first}:{cols['name']}{last}")
    whole = DataValidation(type="whole", operator="between", formula1="0", formula2="1000000",
                           allow_blank=True, showErrorMessage=True,
                           errorTitle="本期数量", error="请填写 0 到 1000000 之间的整数")
    whole.add(f"{cols['value']}{first}:{cols['value']}{last}")
    ws.add_data_validation(names)
    ws.add_data_validation(whole)


INSTRUCTIONS = (
    "填报说明",
    "1. 每月一表，每个报送单位一份，填好后放入本单位的报送文件夹（以单位代码命名）。",
    "2. 只填写黄色单元格：报告期（{example}）、填报人、联系电话、报送日期、本期数量和备注。",
    "3. 本期数量填写本月实际完成的准确数字（整数，不要填“约70”“70余”），没有工作量的填 0；整栏空白的报表会被退回。",
    "4. 不要增删指标行、不要修改指标代码和名称；有需要说明的情况写在备注栏。",
    "5. 处理结果（回执）会放回本单位文件夹的“回执”子文件夹，请查看；被退回的请按回执修改后重新报送。",
    "6. 发现已报数字有误，修改后重新报送即可，系统按更正处理并保留原版本。",
)


def _instructions(wb: Workbook, layout: ReturnLayout, catalog: Catalog, period: str) -> None:
    ws = wb.create_sheet(layout.instructions_sheet, 1)
    example = f"本表为 {period}" if period else "写所报告的月份，格式为“年-月”"
    lines = tuple(line.replace("{example}", example) for line in INSTRUCTIONS)
    lines = (*lines, STOCK_NOTE) if catalog.stocks else lines
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line)
    ws["A1"].font = Font(bold=True, size=14)
    row = len(lines) + 2
    ws.cell(row=row, column=1, value="指标目录").font = Font(bold=True)
    for ind in catalog.indicators:
        row += 1
        aliases = "、".join(ind.aliases)
        measure = f"{ind.unit}，{STOCK_LABEL}" if ind.kind == "stock" else ind.unit
        ws.cell(row=row, column=1, value=f"{ind.code}  {ind.name}（{measure}）" + (f"  又称：{aliases}" if aliases else ""))
    ws.column_dimensions["A"].width = 100
