"""Receipts as a clerk reads them on paper (issue 25): printed by LibreOffice and read back word by word
with their boxes (`pdftotext -bbox`) — the 下一步 line clear of 报送单位 below it, errors listed before
hints, and a return in another unit's folder told whose it is and where it goes, never to change its code."""
from __future__ import annotations

from openpyxl import load_workbook

from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tests.helpers import NOW, OTHER, VILLAGE, drop, row_of
from tests.paper import first, needs_print, printed, words


def run(home):
    prepare(home)
    return ingest_batch(home, list(find_new(home, NOW).ready), NOW)


def on_paper(home, outcome, tmp_path):
    return words(printed(home.root / outcome.receipt, tmp_path / f"{outcome.submission_id}.pdf"))


def row_words(found, label):
    """The words printed on the same line as `label`, right of it (the merged value cells B:D)."""
    key = first(found, label)
    return [w for w in found if w.page == key.page and w.x0 > key.x1 and abs(w.y0 - key.y0) < 4]


@needs_print
def test_the_next_step_line_clears_the_row_below_and_errors_come_before_hints(home, tmp_path):
    drop(home, name="mixed.xlsx", edits={f"E{row_of(home, 'TRAINING')}": "3块",       # hint, first in the sheet
                                          f"E{row_of(home, 'DISPUTE')}": "约5",        # error
                                          f"E{row_of(home, 'LEAFLET')}": "１２",       # hint
                                          f"E{row_of(home, 'LAW_BOOK')}": "-2"})       # error
    [outcome] = run(home)
    found = on_paper(home, outcome, tmp_path)
    step, below = row_words(found, "下一步"), first(found, "报送单位")
    assert "".join(w.text for w in step).startswith("修改“报表”表中标红的")
    assert max(w.y1 for w in step) <= below.y0 + 0.5, (step, below)
    head = first(found, "级别")
    levels = [w for w in found if w.page == head.page and w.y0 > head.y1 and abs(w.x0 - head.x0) < 2
              and w.text in ("错误", "提示")]
    assert [w.text for w in levels] == ["错误", "错误", "提示", "提示"]


@needs_print
def test_a_return_in_another_units_folder_is_told_whose_it_is_and_where_it_goes(home, tmp_path):
    drop(home, name="下汤村-2024-03.xlsx", unit=VILLAGE, folder=OTHER)
    [outcome] = run(home)
    assert outcome.status == "rejected"
    found = on_paper(home, outcome, tmp_path)
    step = "".join(w.text for w in row_words(found, "下一步"))
    assert step == "此表是下汤村（410423105201）的，请放入下汤村的文件夹"
    text = "".join(w.text for w in found)
    assert "改正单位代码" not in text and "标红" not in text
    copy = load_workbook(home.root / outcome.receipt)["报表"]
    # the code is right for 下汤村: not marked red nor commented, as if it were the thing to change
    assert copy["D2"].value == VILLAGE and copy["D2"].fill.fgColor.rgb in (None, "00000000") and not copy["D2"].comment
