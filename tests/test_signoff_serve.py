"""The review loop as an office runs it, against a real Prefect server (`township serve`): the scheduled
`annual-report` deployment renders the draft, e-mails it to the reviewers and suspends (no process held);
a decision sent through Prefect's API (what the UI's Resume form sends) resumes it. 退回修改 ends the run
in a plain state; the next draft lists the opinion first; a form that cannot be carried out asks again;
通过 with the staff's edited file makes the final copy, delivered to the leaders byte-identical; a signed
year is not rendered again; and `township signoff` ends a run that waits in the UI."""
from __future__ import annotations

import json
import shutil
import signal

import docx
import httpx
import pytest

from tasks.signoff.final_copy import full_text
from tests.docx_helpers import comments
from tests.procs import BIN, clean_env, cli, free_port, start, stop, wait_for
from tests.signoff_helpers import (
    attachments,
    comment_marks,
    comment_parts,
    configure_mail,
    edited_copy,
    has_highlight,
    header_texts,
    ingested_home,
    smtp_server,
)

pytestmark = pytest.mark.slow
DEPLOYMENT = "annual-report/annual-report"


def _run(api: str, **parameters) -> str:
    """What the UI's "Run" (custom run) does: a flow run of the deployment with these parameters."""
    def registered():
        found = httpx.get(f"{api}/deployments/name/{DEPLOYMENT}", timeout=10)
        return found.json() if found.status_code == 200 else None
    deployment = wait_for(registered, 60, "the served deployments")
    created = httpx.post(f"{api}/deployments/{deployment['id']}/create_flow_run",
                         json={"parameters": parameters}, timeout=10)
    created.raise_for_status()
    return created.json()["id"]


def _state(api: str, run_id: str) -> dict:
    return httpx.get(f"{api}/flow_runs/{run_id}", timeout=10).json()["state"]


def _until(api: str, run_id: str, kind: str, log, timeout: float = 240) -> dict:
    def reached():
        state = _state(api, run_id)
        assert state["type"] not in ("FAILED", "CRASHED"), (state, log.read_text(errors="replace")[-3000:])
        return state if state["type"] == kind else None
    return wait_for(reached, timeout, f"run {run_id} to be {kind}", log, step=1.0)


def _resume(api: str, run_id: str, run_input: dict) -> None:
    response = httpx.post(f"{api}/flow_runs/{run_id}/resume", json={"run_input": run_input}, timeout=10)
    response.raise_for_status()
    assert response.json()["status"] == "ACCEPT", response.json()


def _form(api: str, run_id: str) -> dict:
    """The JSON schema the UI builds its Resume form from."""
    keyset = _state(api, run_id)["state_details"]["run_input_keyset"]
    value = httpx.get(f"{api}/flow_runs/{run_id}/input/{keyset['schema']}", timeout=10).json()
    return json.loads(value) if isinstance(value, str) else value


def test_review_in_the_ui_from_draft_to_signed_report(tmp_path):
    home = ingested_home(tmp_path / "home", {"DISPUTE": 73})
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    log = tmp_path / "serve.log"
    with smtp_server() as (mailbox, smtp_port):
        configure_mail(home, smtp_port, reviewers=["office@xiatang.example"])
        serve = [str(BIN / "township"), "serve", "--home", str(home.root), "--port", str(port)]
        proc = start(serve, env, log)
        try:
            wait_for(lambda: "Prefect 界面" in log.read_text(errors="replace") or proc.poll() is not None, 180,
                     "township serve to start", log)
            first = _run(api, year=2024)
            assert _until(api, first, "PAUSED", log)["name"] == "Suspended"
            draft1 = next(home.outbox.glob("*（草稿）*.docx"))
            [(to, raw)] = mailbox.messages           # the draft went to the reviewers, not the leaders
            assert to == ["office@xiatang.example"] and attachments(raw) == {draft1.name: draft1.read_bytes()}
            form = _form(api, first)
            assert form["properties"]["result"]["title"] == "审定结果"
            assert form["properties"]["result"]["enum"] == ["通过", "退回修改"]
            assert {p["title"] for p in form["properties"].values()} >= {"审定人", "意见"}

            _resume(api, first, {"result": "退回修改", "by": "张镇长", "opinion": "请补充调解典型案例"})
            ended = _until(api, first, "COMPLETED", log)
            assert ended["name"] == "已退回" and "请补充调解典型案例" in ended["message"]

            second = _run(api, year=2024)
            _until(api, second, "PAUSED", log)
            [draft2] = set(home.outbox.glob("*（草稿）*.docx")) - {draft1}
            todo = next(text for _, text in comments(docx.Document(draft2)) if text.startswith("待完善事项"))
            assert todo.splitlines()[1].startswith("1. 【审定意见】第1稿经张镇长") and "请补充调解典型案例" in todo
            staff = edited_copy(draft2, home.outbox / "审定" / "修改稿.docx", "本镇新设调解室三处，由乡贤参与调解。")

            _resume(api, second, {"result": "通过", "by": "李书记", "edited_file": "不存在.docx"})
            wait_for(lambda: _state(api, second)["state_details"].get("pause_key") == "review-2-2"
                     and _state(api, second)["type"] == "PAUSED", 240, "the form asked again", log, step=1.0)
            _resume(api, second, {"result": "通过", "by": "李书记", "edited_file": staff.name})
            ended = _until(api, second, "COMPLETED", log)
            assert ended["name"] == "已定稿", ended

            final = next(home.outbox.glob("*（定稿）*.docx"))
            doc = docx.Document(final)
            assert not comment_parts(final) and not comment_marks(doc) and not has_highlight(doc)
            assert "草稿" not in "".join(header_texts(doc))
            assert "本镇新设调解室三处，由乡贤参与调解。" in full_text(doc)
            wait_for(lambda: len(mailbox.messages) == 3, 60, f"the final copy's e-mail ({ended})", log)
            assert mailbox.messages[1][0] == ["office@xiatang.example"]   # the second draft, to the reviewers
            to, raw = mailbox.messages[2]
            sent = attachments(raw)
            assert to == ["leader@xiatang.example"] and sent[final.name] == final.read_bytes()
            if shutil.which("soffice"):
                pdf = final.with_suffix(".pdf")
                assert sent[pdf.name] == pdf.read_bytes() and pdf.read_bytes().startswith(b"%PDF")

            third = _run(api, year=2024)                     # signed: not rendered again
            ended = _until(api, third, "COMPLETED", log)
            assert ended["name"] == "已定稿" and "--reopen" in ended["message"]
            assert len(list(home.outbox.glob("*（草稿）*.docx"))) == 2

            fourth = _run(api, year=2024, reopen="三月调解数有误")  # reopened; decided from the command line
            _until(api, fourth, "PAUSED", log)
            done = cli([str(BIN / "township"), "signoff", "--home", str(home.root), "--year", "2024",
                        "--by", "王主任", "--reject", "数字待核实"], env)
            assert done.returncode == 0 and "已通知 Prefect" in done.stdout, done.stdout + done.stderr
            ended = _until(api, fourth, "COMPLETED", log)
            assert ended["name"] == "已退回" and "本运行未另作决定" in ended["message"]
            assert final.exists() and len(list(home.outbox.glob("*（定稿）*.docx"))) == 1
        finally:
            assert stop(proc, signal.SIGTERM) == 0, log.read_text(errors="replace")[-3000:]
