"""The reading and validation table (DESIGN §3–§4): real files as clerks, WPS and other writers make
them, each asserting the verdict's status and [(code, place)] of its findings."""
from __future__ import annotations

import datetime as dt

import pytest

from tasks.returns.validate import Context
from tasks.returns.verdict import check_bytes
from tests import files as f
from tests.helpers import OTHER, TODAY, VILLAGE
from tests.shared import CORPUS
from tests.test_validate import CASES as RULE_CASES

LAST = 6 + 13  # the row after the 13 catalog indicators


def corpus(path: str):
    def build(home, tmp):
        full = CORPUS / path
        if not full.exists():
            pytest.skip(f"corpus file {path} not present (../shared/corpus)")
        return full.read_bytes()
    return build


READING = [
    ("clean template", lambda h, t: f.edited(h, {}), VILLAGE, "accepted", []),
    ("letterhead rows inserted above", lambda h, t: f.inserted(h, rows=2), VILLAGE, "accepted", []),
    ("rows inserted, places follow", lambda h, t: f.inserted(h, rows=2, values={"DISPUTE": "约70"}), VILLAGE,
     "rejected", [("E_APPROX", "报表!E10")]),
    ("a column inserted before the table", lambda h, t: f.inserted(h, cols=1, values={"DISPUTE": "约70"}), VILLAGE,
     "rejected", [("E_APPROX", "报表!F8")]),
    ("an extra sheet before 报表", lambda h, t: f.extra_sheet_first(h), VILLAGE, "accepted", []),
    ("报表 renamed Sheet1: found by its header", lambda h, t: f.renamed_sheet(h), VILLAGE, "accepted", []),
    ("blank rows inside the table", lambda h, t: f.blank_rows_inside(h), VILLAGE, "accepted", []),
    ("a 合计 row that adds up", lambda h, t: f.total_row(h, 7), VILLAGE, "accepted", []),
    ("a 合计 row that does not", lambda h, t: f.total_row(h, 10), VILLAGE, "accepted_with_warnings",
     [("W_TOTAL_MISMATCH", f"报表!E{LAST}")]),
    ("a formula's cached value", lambda h, t: f.with_cached_formula(h, "E8", "5+7", 12), VILLAGE,
     "accepted_with_warnings", [("W_FORMULA", "报表!E8")]),
    ("an Excel error cell #DIV/0!", lambda h, t: f.with_cached_formula(h, "E8", "1/0", "#DIV/0!", error=True),
     VILLAGE, "rejected", [("E_CELL_ERROR", "报表!E8")]),
    ("报告期 as a date cell", lambda h, t: f.period_as_date(h), VILLAGE, "accepted", []),
    ("报告期 as 2024年3月", lambda h, t: f.edited(h, {"F2": "2024年3月"}), VILLAGE, "accepted", []),
    ("报告期 typed as the number 2024.03", lambda h, t: f.edited(h, {"F2": 2024.03}), VILLAGE,
     "accepted_with_warnings", [("W_PERIOD_NUMBER", "报表!F2")]),
    ("WPS dimension A1:A1", lambda h, t: f.dimension_a1(h), VILLAGE, "accepted", []),
    ("单位代码 typed as a number", lambda h, t: f.edited(h, {"D2": int(VILLAGE)}), VILLAGE, "accepted", []),
    ("the blank template", lambda h, t: f.edited(h, {}, values={}), VILLAGE, "rejected",
     [("E_ALL_EMPTY", "报表")]),
    ("a template for another unit", lambda h, t: f.edited(h, {}, unit=OTHER), VILLAGE, "rejected",
     [("E_UNIT_MISMATCH", "报表!D2")]),
    ("CSV", lambda h, t: "指标,数量\n调处矛盾纠纷,6\n".encode("gb18030"), VILLAGE, "rejected",
     [("E_FORMAT_UNSUPPORTED", "文件")]),
    ("PDF", lambda h, t: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", VILLAGE, "rejected",
     [("E_FORMAT_UNSUPPORTED", "文件")]),
    ("Word document", lambda h, t: f.docx_bytes(), VILLAGE, "rejected", [("E_FORMAT_UNSUPPORTED", "文件")]),
    ("a photo of the return", lambda h, t: f.png_bytes(), VILLAGE, "rejected", [("E_FORMAT_UNSUPPORTED", "文件")]),
    ("an empty file", lambda h, t: b"", VILLAGE, "rejected", [("E_EMPTY_FILE", "文件")]),
    ("a truncated zip", lambda h, t: f.corrupt_zip(h), VILLAGE, "rejected", [("E_CORRUPT", "文件")]),
    ("an encrypted xlsx", lambda h, t: f.encrypted_xlsx(h), VILLAGE, "rejected", [("E_ENCRYPTED", "文件")]),
    ("not a return", lambda h, t: f.not_a_return(), VILLAGE, "rejected", [("E_NOT_A_RETURN", "文件")]),
    ("corpus: encrypted xls (RC4)", corpus("calamine/tests/issue_385.xls"), VILLAGE, "rejected",
     [("E_ENCRYPTED", "文件")]),
    ("corpus: XOR-obfuscated BIFF5 xls", corpus("test_files/biff5/password_2002_40_xor.xls"), VILLAGE, "rejected",
     [("E_ENCRYPTED", "文件")]),
    ("corpus: encrypted ods", corpus("calamine/tests/pass_protected.ods"), VILLAGE, "rejected",
     [("E_ENCRYPTED", "文件")]),
    ("corpus: gzip named .csv", corpus("frictionless-py/data/compression/implicit-gz.csv"), VILLAGE, "rejected",
     [("E_FORMAT_UNSUPPORTED", "文件")]),
    ("corpus: Latin-1 CSV", corpus("frictionless-py/data/latin1.csv"), VILLAGE, "rejected",
     [("E_FORMAT_UNSUPPORTED", "文件")]),
    ("corpus: a spreadsheet that is no return", corpus("calamine/tests/date.xlsx"), VILLAGE, "rejected",
     [("E_NOT_A_RETURN", "文件")]),
    ("corpus: xls that is no return", corpus("calamine/tests/date.xls"), VILLAGE, "rejected",
     [("E_NOT_A_RETURN", "文件")]),
]

