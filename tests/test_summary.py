"""The period workbook read back with openpyxl: its sheets, figures, colours, the 催报 list and notice,
and clerks' text that stays text. Real returns through the real ledger, no Prefect (the flow is in
test_cli_outputs.py)."""
import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from schemas.registry import dump_registry
from tasks.home import open_home, sample_registry
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.summaries.period import period_label, summary_files
from tests.helpers import OTHER, VILLAGE, drop, row_of

OFFICE = "410423105001"
ON = dt.date(2024, 4, 20)  # after March's due date (5 working days after the month)


@pytest.fixture
def quarter(home):
    """Q1: the village reports January on time, February late, March with a note and a warning; the
    other village's March return is refused; the office reports nothing. Units carry contacts."""
    (home.root / "units.yaml").write_text(dump_registry(sample_registry()), encoding="utf-8")
    home = open_home(home.root)
    _arrive(home, dt.datetime(2024, 2, 2, 2, tzinfo=dt.UTC),
            lambda: drop(home, name="1月.xlsx", period="2024-01", values={"DISPUTE": 3, "PUBLICITY_EVENT": 2}))
    # Saved on time, but it arrives late: arrival decides, not the file's own mtime.
    _arrive(home, dt.datetime(2024, 3, 28, 2, tzinfo=dt.UTC),
            lambda: drop(home, name="2月.xlsx", period="2024-02", values={"DISPUTE": 4, "PUBLICITY_EVENT": 5},
                         filed=dt.datetime(2024, 3, 1, 2, tzinfo=dt.UTC)))
    _arrive(home, dt.datetime(2024, 4, 2, 2, tzinfo=dt.UTC),
            lambda: drop(home, name="=HYPERLINK(1).xlsx", period="2024-03",
                         values={"DISPUTE": 12, "PUBLICITY_EVENT": 7}, notes={"DISPUTE": "=1+1"},
                         edits={f"E{row_of(home, 'LEGAL_AID')}": "2人次"}),
            lambda: drop(home, name="3月.xlsx", unit=OTHER, period="2024-03",
                         edits={f"E{row_of(home, 'DISPUTE')}": "约70"}))
    return home


def _arrive(home, when, *drops):
    """Files dropped, then taken by an ingest run at `when`: the run's time is when they arrived."""
    for make in drops:
        make()
    prepare(home)
    ingest_batch(home, list(find_new(home, when).ready), when)


def test_period_labels():
    assert [period_label(p) for p in ("2024-03", "2024-Q1", "2024")] == ["2024年3月", "2024年第1季度", "2024年"]


def test_the_workbook_has_every_sheet_and_the_figures(quarter):
    files = summary_files(quarter, "2024-Q1", ON)
    assert files.workbook.parent == quarter.outbox and files.workbook.name == "2024年第1季度报表汇总-20240420.xlsx"
    wb = load_workbook(files.workbook)
    assert wb.sheetnames == ["汇总", "分单位", "报送情况", "问题清单", "催报名单", "备注摘录"]
    totals = {r[0]: r[3:] for r in wb["汇总"].iter_rows(min_row=4, values_only=True)}
    assert totals["DISPUTE"] == (3, 4, 12, 19) and totals["PUBLICITY_EVENT"] == (2, 5, 7, 14)
    per_unit = {r[1]: r for r in wb["分单位"].iter_rows(min_row=4, values_only=True)}
    header = [c.value for c in wb["分单位"][3]]
    col = header.index("调处矛盾纠纷（起）")
    assert per_unit["下汤村"][col] == 19 and per_unit["松垛村"][col] == 0 and per_unit["合计"][col] == 19
    with zipfile.ZipFile(files.workbook) as z:  # openpyxl does not read charts back: look at the parts
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_timeliness_is_coloured(quarter):
    wb = load_workbook(summary_files(quarter, "2024-Q1", ON).workbook)
    ws = wb["报送情况"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=4, max_row=6)}
    village, other, office = rows[VILLAGE], rows[OTHER], rows[OFFICE]
    assert [c.value for c in village[4:7]] == ["按时", "逾期", "按时"]
    assert [c.value for c in other[4:7]] == ["未报", "未报", "退回"]
    assert office[6].value == "未报"
    colours = {c.value: c.fill.fgColor.rgb[-6:] for c in (*village[4:7], other[6])}
    assert colours == {"按时": "C6EFCE", "逾期": "FFEB9C", "退回": "F8CBAD"}
    assert office[6].fill.fgColor.rgb.endswith("FFC7CE")


def test_findings_with_places_and_clerks_text_stays_text(quarter):
    files = summary_files(quarter, "2024-Q1", ON)
    wb = load_workbook(files.workbook)
    found = [r for r in wb["问题清单"].iter_rows(min_row=4, values_only=True)]
    places = {(r[1], r[6], r[5]) for r in found}
    assert ("松垛村", f"报表!E{row_of(quarter, 'DISPUTE')}", "错误") in places
    assert ("下汤村", f"报表!E{row_of(quarter, 'LEGAL_AID')}", "提示") in places
    note = [c for row in wb["备注摘录"].iter_rows(min_row=4) for c in row if c.value == "=1+1"]
    assert note and note[0].data_type == "s"
    named = [c for row in wb["问题清单"].iter_rows(min_row=4) for c in row if c.value == "=HYPERLINK(1).xlsx"]
    assert named and all(c.data_type == "s" for c in named)


def test_the_chase_list_and_the_notice(quarter):
    files = summary_files(quarter, "2024-03", ON)
    chase = list(load_workbook(files.workbook)["催报名单"].iter_rows(min_row=4, values_only=True))
    assert [(r[2], r[3], r[4], r[5]) for r in chase] == [
        ("下汤镇司法所", "李娜", "0375-5012001", "未报送（已逾期）"),
        ("松垛村", "张秀英", "13803750202", "已退回，待重新报送")]
    assert files.notice.read_text(encoding="utf-8").strip() == files.text
    assert files.text.splitlines() == [
        "【催报提醒】下汤镇法治建设工作月报表",
        "2024年3月月报表截止2024年4月8日，已逾期，以下2个单位尚未报送：",
        "1. 下汤镇司法所（李娜 0375-5012001）",
        "2. 松垛村（张秀英 13803750202）（已退回，请按回执修改后重新报送）",
        "请尽快将月报表放入本单位文件夹，填报有疑问请联系镇党政办。谢谢！"]
    early = summary_files(quarter, "2024-03", dt.date(2024, 4, 2))
    assert "应于2024年4月8日（含）前报送" in early.text  # the due day itself still counts


def test_outputs_never_overwrite_older_ones(quarter):
    first = summary_files(quarter, "2024", ON)
    second = summary_files(quarter, "2024", ON)
    assert second.workbook != first.workbook and first.workbook.exists() and second.workbook.exists()
    assert second.notice.name == "2024年催报通知-20240420-2.txt"
