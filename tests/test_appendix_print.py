"""The draft's 附表 as printed (issue 25): its 合计 row in the figures' size, not the headers' smaller
one, and each indicator's name set whole in one vertical line rather than broken mid-word (警示标/识牌安/装).
A real table written by the draft's own code into a real .docx, printed by LibreOffice and read back."""
from __future__ import annotations

import docx

from tasks.drafts.appendix import CELL, TOTAL, TOTAL_ROW, add_unit_table
from tasks.ledger.aggregate import Figures
from tests.paper import first, needs_print, printed, words


def appendix(home, tmp_path):
    codes = [i.code for i in home.catalog.indicators]
    names = {u.code: u.name for u in home.registry.units}
    shares = {code: {unit: 10 + n for n, unit in enumerate(names)} for code in codes}
    figures = Figures(("2024-01",), totals={c: sum(shares[c].values()) for c in codes}, by_unit=shares)
    doc = docx.Document()
    doc.add_paragraph("正文")
    add_unit_table(doc, figures, home.catalog, names, 2024)
    path = tmp_path / "appendix.docx"
    doc.save(path)
    return path


def test_the_total_row_has_the_figures_size(home, tmp_path):
    doc = docx.Document(appendix(home, tmp_path))
    table = doc.tables[-1]
    assert table.rows[-1].cells[0].text == TOTAL_ROW
    assert table.rows[-1].cells[1].paragraphs[0].style.name == TOTAL
    assert table.rows[-2].cells[1].paragraphs[0].style.name == CELL
    assert doc.styles[TOTAL].font.size == doc.styles[CELL].font.size


@needs_print
def test_on_paper_names_stand_whole_and_the_total_row_is_not_smaller(home, tmp_path):
    found = [w for w in words(printed(appendix(home, tmp_path), tmp_path / "appendix.pdf")) if w.page == 2]
    first_row = next(w for w in found if w.text == home.registry.units[0].name)
    head = sorted((w for w in found if w.y1 <= first_row.y0 and w.y0 > first(found, "2024").y1
                   and w.text != "单位"), key=lambda w: w.x0)  # the header row, set top to bottom
    lines: list[list] = []
    for w in head:  # characters of one vertical line share their x
        if lines and w.x0 - lines[-1][0].x0 < 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    columns = {"".join(w.text for w in sorted(line, key=lambda w: w.y0)) for line in lines}
    assert {ind.name for ind in home.catalog.indicators} <= columns  # each name whole, in one line
    total = next(w for w in found if w.text == TOTAL_ROW)
    row = [w for w in found if abs(w.y0 - total.y0) < 2 and w.x0 > total.x1]
    data = [w for w in found if w.text == "10"]  # 下汤镇司法所's figures, the first data row
    assert row and data and min(w.y1 - w.y0 for w in row) >= max(w.y1 - w.y0 for w in data) - 0.2