RULES = [(f"rule: {name}", (lambda e: lambda h, t: f.edited(h, e))(edits), folder,
          ("accepted_with_warnings" if expected else "accepted") if ok else "rejected", expected)
         for name, edits, folder, ok, expected in RULE_CASES]
TABLE = READING + RULES


@pytest.mark.parametrize("name, build, folder, status, expected", TABLE, ids=[c[0] for c in TABLE])
def test_case(home, tmp_path, name, build, folder, status, expected):
    verdict = check_bytes(build(home, tmp_path), Context(folder, home.registry, home.catalog, TODAY))
    assert [(x.code, x.place) for x in verdict.findings] == expected
    assert verdict.status == status


def test_the_table_is_large_enough():
    assert len(TABLE) >= 40


def test_values_survive_the_quirks(home, tmp_path):
    """Quirks change nothing about the numbers read."""
    for data in (f.inserted(home, rows=2), f.inserted(home, cols=1), f.dimension_a1(home), f.blank_rows_inside(home),
                 f.extra_sheet_first(home), f.renamed_sheet(home)):
        verdict = check_bytes(data, Context(VILLAGE, home.registry, home.catalog, TODAY))
        got = {v.indicator: v.value for v in verdict.checked.values if v.value}
        assert got == {"TRAINING": 1, "DISPUTE": 6}


def test_a_mislabelled_extension_is_read_for_what_it_is(home, tmp_path):
    """The verdict depends on the bytes only: an .xlsx named .xls or .et is read as .xlsx."""
    verdict = check_bytes(f.edited(home, {}), Context(VILLAGE, home.registry, home.catalog, TODAY))
    assert verdict.read.sniffed.kind == "xlsx" and verdict.status == "accepted"


def test_the_period_is_not_in_the_future_relative_to_the_day_given(home):
    data = f.edited(home, {"F2": "2024-12"})
    early = check_bytes(data, Context(VILLAGE, home.registry, home.catalog, dt.date(2024, 11, 30)))
    later = check_bytes(data, Context(VILLAGE, home.registry, home.catalog, dt.date(2024, 12, 1)))
    assert [x.code for x in early.findings] == ["E_PERIOD_FUTURE"] and later.status == "accepted"
