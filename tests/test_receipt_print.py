"""A receipt a clerk can act on: its status, then one line of what to do; each finding's hint built from
the clerk's own value; printed one page wide (print area, fit to width, header rows repeated), the unit
code never cut. Read back with openpyxl, and printed for real by LibreOffice."""
import re
import shutil
import subprocess

from openpyxl import load_workbook

from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tests.files import SOFFICE, needs_soffice
from tests.helpers import NOW, VILLAGE, drop, row_of


def run(home, now=NOW):
    reconcile_home(home)
    return ingest_batch(home, list(find_new(home, now).ready), now)


def summary_rows(home, outcome):
    ws = load_workbook(home.root / outcome.receipt)["校验结果"]
    return {r[0].value: r[1].value for r in ws.iter_rows(max_col=2) if r[0].value}, ws


def test_a_refused_receipt_says_what_to_do_right_under_its_status(home):
    drop(home, edits={f"E{row_of(home, 'DISPUTE')}": "约5", f"E{row_of(home, 'LEGAL_AID')}": "-2"})
    [outcome] = run(home)
    _, ws = summary_rows(home, outcome)
    assert (ws["A2"].value, ws["B2"].value) == ("处理结果", "已退回")
    assert (ws["A3"].value, ws["B3"].value) == ("下一步", "修改“报表”表中标红的 2 个单元格（见下表和单元格批注）后重新报送")


def test_hints_are_built_from_the_clerks_own_value(home):
    drop(home, edits={f"E{row_of(home, 'DISPUTE')}": "约5", f"E{row_of(home, 'LEGAL_AID')}": "-2",
                      f"E{row_of(home, 'TRAINING')}": "2.5"})
    [outcome] = run(home)
    hints = {f.value: f.hint for f in outcome.findings}
    assert hints["约5"] == "请把“约5”改为实际的准确数字：如确是 5 就只填 5，不要带“约”“余”“多”"
    assert hints["-2"] == "请把“-2”改为 0 或正整数，如确是 2 就填 2"
    assert hints["2.5"].startswith("请把“2.5”改为整数（2 或 3）")
    assert not any("73" in h for h in hints.values())


def test_other_statuses_say_whether_anything_is_needed(home):
    sent = drop(home, name="a.xlsx", values={"DISPUTE": 3}).read_bytes()
    [accepted] = run(home)
    drop(home, name="b.xlsx", values={"DISPUTE": 3}).write_bytes(sent)  # the same bytes: a template made
    [duplicate] = run(home)                                               # anew a second later differs
    assert summary_rows(home, accepted)[0]["下一步"] == "已入库，无需操作"
    assert summary_rows(home, duplicate)[0]["下一步"].startswith("无需操作")


def test_a_receipt_prints_one_page_wide_with_its_headers_repeated(home):
    drop(home, edits={f"E{row_of(home, 'DISPUTE')}": "约5"})
    [outcome] = run(home)
    wb = load_workbook(home.root / outcome.receipt)
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.page_setup.paperSize) == (1, 0, 9)
        assert ws.print_area, ws.title
    summary, sheet = wb["校验结果"], wb["报表"]
    header = next(r for r in summary.iter_rows() if r[0].value == "位置")[0].row
    assert summary.print_title_rows == f"${header}:${header}"
    assert sheet.print_title_rows == "$5:$5" and sheet["D2"].value == VILLAGE
    assert sheet.column_dimensions["D"].width >= len(VILLAGE) + 1  # the unit code is never cut


@needs_soffice
def test_libreoffice_prints_each_sheet_of_a_receipt_on_one_page(home, tmp_path):
    drop(home, edits={f"E{row_of(home, c)}": "约5" for c in ("DISPUTE", "LEGAL_AID", "TRAINING", "LEAFLET")})
    [outcome] = run(home)
    work = tmp_path / "lo"
    work.mkdir()
    shutil.copyfile(home.root / outcome.receipt, work / "r.xlsx")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(work), str(work / "r.xlsx")], check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(work / "r.pdf")], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == 2  # one page per sheet, nothing spilt sideways
    text = subprocess.run(["pdftotext", "-layout", str(work / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert VILLAGE in text
