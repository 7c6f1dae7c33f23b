"""The draft's content composed from values alone (tasks/drafts/compose.py): figures made here, no
ledger and no rendering — a sentence's wording and the 待完善事项 tested as plain values (issue 26)."""
from __future__ import annotations

import datetime as dt

from tasks.drafts.compose import DraftInputs, compose
from tasks.drafts.placeholders import check_template
from tasks.ledger.aggregate import Figures
from tasks.returns.periods import months_of
from templates import ANNUAL_REPORT
from tests.helpers import VILLAGE

ON = dt.date(2024, 12, 20)


def inputs_for(home, figures: Figures, carried: tuple[str, ...] = ()) -> DraftInputs:
    catalog = home.catalog
    check = check_template(ANNUAL_REPORT, {i.code for i in catalog.indicators} | {d.code for d in catalog.derived})
    return DraftInputs(ANNUAL_REPORT, check, figures, Figures(tuple(months_of("2023"))), frozenset(), carried)


def composed(home, figures: Figures, **kwargs):
    return compose(inputs_for(home, figures, **kwargs), home.catalog, home.registry, home.settings.wording, 2024, ON)


def test_a_figure_is_stated_by_its_rule_and_the_missing_units_are_listed(home):
    months = tuple(months_of("2024"))
    figures = Figures(months, totals={"DISPUTE": 73}, by_unit={"DISPUTE": {VILLAGE: 73}},
                      filled=frozenset({"DISPUTE"}), reporting_units=frozenset({VILLAGE}),
                      unit_months=frozenset((VILLAGE, m) for m in months))
    result = composed(home, figures)
    assert result.context.figures["DISPUTE"] == "70余起"       # approx: DESIGN §5
    assert result.stated["DISPUTE"].text == "70余起"
    silent = [u.name for u in home.registry.units if u.code != VILLAGE]
    assert any("全年没有收到" in item and all(n in item for n in silent) for item in result.extras.todo)
    assert not any(home.registry.by_code()[VILLAGE].name + "缺" in item for item in result.extras.todo)


def test_carried_over_numbers_reach_the_todo_as_given(home):
    figures = Figures(tuple(months_of("2024")))
    item = "第3段仍是上年报告的原文“0.5万余元”：请核实或改写。"
    assert item in composed(home, figures, carried=(item,)).extras.todo


def test_an_exact_figure_keeps_its_number_and_approx_rounds_it(home):
    months = tuple(months_of("2024"))
    figures = Figures(months, totals={"DISPUTE": 128, "TRAINING": 128}, filled=frozenset({"DISPUTE", "TRAINING"}))
    stated = composed(home, figures).context.figures
    assert stated["DISPUTE"] == "100余起"      # approx
    assert "128" in stated["TRAINING"]        # exact: 法律专题培训 keeps every digit
