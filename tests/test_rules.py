"""Rules declared as data (cross-field, like DHIS2 validation rules) and history-aware outliers."""
import datetime as dt

import yaml

from schemas.catalog import Catalog, Indicator, Rule
from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.returns.validate import Value, outlier_findings, rule_findings
from tests.helpers import NOW, drop


def test_a_cross_field_rule_from_the_catalog(home):
    raw = yaml.safe_load((home.root / "indicators.yaml").read_text(encoding="utf-8"))
    raw["indicators"] += [{"code": "DISPUTE_SCREENED", "name": "排查矛盾纠纷", "unit": "起", "style": "approx"},
                          {"code": "DISPUTE_SOLVED", "name": "调处成功", "unit": "起", "style": "approx"}]
    raw["rules"] = [{"code": "R_SOLVED_LE_SCREENED", "left": "DISPUTE_SOLVED", "op": "<=",
                     "right": "DISPUTE_SCREENED", "level": "error", "message": "调处成功数不应大于排查数"}]
    (home.root / "indicators.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    home = open_home(home.root)
    drop(home, values={"DISPUTE_SCREENED": 5, "DISPUTE_SOLVED": 8})
    reconcile_home(home)
    [outcome] = ingest_batch(home, list(find_new(home, NOW).ready), NOW)
    assert outcome.status == "rejected"
    assert [(f.code, f.place) for f in outcome.findings] == [("E_RULE", "报表!E20")]
    assert "调处成功数不应大于排查数" in outcome.findings[0].message


def test_rules_sum_terms_and_pass_when_true():
    rule = Rule(code="R", left="A + B", op="<=", right="C", level="warning", message="m")
    ok = [Value("A", 1, "1", "报表!E6"), Value("B", 2, "2", "报表!E7"), Value("C", 3, "3", "报表!E8")]
    assert rule_findings((rule,), ok, "报表") == []
    bad = [Value("A", 1, "1", "报表!E6"), Value("B", 3, "3", "报表!E7"), Value("C", 3, "3", "报表!E8")]
    assert [(f.code, f.place) for f in rule_findings((rule,), bad, "报表")] == [("W_RULE", "报表!E6")]


def test_a_catalog_rule_must_name_known_indicators():
    import pytest
    with pytest.raises(ValueError):
        Catalog(indicators=(Indicator(code="A", name="甲", unit="次"),),
                rules=(Rule(code="R", left="A", op="<=", right="B", message="m"),))


def test_outliers_need_history_and_must_be_far_above_it():
    v = (Value("LEAFLET", 900, "900", "报表!E14"),)
    assert outlier_findings(v, {"LEAFLET": [100, 120]}, 3.0, 20) == []  # too little history
    assert outlier_findings(v, {"LEAFLET": [300, 320, 350]}, 3.0, 20) == []
    found = outlier_findings(v, {"LEAFLET": [100, 120, 90]}, 3.0, 20)
    assert [(f.code, f.place) for f in found] == [("W_OUTLIER", "报表!E14")]
    assert "往期中位数 100" in found[0].message
    assert outlier_findings((Value("LEAFLET", 15, "15", "x"),), {"LEAFLET": [1, 1, 1]}, 3.0, 20) == []


def test_an_outlier_is_a_warning_on_ingest(home):
    for month in ("01", "02", "03"):
        drop(home, name=f"{month}.xlsx", period=f"2024-{month}", values={"LEAFLET": 100})
    drop(home, name="04.xlsx", period="2024-04", values={"LEAFLET": 1000})
    reconcile_home(home)
    arrived = dt.datetime(2024, 5, 6, 2, 0, tzinfo=dt.UTC)  # all in time: lateness is judged by arrival
    outcomes = ingest_batch(home, list(find_new(home, arrived).ready), arrived)
    last = next(o for o in outcomes if o.period == "2024-04")
    assert last.status == "accepted_with_warnings"
    assert [(f.code, f.place) for f in last.findings] == [("W_OUTLIER", "报表!E14")]
