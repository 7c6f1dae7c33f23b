"""What an operator prints reads right on paper (issue 25): the period workbook's chart whole on a page of
its own with its value axis from 0, the 汇总 one page wide; the blank return one page wide, its title
whole and its 单位代码 as text; checked in the workbook's XML and on the PDF LibreOffice prints."""
from __future__ import annotations

import re
import zipfile

from openpyxl import load_workbook

from tasks.summaries.period import summary_files
from tests.helpers import VILLAGE, return_file
from tests.paper import first, ink, needs_print, printed, words
from tests.test_summary import ON, quarter  # noqa: F401 — the fixture: a quarter of real returns


def part(path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def test_the_chart_starts_a_page_and_its_axis_starts_at_zero(quarter):  # noqa: F811
    book = summary_files(quarter, "2024-Q1", ON).workbook
    chart = part(book, "xl/charts/chart1.xml")
    value_axis = re.search(r"<(?:c:)?valAx>.*?</(?:c:)?valAx>", chart, re.S).group(0)
    assert re.search(r'<(?:c:)?scaling>.*<(?:c:)?min val="0(\.0)?"/>.*</(?:c:)?scaling>', value_axis, re.S)
    sheet = part(book, "xl/worksheets/sheet1.xml")
    breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"[^>]*man="1"', sheet)]
    anchor = int(re.search(r"<(?:xdr:)?from>.*?<(?:xdr:)?row>(\d+)</", part(book, "xl/drawings/drawing1.xml")).group(1))
    assert breaks == [anchor - 1]  # a page starts just above the chart (0-based anchor; the break's id is 1-based)
    assert '<pageSetUpPr fitToPage="1"/>' in sheet and re.search(r'fitToWidth="1"', sheet)


@needs_print
def test_the_chart_prints_whole_on_one_page(quarter, tmp_path):  # noqa: F811
    book = summary_files(quarter, "2024-Q1", ON).workbook
    pdf = printed(book, tmp_path / "summary.pdf")
    found = words(pdf)
    # LibreOffice writes a clipped drawing's text on every page it crosses: the one seen is the one inked
    seen = [w for w in found if w.text.startswith("各月普法宣传活动") and ink(pdf, w)]
    table = next(w for w in found if w.text == "指标代码")
    assert [w.page for w in seen] == [table.page + 1]  # whole, on its own page right after the table
    on_page = {w.text for w in found if w.page == seen[0].page and w.y0 > seen[0].y1}
    assert {"0", "1", "7"} <= on_page  # the value axis from 0 up to March's 7, printed under the title


def test_the_blank_return_prints_one_page_wide_with_its_code_as_text(home, tmp_path):
    ws = load_workbook(return_file(tmp_path / "blank.xlsx", home, values={}))["报表"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws["D2"].number_format == "@" and ws["D2"].data_type == "s"
    assert ws.column_dimensions["D"].width >= len(VILLAGE) + 2


@needs_print
def test_the_blank_return_on_paper_title_whole_code_whole_one_page(home, tmp_path):
    found = words(printed(return_file(tmp_path / "blank.xlsx", home, values={}), tmp_path / "blank.pdf"))
    title = first(found, "下汤镇法治建设")
    assert title.text == "下汤镇法治建设工作月报表" and title.page == 1
    assert any(w.text == VILLAGE for w in found if w.page == 1)  # 410423105201, never 41042310
    last_row = first(found, home.catalog.indicators[-1].code)
    assert {last_row.page, first(found, "备注").page} == {1}  # every row and column on the first page
    assert first(found, "填报说明").page == 2  # the 说明 sheet follows on a page of its own
