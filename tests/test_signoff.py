"""`township signoff`, `report --reopen` and `status` for an office without the Prefect UI, with real
flow runs (`township report`), a real ledger, the final copy read back with python-docx and delivered
to a real SMTP server on loopback."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import versions
from tasks.signoff.final_copy import full_text, signing_date
from tests.docx_helpers import comments
from tests.signoff_helpers import (
    attachments,
    comment_marks,
    comment_parts,
    configure_mail,
    correct,
    edited_copy,
    has_highlight,
    header_texts,
    ingest_now,
    ingested_home,
    smtp_server,
)

runner = CliRunner()


@pytest.fixture
def home(tmp_path, prefect_server):
    return ingested_home(tmp_path / "home", {"DISPUTE": 73})


def township(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


def report(home, *extra: str):
    return township("report", "--home", str(home.root), "--year", "2024", *extra)


def signoff(home, *extra: str):
    return township("signoff", "--home", str(home.root), "--year", "2024", "--accept-open", *extra)


def year_report(home) -> dict:
    result = township("status", "--home", str(home.root), "--json")
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.stdout)["reports"]
    return found


def todo_of(path: Path) -> list[str]:
    return next(t for _, t in comments(docx.Document(str(path))) if t.startswith("待完善事项")).splitlines()[1:]


def test_a_rejected_draft_and_its_opinion_open_the_next_draft(home):
    first = report(home)
    assert first.exit_code == 0 and year_report(home)["label"] == "草稿"
    done = signoff(home, "--by", "张镇长", "--reject", "第二部分请补充调解典型案例")
    assert done.exit_code == 0 and "已退回第1稿" in done.output, done.output
    state = year_report(home)
    assert (state["state"], state["label"]) == ("rejected", "已退回")
    assert (state["versions"][0]["decided_by"], state["versions"][0]["opinion"]) == ("张镇长", "第二部分请补充调解典型案例")
    again = signoff(home, "--by", "张镇长")
    assert again.exit_code == 2 and "已于" in again.output and "退回修改" in again.output
    second = report(home)
    assert second.exit_code == 0
    todo = todo_of(Path(second.stdout.strip()))
    assert todo[0].startswith("1. 【审定意见】第1稿经张镇长于") and todo[0].endswith("退回修改：第二部分请补充调解典型案例")
    assert [v["label"] for v in year_report(home)["versions"]] == ["已退回", "草稿"]


def test_signing_makes_the_final_copy_and_records_it(home):
    draft = Path(report(home).stdout.strip())
    done = signoff(home, "--by", "李书记")
    assert done.exit_code == 0, done.output
    final = Path(next(line for line in done.stdout.splitlines() if line.endswith(".docx")))
    assert final.name.startswith("2024年法治政府建设情况报告（定稿）") and final.parent == home.outbox
    doc = docx.Document(str(final))
    assert not comment_parts(final) and not comment_marks(doc) and not has_highlight(doc)
    assert "草稿" not in "".join(header_texts(doc))
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert signing_date(today) in [p.text for p in doc.paragraphs]
    assert "调处各类矛盾纠纷70余起" in full_text(doc) and draft.exists()
    with open_ledger(home.database_url) as engine:
        [v] = versions(engine, 2024)
    assert (v.state, v.decided_by, v.final_path) == ("signed", "李书记", str(final))
    assert v.final_sha256 == hashlib.sha256(final.read_bytes()).hexdigest() and v.signed_from == str(draft)
    assert v.figures["DISPUTE"] == {"name": "调处矛盾纠纷", "unit": "起", "total": 73, "stated": "70余起",
                                    "in_final": True}
    if shutil.which("soffice"):
        assert v.pdf_path == str(final.with_suffix(".pdf"))
        assert Path(v.pdf_path).read_bytes().startswith(b"%PDF")
    assert year_report(home)["label"] == "已定稿"


def test_the_edited_file_is_signed_with_the_staff_wording(home):
    draft = Path(report(home).stdout.strip())
    edited_copy(draft, home.outbox / "审定" / "2024年报告-修改稿.docx", "本镇新设调解室三处，由乡贤参与调解。")
    done = signoff(home, "--by", "李书记", "--file", "2024年报告-修改稿.docx")   # a name in outbox/审定/
    assert done.exit_code == 0, done.output
    final = Path(next(line for line in done.stdout.splitlines() if line.endswith(".docx")))
    doc = docx.Document(str(final))
    assert "本镇新设调解室三处，由乡贤参与调解。" in full_text(doc) and not comment_marks(doc)
    assert year_report(home)["versions"][0]["signed_from"] == str(home.outbox / "审定" / "2024年报告-修改稿.docx")


def test_a_signed_year_is_not_rendered_again_until_reopened(home):
    report(home)
    signed = signoff(home, "--by", "李书记").stdout.splitlines()
    final = Path(next(line for line in signed if line.endswith(".docx")))
    signed_bytes = final.read_bytes()
    drafts = set(home.outbox.glob("*（草稿）*.docx"))
    refused = report(home)
    assert refused.exit_code == 3 and "审定签发" in refused.output and "--reopen" in refused.output
    assert set(home.outbox.glob("*（草稿）*.docx")) == drafts
    assert report(home, "--reopen", " ").exit_code == 2
    reopened = report(home, "--reopen", "三月调解数有误")
    assert reopened.exit_code == 0, reopened.output
    assert final.read_bytes() == signed_bytes
    state = year_report(home)
    assert [v["label"] for v in state["versions"]] == ["已定稿", "草稿"] and state["label"] == "草稿"
    assert state["versions"][0]["reopen_reason"] == "三月调解数有误"
    assert "重新打开" in todo_of(Path(reopened.stdout.strip()))[0]


def test_a_late_correction_is_flagged_against_the_signed_figures(home):
    report(home)
    signoff(home, "--by", "李书记")
    correct(home, {"DISPUTE": 76})                     # still “70余起”: the signed text holds
    assert township("ingest", "--home", str(home.root)).exit_code == 0
    assert year_report(home)["unsupported"] == []
    correct(home, {"DISPUTE": 85})                     # now “80余起”: the signed text no longer holds
    ingest_now(home)
    [drift] = year_report(home)["unsupported"]
    assert drift == {"code": "DISPUTE", "name": "调处矛盾纠纷", "stated": "70余起", "signed_total": 73,
                     "total_now": 85, "stated_now": "80余起"}
    shown = township("status", "--home", str(home.root))
    assert "定稿为“70余起”（当时合计73），现合计85，应为“80余起”" in shown.output
    refused = report(home)
    assert refused.exit_code == 3


def test_the_late_correction_is_in_the_ingest_runs_artifact(home):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    report(home)
    signoff(home, "--by", "李书记")
    correct(home, {"DISPUTE": 90})
    assert township("ingest", "--home", str(home.root)).exit_code == 0
    with get_client(sync_client=True) as client:
        by_key = ArtifactFilter(key=ArtifactFilterKey(any_=["ingest-summary-text"]))
        [latest] = client.read_artifacts(artifact_filter=by_key, sort="CREATED_DESC", limit=1)
    assert "2024年度报告（第1稿，已定稿）与现有数据不符" in latest.data and "现合计90，应为“90起”" in latest.data


@pytest.mark.parametrize("args, said", [
    ((), "--year"),
    (("--year", "2024"), "--by"),
    (("--year", "2023", "--by", "李书记"), "2023年还没有报告草稿"),
    (("--year", "2024", "--by", "李书记", "--file", "不存在.docx"), "找不到修改稿“不存在.docx”"),
    (("--year", "2024", "--by", "李书记", "--file", "township.toml"), "不是 Word 文档"),
    (("--year", "2024", "--by", "李书记", "--reject", ""), "退回修改时请填写意见"),
    (("--year", "2024", "--by", "李书记", "--reject", "x", "--file", "a.docx"), "只给其中一个"),
    (("--year", "2024", "--by", "李书记", "--confirm-figures"), "请同时用 --file 给出修改稿"),
])
def test_bad_arguments_are_answered_in_chinese(home, monkeypatch, args, said):
    report(home)
    monkeypatch.chdir(home.root)
    result = township("signoff", "--home", str(home.root), *args)
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output, result.output
    assert year_report(home)["label"] == "草稿"


def test_the_final_copy_reaches_the_leaders_byte_identical(home):
    with smtp_server() as (mailbox, port):
        configure_mail(home, port, reviewers=["office@xiatang.example"])
        report(home)
        done = signoff(home, "--by", "李书记")
        assert done.exit_code == 0, done.output
        final = Path(next(line for line in done.stdout.splitlines() if line.endswith(".docx")))
        [(to, raw)] = mailbox.messages
        sent = attachments(raw)
        assert to == ["leader@xiatang.example"] and sent.pop(final.name) == final.read_bytes()
        if shutil.which("soffice"):
            assert sent == {final.with_suffix(".pdf").name: final.with_suffix(".pdf").read_bytes()}
        assert year_report(home)["versions"][0]["delivered_to"] == "leader@xiatang.example"
        again = signoff(home, "--by", "李书记")          # delivered: nothing more to do
        assert again.exit_code == 2 and len(mailbox.messages) == 1


def test_a_failed_delivery_is_sent_again_by_the_next_signoff(home):
    report(home)
    with smtp_server() as (_, port):
        pass                                             # a port where no server listens any more
    configure_mail(home, port)
    done = signoff(home, "--by", "李书记")
    assert done.exit_code == 1 and "邮件发送失败" in done.output
    assert year_report(home)["label"] == "已定稿" and year_report(home)["versions"][0]["delivered_at"] is None
    with smtp_server() as (mailbox, live):
        toml = home.root / "township.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace(f"smtp_port = {port}", f"smtp_port = {live}"), encoding="utf-8")
        resent = signoff(home, "--by", "李书记")
        assert resent.exit_code == 0 and "补发" in resent.output and len(mailbox.messages) == 1


def test_a_decision_is_taken_once(tmp_path):
    """The UI and the command line deciding the same draft: the first decision stands, the second
    changes nothing and leaves no file behind."""
    from tasks.drafts.annual import render_annual
    from tasks.signoff.decision import Decision
    from tasks.signoff.steps import NO_PDF, decide
    from tasks.signoff.versions import record_draft

    home = ingested_home(tmp_path / "home", {"DISPUTE": 73})
    now = dt.datetime(2024, 12, 26, 2, 0, tzinfo=dt.UTC)
    version = record_draft(home, 2024, render_annual(home, 2024, None, now.date()), now)
    first = decide(home, version.id, Decision(True, "李书记", accept_open=True), now, soffice=None)
    assert first.decided_now and first.version.state == "signed" and first.notes == (NO_PDF,)
    assert first.version.decided_at == dt.datetime(2024, 12, 26, 2, 0) and first.version.pdf_path is None
    second = decide(home, version.id, Decision(False, "张镇长", "再改改"), now, soffice=None)
    assert not second.decided_now and second.version == first.version
    assert len(list(home.outbox.glob("*（定稿）*"))) == 1


def test_a_draft_with_blank_figures_is_not_signed_until_staff_fill_them(tmp_path, prefect_server):
    from tests.helpers import drop, make_home

    home = make_home(tmp_path / "home")
    drop(home, values={"DISPUTE": 73})                 # the other indicators: no data, ××次 in the draft
    ingest_now(home)
    draft = Path(report(home).stdout.strip().splitlines()[0])
    refused = signoff(home, "--by", "李书记")
    assert refused.exit_code == 2 and "未填的数字或占位符" in refused.output, refused.output
    assert year_report(home)["label"] == "草稿" and not list(home.outbox.glob("*（定稿）*"))
    doc = docx.Document(str(draft))
    for paragraph in doc.paragraphs:                   # staff fill in what they know in Word
        for run in paragraph.runs:
            run.text = run.text.replace("××", "3")
    filled = home.outbox / "审定" / "填好的.docx"
    filled.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(filled))
    done = signoff(home, "--by", "李书记", "--file", "填好的.docx")
    assert done.exit_code == 0, done.output
