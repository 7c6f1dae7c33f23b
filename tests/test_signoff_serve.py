"""The review loop as an office runs it, against a real Prefect server (`township serve`): the scheduled
`annual-report` deployment renders the draft, e-mails it to the reviewers and suspends (no process held);
the decision is taken by `township signoff` (never by what a resume through Prefect's API carries, issue
22), which resumes the run: it reads the decision from the ledger and ends in a plain state. 退回修改's
opinion comes first in the next draft; 通过 with the staff's edited file makes the final copy, delivered
to the leaders byte-identical; a signed year is not rendered again until `township report --reopen`."""
from __future__ import annotations

import shutil
import signal

import docx
import pytest

from tasks.signoff.final_copy import full_text
from tests.docx_helpers import comments
from tests.procs import BIN, LockedApi, clean_env, cli, free_port, home_auth, start, stop, wait_for
from tests.serve_helpers import run_deployment, run_input, state_of, until
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
def _body(raw: bytes) -> str:
    import email
    from email import policy

    return email.message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()


def test_review_from_draft_to_signed_report(tmp_path):
    home = ingested_home(tmp_path / "home", {"DISPUTE": 73})
    port = free_port()
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    log = tmp_path / "serve.log"
    township = [str(BIN / "township")]
    with smtp_server() as (mailbox, smtp_port):
        configure_mail(home, smtp_port, reviewers=["office@xiatang.example"])
        serve = [*township, "serve", "--home", str(home.root), "--port", str(port)]
        proc = start(serve, env, log)
        try:
            wait_for(lambda: "Prefect 界面" in log.read_text(errors="replace") or proc.poll() is not None, 180,
                     "township serve to start", log)
            api = LockedApi(f"http://127.0.0.1:{port}/api", home_auth(home.root))
            signoff = [*township, "signoff", "--home", str(home.root), "--year", "2024", "--accept-open"]
            first = run_deployment(api, year=2024)
            assert until(api, first, "PAUSED", log)["name"] == "Suspended"
            draft1 = next(home.outbox.glob("*（草稿）*.docx"))
            [(to, raw)] = mailbox.messages           # the draft went to the reviewers, not the leaders
            assert to == ["office@xiatang.example"] and attachments(raw) == {draft1.name: draft1.read_bytes()}
            assert "township signoff --year 2024 --by" in _body(raw)   # how to decide: on the command line
            form = run_input(api, first, "schema")   # no field to fill: 审定 is not taken in the UI
            assert form["properties"] == {} and form["additionalProperties"] is False
            said = run_input(api, first, "description")
            assert "第1稿" in said and draft1.name in said and "township signoff" in said and "--reject" in said

            done = cli([*signoff, "--by", "张镇长", "--reject", "请补充调解典型案例"], env)
            assert done.returncode == 0 and "已通知 Prefect" in done.stdout, done.stdout + done.stderr
            ended = until(api, first, "COMPLETED", log)
            assert ended["name"] == "已退回" and "请补充调解典型案例" in ended["message"]
            assert "张镇长" in ended["message"] and "township signoff" in ended["message"]

            second = run_deployment(api, year=2024)
            until(api, second, "PAUSED", log)
            [draft2] = set(home.outbox.glob("*（草稿）*.docx")) - {draft1}
            todo = next(text for _, text in comments(docx.Document(draft2)) if text.startswith("待完善事项"))
            assert todo.splitlines()[1].startswith("1. 【审定意见】第1稿经张镇长") and "请补充调解典型案例" in todo
            staff = edited_copy(draft2, home.outbox / "审定" / "修改稿.docx", "本镇新设调解室三处，由乡贤参与调解。")

            done = cli([*signoff, "--by", "李书记", "--file", "不存在.docx"], env)   # refused; the run waits on
            assert done.returncode == 2 and state_of(api, second)["type"] == "PAUSED", done.stdout + done.stderr
            done = cli([*signoff, "--by", "李书记", "--file", staff.name], env)
            assert done.returncode == 0 and "已通知 Prefect" in done.stdout, done.stdout + done.stderr
            ended = until(api, second, "COMPLETED", log)
            assert ended["name"] == "已定稿" and "李书记" in ended["message"], ended

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

            third = run_deployment(api, year=2024)            # signed: not rendered again
            ended = until(api, third, "COMPLETED", log)
            assert ended["name"] == "已定稿" and "--reopen" in ended["message"]
            assert len(list(home.outbox.glob("*（草稿）*.docx"))) == 2

            reopened = cli([*township, "report", "--home", str(home.root), "--year", "2024",
                            "--reopen", "三月调解数有误"], env)   # reopened on the command line only
            assert reopened.returncode == 0, reopened.stdout + reopened.stderr
            fourth = run_deployment(api, year=2024)
            until(api, fourth, "PAUSED", log)
            done = cli([*signoff, "--by", "王主任", "--reject", "数字待核实"], env)
            assert done.returncode == 0 and "已通知 Prefect" in done.stdout, done.stdout + done.stderr
            ended = until(api, fourth, "COMPLETED", log)
            assert ended["name"] == "已退回" and "数字待核实" in ended["message"]
            assert final.exists() and len(list(home.outbox.glob("*（定稿）*.docx"))) == 1
        finally:
            assert stop(proc, signal.SIGTERM) == 0, log.read_text(errors="replace")[-3000:]
