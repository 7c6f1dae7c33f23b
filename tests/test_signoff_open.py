"""Signing means knowing (issue 24): a year with missing returns, or a draft that has not answered the
leader's 退回 opinion, is signed only with an acknowledgement, recorded in the ledger; the final copy
loses the drafting appendices. Real homes, real drafts read back with python-docx, a real ledger."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tasks.drafts.chart import CjkFontMissing, find_cjk_font
from tasks.drafts.open_items import months_due, open_items
from tasks.home import open_home
from tasks.returns.periods import period_end
from tasks.signoff.final_copy import full_text
from tests.signoff_helpers import SIGN_NOW, drafted, ledger

runner = CliRunner()


def township(*args: str):
    return runner.invoke(app, list(args), terminal_width=400)


def signoff(home, *extra: str, year: int = 2024):
    return township("signoff", "--home", str(home.root), "--year", str(year), *extra)


def final_of(result) -> Path:
    return Path(next(line for line in result.stdout.splitlines() if line.endswith(".docx")))


def texts(doc) -> list[str]:
    return [p.text.strip() for p in doc.paragraphs]


def test_only_months_due_and_registered_units_are_expected():
    due = months_due(2024, dt.date(2024, 12, 26), lambda m: period_end(m) + dt.timedelta(days=8))
    assert due == [f"2024-{m:02d}" for m in range(1, 12)]          # December's return is not due yet
    stored = {("A", m) for m in due} | {("B", "2024-03"), ("GONE", "2024-01")}
    items = open_items(2024, [("A", "甲村"), ("B", "乙村")], stored, due, opinion="第二部分请补充调解典型案例",
                       boilerplate=["【一】“一是扛稳政治责任…”"])
    assert (items.expected, items.received) == (22, 12)             # an unregistered unit's return counts not
    assert items.counts() == {"missing": 1, "opinion": 1, "boilerplate": 1} and items.total == 3
    assert items.needs_acceptance and items.thin == ""
    assert "应报22份，已收12份；未报：乙村缺1月、2月、4月、5月、6月、7月等10个月" in items.completeness()
    quiet = open_items(2024, [("A", "甲村")], {("A", m) for m in due}, due, boilerplate=["【一】“…”"])
    assert not quiet.needs_acceptance and quiet.counts() == {"boilerplate": 1}
    assert open_items(2024, [("A", "甲村")], set(), due).thin == "无数据"


def test_missing_units_are_refused_with_the_list_then_signed_when_accepted(tmp_path):
    home, draft = drafted(tmp_path / "home")   # 2024: 下汤村 March and 松垛村 April of 3 units × 12 months
    refused = signoff(home, "--by", "李书记")
    assert refused.exit_code == 2, refused.output
    said = refused.output
    assert "缺报的月报表（3项）" in said and "下汤镇司法所（应报12个月，均未报）" in said, said
    assert "应报36份月报表，已收2份" in said and "--accept-open" in said and "Traceback" not in said
    assert ledger(home).state == "draft" and not list(home.outbox.glob("*（定稿）*"))
    done = signoff(home, "--by", "李书记", "--accept-open")
    assert done.exit_code == 0, done.output
    v = ledger(home)
    assert v.state == "signed" and v.accepted_open is True
    assert (v.open_items["expected"], v.open_items["received"], v.open_items["counts"]["missing"]) == (36, 2, 3)
    assert v.completeness.startswith("本报告数据来自各单位月报表：2024年截至签发时应报36份，已收2份；未报：")
    final = docx.Document(str(final_of(done)))
    assert f"注：{v.completeness}" in texts(final)          # the signed copy says how complete the year was
    assert "签发时仍有待完善事项" in done.output and "审定人已确认" in done.output
    status = township("status", "--home", str(home.root), "--json")
    [year] = json.loads(status.stdout)["reports"]
    assert year["accepted_open"] is True and year["completeness"] == v.completeness
    assert year["versions"][0]["open_items"]["groups"]["missing"][0] == "下汤镇司法所（应报12个月，均未报）"
    shown = township("status", "--home", str(home.root))
    assert "签发时审定人确认了未了结的事项" in shown.output


@pytest.fixture
def complete_home(demo_ledger, tmp_path):
    """A copy of the demo home: every unit's twelve returns of 2024 in its own ledger."""
    root = tmp_path / "demo"
    shutil.copytree(demo_ledger.root, root)
    return open_home(root)


def draft_of(home, notes: tuple[str, ...] = ()) -> Path:
    from tasks.drafts.annual import render_annual
    from tasks.signoff.versions import record_draft

    version = record_draft(home, 2024, render_annual(home, 2024, None, SIGN_NOW.date(), review=notes), SIGN_NOW)
    return Path(version.draft_path)


