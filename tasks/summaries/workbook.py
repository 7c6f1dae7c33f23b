"""The period workbook operators open: 汇总, 分单位, 报送情况 (coloured), 问题清单, 催报名单, 备注摘录 and a
native Excel chart. Every string is written as text: a clerk's '=1+1' in a file name or message stays text."""
from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.pagebreak import Break
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from schemas.catalog import Catalog, Indicator
from schemas.labels import STATE_LABELS
from tasks.returns.clerk_text import for_xml
from tasks.summaries.model import PeriodSummary

STATE_FILLS = {  # the colours Excel users know: green good, yellow late, red missing
    "on_time": PatternFill("solid", fgColor="C6EFCE"), "late": PatternFill("solid", fgColor="FFEB9C"),
    "rejected": PatternFill("solid", fgColor="F8CBAD"), "missing": PatternFill("solid", fgColor="FFC7CE"),
    "pending": PatternFill("solid", fgColor="EDEDED"), "absent": PatternFill(fill_type=None),
}
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CHART_INDICATOR = "PUBLICITY_EVENT"
CHASE_LABELS = {"missing": "未报送（已逾期）", "rejected": "已退回，待重新报送", "pending": "未报送（未到截止日）"}


def put(ws: Worksheet, row: int, col: int, value: object):
    """openpyxl turns any string starting with '=' into a live formula; every string here stays text,
    without the control characters XML cannot hold (a clerk's `_x0001_` or a BEL in a file name)."""
    if isinstance(value, str):
        value = for_xml(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    cell.border = BOX
    return cell


def table(ws: Worksheet, title: str, header: list[str], rows: list[list[object]], widths: list[int]) -> int:
    """A titled, boxed table from row 1; returns the header's row number."""
    ws.cell(row=1, column=1, value=for_xml(title)).font = Font(bold=True, size=14)
    for c, text in enumerate(header, start=1):
        cell = put(ws, 3, c, text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    # Wrapped headers need their height set: LibreOffice (and so a PDF of the sheet) does not grow rows.
    lines = max(math.ceil(len(text) * 2 / max(width - 1, 1)) for text, width in zip(header, widths))
    ws.row_dimensions[3].height = 15 * max(lines, 1)
    ws.freeze_panes = ws.cell(row=4, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed one page wide, as long as it needs
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "3:3"
    return 3


def measure(ind: Indicator) -> str:
    """个, or 个，期末数 for a stock: its figure is what units hold, not what they did."""
    return f"{ind.unit}，期末数" if ind.kind == "stock" else ind.unit


def build_workbook(data: PeriodSummary, catalog: Catalog) -> Workbook:
    wb = Workbook()
    _totals(wb.active, data, catalog)
    _per_unit(wb.create_sheet("分单位"), data, catalog)
    _timeliness(wb.create_sheet("报送情况"), data)
    _findings(wb.create_sheet("问题清单"), data)
    _chase(wb.create_sheet("催报名单"), data)
    _notes(wb.create_sheet("备注摘录"), data, catalog)
    return wb


def _totals(ws: Worksheet, data: PeriodSummary, catalog: Catalog) -> None:
    ws.title = "汇总"
    months = list(data.months)
    # A month's column is that month's values (for a stock: what was held at its end); the 合计 column is the
    # period's figure by kind (figures_for): a stock's is each unit's latest value summed, labelled 期末数.
    rows = [[i.code, i.name, measure(i), *[data.figures.by_month.get(i.code, {}).get(m, 0) for m in months],
             data.figures.total(i.code)] for i in catalog.indicators]
    table(ws, f"{data.township}{data.label}法治建设工作月报汇总（生成于{data.on:%Y-%m-%d}）",
          ["指标代码", "指标名称", "单位", *[f"{int(m[5:])}月" for m in months],
           "合计/期末数" if catalog.stocks else "合计"], rows,
          [22, 22, 12 if catalog.stocks else 6, *[8] * len(months), 10])
    codes = [i.code for i in catalog.indicators]
    code = CHART_INDICATOR if CHART_INDICATOR in codes else codes[0]
    row = 4 + codes.index(code)
    ind = catalog.by_code()[code]
    chart = BarChart()
    chart.title = f"各月{ind.name}（{measure(ind)}）"
    chart.y_axis.title = ind.unit
    chart.legend = None
    chart.add_data(Reference(ws, min_col=4, max_col=3 + len(months), min_row=row), from_rows=True)
    chart.set_categories(Reference(ws, min_col=4, max_col=3 + len(months), min_row=3))
    chart.y_axis.scaling.min = 0  # from 0: bars of 12, 10, 10 on an axis from 9 look like a collapse
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.width, chart.height = 18, 8
    # The chart on a page of its own: printed after the table it would be cut across two pages. A row
    # between the break and the chart, or LibreOffice draws the chart's edge at the foot of the first page.
    anchor = len(rows) + 7
    ws.row_breaks.append(Break(id=anchor - 2))
    ws.add_chart(chart, f"B{anchor}")


def _per_unit(ws: Worksheet, data: PeriodSummary, catalog: Catalog) -> None:
    codes = [i.code for i in catalog.indicators]
    rows = [[u.code, u.name, *[data.figures.by_unit.get(c, {}).get(u.code, 0) for c in codes]] for u in data.units]
    rows.append(["", "合计", *[data.figures.total(c) for c in codes]])
    header = ["单位代码", "单位名称", *[f"{i.name}（{measure(i)}）" for i in catalog.indicators]]
    table(ws, f"{data.label}各单位指标汇总", header, rows, [16, 22, *[11] * len(codes)])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _timeliness(ws: Worksheet, data: PeriodSummary) -> None:
    months = list(data.months)
    rows = [[u.code, u.name, u.contact, u.phone, *[STATE_LABELS[data.states[(u.code, m)]] for m in months]]
            for u in data.units]
    table(ws, f"{data.label}报送情况（截至{data.on:%Y-%m-%d}）",
          ["单位代码", "单位名称", "联系人", "联系电话", *[f"{int(m[5:])}月" for m in months]], rows,
          [16, 22, 10, 15, *[9] * len(months)])
    for r, u in enumerate(data.units, start=4):
        for c, m in enumerate(months, start=5):
            cell = ws.cell(row=r, column=c)
            cell.fill = STATE_FILLS[data.states[(u.code, m)]]
            cell.alignment = Alignment(horizontal="center")
    row = len(data.units) + 5
    put(ws, row, 2, "截止日期").font = Font(bold=True)
    for c, m in enumerate(months, start=5):
        put(ws, row, c, f"{data.due[m]:%m-%d}")
    put(ws, row + 2, 2, "图例").font = Font(bold=True)
    for c, (key, label) in enumerate(STATE_LABELS.items(), start=3):
        put(ws, row + 2, c, label).fill = STATE_FILLS[key]


def _findings(ws: Worksheet, data: PeriodSummary) -> None:
    keys = ("unit", "name", "period", "file", "status", "level", "place", "message", "hint")
    table(ws, f"{data.label}问题清单（共{len(data.findings)}条）",
          ["单位代码", "单位名称", "报告期", "文件", "处理结果", "级别", "位置", "问题", "怎么办"],
          [[f[k] for k in keys] for f in data.findings], [16, 18, 9, 28, 14, 6, 12, 40, 40])
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _chase(ws: Worksheet, data: PeriodSummary) -> None:
    rows = [[c.period, c.unit.code, c.unit.name, c.unit.contact, c.unit.phone, CHASE_LABELS[c.state],
             f"{c.due:%Y-%m-%d}"] for c in data.chase]
    table(ws, f"{data.label}催报名单（共{len(rows)}个）", ["报告期", "单位代码", "单位名称", "联系人", "联系电话", "情况",
                                                       "截止日期"], rows, [9, 16, 22, 10, 15, 20, 12])
    for r, c in enumerate(data.chase, start=4):
        ws.cell(row=r, column=6).fill = STATE_FILLS[c.state]


def _notes(ws: Worksheet, data: PeriodSummary, catalog: Catalog) -> None:
    """The clerks' 备注, as typed: material for the narrative (典型做法), never a formula."""
    names = {u.code: u.name for u in data.units}
    indicator = {i.code: i.name for i in catalog.indicators}
    rows = [[unit, names.get(unit, unit), period, indicator.get(code, code), note]
            for unit, period, code, note in data.figures.notes]
    table(ws, f"{data.label}备注摘录（共{len(rows)}条）", ["单位代码", "单位名称", "报告期", "指标", "备注"], rows,
          [16, 22, 9, 22, 60])
