"""The table's checks as units (tasks/returns/table_checks.py): each declared, each run alone on a real
return's table, none depending on what another found."""
from __future__ import annotations

from schemas.findings import finding_specs
from tasks.returns.read import read_return
from tasks.returns.table_checks import CHECKS, EMPTY_TABLE, empty_table, read_table, values_of
from tasks.returns.validate import Context
from tests.helpers import TODAY, VILLAGE, return_file


def table_of(home, tmp_path, edits=None, values=None):
    path = return_file(tmp_path / "r.xlsx", home, edits=edits, values=values)
    ret = read_return(path.read_bytes()).ret
    return read_table(ret, Context(VILLAGE, home.registry, home.catalog, TODAY))


def test_every_check_is_listed_with_the_findings_it_may_give():
    known = set(finding_specs())
    names = [c.name for c in (*CHECKS, EMPTY_TABLE)]
    assert len(names) == len(set(names))
    for check in (*CHECKS, EMPTY_TABLE):
        assert check.codes and set(check.codes) <= known, check.name


def test_each_check_yields_only_what_it_declares(home, tmp_path):
    table = table_of(home, tmp_path, edits={"E7": -1, "E8": "１２", "E9": "约70", "C19": "乱写的指标", "E19": 3})
    seen = set()
    for check in CHECKS:
        found = list(check.run(table))
        assert {f.code for f in found} <= set(check.codes), check.name
        seen |= {f.code for f in found}
    assert {"E_NEGATIVE", "W_FULLWIDTH", "E_APPROX", "E_UNKNOWN_INDICATOR"} <= seen


def test_a_repeated_row_is_found_by_its_check_alone_and_only_the_first_is_stored(home, tmp_path):
    table = table_of(home, tmp_path, edits={"B19": "调处矛盾纠纷", "E19": 9})
    repeated = next(c for c in CHECKS if c.name == "repeated_indicator")
    found = list(repeated.run(table))
    assert [(f.code, f.place) for f in found] == [("E_DUPLICATE_INDICATOR", "报表!E19")]
    assert [v.value for v in values_of(table) if v.indicator == "DISPUTE"] == [6]


def test_an_empty_table_is_said_only_of_a_return_not_refused_already(home, tmp_path):
    table = table_of(home, tmp_path, values={})
    assert [f.code for f in empty_table(table, refused=False)] == ["E_ALL_EMPTY"]
    assert list(empty_table(table, refused=True)) == []
    assert list(empty_table(table_of(home, tmp_path), refused=False)) == []   # 1 and 6 typed