def test_an_unanswered_rejection_blocks_the_same_way(complete_home):
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions
    from tasks.signoff.versions import review_notes

    home = complete_home
    draft_of(home)
    rejected = signoff(home, "--by", "张镇长", "--reject", "第二部分请补充调解典型案例")
    assert rejected.exit_code == 0, rejected.output
    with open_ledger(home.database_url) as engine:
        notes = review_notes(versions(engine, 2024), "Asia/Shanghai")
    draft_of(home, notes)
    refused = signoff(home, "--by", "张镇长")
    assert refused.exit_code == 2, refused.output
    assert "上一稿的退回意见（1项）" in refused.output and "第二部分请补充调解典型案例" in refused.output
    assert "缺报的月报表" not in refused.output                   # the demo year is complete
    done = signoff(home, "--by", "张镇长", "--accept-open")
    assert done.exit_code == 0, done.output
    with open_ledger(home.database_url) as engine:
        second = versions(engine, 2024)[-1]
    assert second.state == "signed" and second.accepted_open is True and second.completeness is None
    assert second.open_items["groups"]["opinion"] == ["第1稿经张镇长退回修改：第二部分请补充调解典型案例"]


def appendix_labels(doc) -> list[str]:
    return [t for t in texts(doc) if t in ("附表", "附图", "附录")]


def test_the_final_copy_loses_the_appendices(complete_home):
    try:  # the 附图 is drawn only where a CJK font exists (.ci/system-deps installs one); else skip, saying why
        find_cjk_font()
    except CjkFontMissing as exc:
        pytest.skip(str(exc))
    home = complete_home
    draft = docx.Document(str(draft_of(home)))
    assert appendix_labels(draft) == ["附表", "附图", "附录"] and "典型做法素材" in texts(draft)
    assert draft.tables and len(draft.inline_shapes) == 1    # the 附表 and the chart, before signing
    done = signoff(home, "--by", "李书记")
    assert done.exit_code == 0, done.output
    final = docx.Document(str(final_of(done)))
    assert appendix_labels(final) == [] and "典型做法素材" not in full_text(final)
    assert not final.tables and not final.inline_shapes
    assert final.sections[-1].page_width < final.sections[-1].page_height    # the text's portrait page last
    assert "调处各类矛盾纠纷70余起" in full_text(final)
    v = ledger(home)
    assert (v.kept_appendix, v.removed_appendices, v.accepted_open) == (False, "附表、附图、附录", False)


def test_a_kept_appendix_when_asked(complete_home):
    try:  # the kept 附图 is a chart: drawn only where a CJK font exists
        find_cjk_font()
    except CjkFontMissing as exc:
        pytest.skip(str(exc))
    home = complete_home
    draft_of(home)
    done = signoff(home, "--by", "李书记", "--keep-appendix")
    assert done.exit_code == 0, done.output
    final = docx.Document(str(final_of(done)))
    assert appendix_labels(final) == ["附表", "附图"] and "典型做法素材" not in full_text(final)
    assert final.tables[0].cell(0, 0).text == "单位" and len(final.inline_shapes) == 1
    v = ledger(home)
    assert (v.kept_appendix, v.removed_appendices) == (True, "附录")


def test_the_ingest_artifact_names_a_year_signed_with_gaps_accepted(tmp_path, prefect_server):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from tests.helpers import OTHER, drop

    home, _ = drafted(tmp_path / "home")
    assert signoff(home, "--by", "李书记", "--accept-open").exit_code == 0
    drop(home, name="松垛村-2024-05.xlsx", unit=OTHER, period="2024-05", values={"LEAFLET": 10})  # a late return
    assert township("ingest", "--home", str(home.root)).exit_code == 0
    with get_client(sync_client=True) as client:
        by_key = ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary-text"]))
        [latest] = client.read_artifacts(artifact_filter=by_key, sort="CREATED_DESC", limit=1)
    assert "2024年度报告（第1稿）签发时确认了未了结的事项" in latest.data
    assert "应报36份，已收2份" in latest.data and "李书记" in latest.data


def test_the_prefect_forms_description_lists_what_is_open(tmp_path):
    from flows.signoff import how_to_decide

    home, _ = drafted(tmp_path / "home")
    said = how_to_decide(home, ledger(home))
    assert "**待完善事项共" in said and "缺报的月报表（3项）" in said and "下汤镇司法所（应报12个月，均未报）" in said
    assert f"township signoff --home {home.root} --year 2024 --by 姓名 --accept-open`" in said
    assert "--keep-appendix" in said and "在此点 Resume 不会作出任何决定" in said
