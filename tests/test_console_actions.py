"""The console's pages that change something, at the HTTP level (TestClient, real home and ledger): runs
started from 运行 without Prefect, and 审定 — return with an opinion, then approve a 修改稿 — taken by
the same code as `township signoff`."""
from __future__ import annotations

import io
import re
import time
from pathlib import Path

import docx

from tests.console_helpers import PASSWORD, client_for, console_home, token


def test_runs_ingest_summary_and_draft_without_prefect(tmp_path):
    home = console_home(tmp_path / "home")
    from tests.helpers import drop

    drop(home, name="松垛村-2024-06.xlsx", unit="410423105202", period="2024-06")
    client = client_for(home.root, "operator1")
    csrf = token(client.get("/runs").text)
    for form in ({"kind": "ingest"}, {"kind": "summary", "period": "2024-06"}, {"kind": "draft", "year": "2024"}):
        answer = client.post("/runs/start", data={**form, "csrf_token": csrf}, follow_redirects=False)
        assert answer.status_code == 303
        _wait(client)
    jobs = client.app.state.journal.jobs
    assert [j.state for j in jobs] == ["completed"] * 3, [j.message for j in jobs]
    assert "收到 1 个文件" in jobs[2].message
    assert any(p.endswith(".xlsx") for p in jobs[1].files)
    page = client.get("/runs").text
    assert "已完成" in page and "2024年度草稿" in page
    draft_id = re.search(r'<a href="/files/([0-9a-f]{24})">[^<]+\.docx</a>', page)[1]
    draft = docx.Document(io.BytesIO(client.get(f"/files/{draft_id}").content))
    assert any("法治" in p.text for p in draft.paragraphs)
    bad = client.post("/runs/start", data={"kind": "draft", "year": "24", "csrf_token": csrf})
    assert bad.status_code == 400 and "年度" in bad.text
    assert client.post("/runs/start", data={"kind": "rm", "csrf_token": csrf}).status_code == 400


def _wait(client, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while client.app.state.journal.running():
        assert time.monotonic() < deadline, "运行超时"
        time.sleep(0.2)


def test_leader_rejects_then_approves_an_edited_copy(tmp_path):
    from tests.signoff_helpers import drafted, edited_copy, ledger

    home, _ = drafted(tmp_path / "home")
    from flows.console.users import add_user

    add_user(home.root, "leader1", "leader", PASSWORD)
    client = client_for(home.root, "leader1")
    page = client.get("/review")
    assert page.status_code == 200 and "待完善事项" in page.text and "草稿正文" in page.text
    csrf = token(page.text)
    empty = client.post("/review/decide", data={"csrf_token": csrf, "result": "reject", "opinion": ""})
    assert "请填写意见" in empty.text and ledger(home).state == "draft"
    client.post("/review/decide", data={"csrf_token": csrf, "result": "reject", "opinion": "调解数请核实"})
    assert ledger(home).state == "rejected" and ledger(home).decided_by == "leader1"
    assert "已退回" in client.get("/review").text
    # the next draft, then its edited copy approved through the upload
    from tasks.drafts.annual import render_annual
    from tasks.signoff.versions import record_draft
    from tests.signoff_helpers import SIGN_NOW

    v2 = record_draft(home, 2024, render_annual(home, 2024, None, SIGN_NOW.date()), SIGN_NOW)
    page = client.get("/review")
    assert "第2稿" in page.text and "（草稿）" in page.text
    edited = edited_copy(Path(v2.draft_path), tmp_path / "修改稿.docx", "群众反映良好。")
    assert "缺报的月报表" in page.text and 'name="accept_open"' in page.text
    with open(edited, "rb") as f:   # 通过 without acknowledging the missing returns: refused, as the CLI's
        unacknowledged = client.post("/review/decide", data={"csrf_token": csrf, "result": "approve"},
                                     files={"edited": ("修改稿.docx", f, "application/octet-stream")})
    assert "已审定签发" not in unacknowledged.text and ledger_state(home) == "draft"
    with open(edited, "rb") as f:
        done = client.post("/review/decide", data={"csrf_token": csrf, "result": "approve", "opinion": "",
                                                   "accept_open": "1"},
                           files={"edited": ("修改稿.docx", f, "application/octet-stream")})
    assert "已审定签发" in done.text, done.text[-2000:]
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions

    with open_ledger(home.database_url) as engine:
        signed = versions(engine, 2024)[-1]
    assert signed.state == "signed" and "网页上传" in signed.signed_from
    files = client.get("/files").text
    assert signed.final_path.rsplit("/", 1)[-1] in files


def ledger_state(home) -> str:
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions

    with open_ledger(home.database_url) as engine:
        return versions(engine, 2024)[-1].state


def test_a_run_cut_off_by_a_restart_does_not_block_the_next(tmp_path):
    from flows.console.runs import Journal, new_job

    journal = Journal(tmp_path / "runs.json")
    journal.add(new_job("ingest", "入库", __import__("datetime").datetime(2024, 12, 26)))
    again = Journal(tmp_path / "runs.json")
    assert not again.running() and again.jobs[0].label == "失败" and "中断" in again.jobs[0].message
