"""Receipts (DESIGN §4): status on top, findings with place and what to do, the clerk's sheet with faulty
cells filled and commented; atomic; never overwriting an older one; clerks' text stays text."""
import datetime as dt
import os
import shutil
import subprocess
import zipfile

from openpyxl import load_workbook

from schemas.findings import finding
from tasks.intake.pool import ingest_batch
from tasks.intake.receipt import ReceiptInfo, free_receipt_name, receipt_name, safe_name, write_receipt
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.intake.unit_folder import UnitFolder
from tests.files import SOFFICE, needs_soffice
from tests.helpers import NOW, VILLAGE, drop


def run(home, now=NOW):
    reconcile_home(home)
    return ingest_batch(home, list(find_new(home, now).ready), now)


def test_a_warning_receipt_lists_place_level_message_and_hint(home):
    drop(home, edits={"E8": "１２"})
    [outcome] = run(home)
    ws = load_workbook(home.root / outcome.receipt)["校验结果"]
    assert ws["B2"].value == "已接收（有提示）"
    # stored, yet a clerk reading 无需操作 would never look at the yellow cells: the line says both
    assert ws["A3"].value == "下一步" and ws["B3"].value.startswith("已入库，无需重报")
    assert "请核对标黄的单元格" in ws["B3"].value
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert ["报表!E8", "提示", "全角数字“１２”已按 12 处理", "下次请用半角（英文输入法）数字"] in rows


def test_every_finding_of_a_file_is_reported_at_once(home):
    drop(home, edits={"E7": -1, "E8": "约70", "E9": "很好", "F2": "三月"})
    [outcome] = run(home)
    wb = load_workbook(home.root / outcome.receipt)
    places = [r[0].value for r in wb["校验结果"].iter_rows() if r[0].value and "!" in str(r[0].value)]
    assert places == ["报表!F2", "报表!E7", "报表!E8", "报表!E9"]
    for ref in ("F2", "E7", "E8", "E9"):
        assert wb["报表"][ref].comment is not None


def test_clerks_text_never_becomes_a_formula(home):
    drop(home, notes={"DISPUTE": "=1+1"}, values={"DISPUTE": 2}, edits={"E9": "=HYPERLINK(\"http://x\")"})
    [outcome] = run(home)
    ws = load_workbook(home.root / outcome.receipt)["报表"]
    assert ws["F8"].value == "=1+1" and ws["F8"].data_type == "s"


def test_a_resubmission_gets_its_own_receipt(home):
    drop(home, values={"DISPUTE": 1})
    run(home)
    drop(home, values={"DISPUTE": 2})  # same name, new content: a correction
    run(home, NOW + dt.timedelta(seconds=1))
    receipts = sorted(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))
    assert len(receipts) == 2
    assert {load_workbook(r)["校验结果"]["B2"].value for r in receipts} == {"已接收", "已更正"}


def test_receipt_names_are_safe_and_unique(home):
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("a\x00b<c>.xlsx") == "a_b_c_.xlsx"
    assert safe_name("\u202egnp.xlsx") == "_gnp.xlsx"
    assert len(safe_name("长" * 300)) == 50 and len(safe_name("a" * 300)) == 60  # ≤ 60 characters, ≤ 150 bytes
    assert len(safe_name("\U0001d54f" * 56 + ".xlsx").encode()) <= 150
    moment = dt.datetime(2024, 4, 2, 9, 30, 5)
    assert receipt_name("2024-03月报表.xlsx", moment) == "2024-03月报表.xlsx.20240402-093005.回执.xlsx"
    with UnitFolder(home.inbox, VILLAGE) as folder:
        first = free_receipt_name(folder, "a.xlsx", moment)
        (home.receipt_dir(VILLAGE) / first).write_bytes(b"older receipt")
        second = free_receipt_name(folder, "a.xlsx", moment)
    assert second != first and second == "a.xlsx.20240402-093005-2.回执.xlsx"


def test_receipts_are_written_atomically(home):
    info = ReceiptInfo("rejected", VILLAGE, "下汤村", "2024-03", "a.xlsx", "2024-04-02 09:30:05",
                       (finding("E_EMPTY_FILE"),), path=str(home.receipt_dir(VILLAGE) / "a.回执.xlsx"))
    with UnitFolder(home.inbox, VILLAGE) as folder:
        path = write_receipt(folder, info)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    assert load_workbook(path)["校验结果"]["B2"].value == "已退回"


def test_late_returns_are_accepted_and_marked_late(home):
    late = dt.datetime(2024, 4, 30, 2, 0, tzinfo=dt.UTC)
    path = drop(home, filed=late)
    os.utime(path, (late.timestamp(), late.timestamp()))
    [outcome] = run(home)
    assert outcome.status == "accepted" and outcome.late is True
    ws = load_workbook(home.root / outcome.receipt)["校验结果"]
    rows = {r[0].value: r[1].value for r in ws.iter_rows(max_col=2)}
    assert rows["截止日期"] == "2024-04-08（本次逾期）"


@needs_soffice
def test_libreoffice_opens_a_receipt_with_its_comments(home, tmp_path):
    drop(home, edits={"E8": "约70", "E9": "１２"})
    [outcome] = run(home)
    work = tmp_path / "lo"
    work.mkdir()
    shutil.copyfile(home.root / outcome.receipt, work / "r.xlsx")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "ods", "--outdir", str(work), str(work / "r.xlsx")], check=True, capture_output=True, timeout=180)
    content = zipfile.ZipFile(work / "r.ods").read("content.xml").decode()
    assert "已退回" in content and "请填写准确数字" in content  # the comment survived LibreOffice's import
