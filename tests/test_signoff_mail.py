"""Mail that goes with a draft (issue 24), to a real SMTP server (aiosmtpd) on loopback: reviewers, not
the leaders; a subject that says 草稿 (and, for a year with no or little data, says so first); the
address to review at and the open items' counts. And the PDF preview's first page: the 待完善事项."""
from __future__ import annotations

import asyncio
import datetime as dt
import email
from email import policy
from pathlib import Path

import docx
from typer.testing import CliRunner

from flows.cli import app
from tasks.home import open_home
from tests.signoff_helpers import configure_mail, drafted, smtp_server

runner = CliRunner()
REVIEWERS = ["reviewer@xiatang.example"]
LEADERS = ["leader@xiatang.example"]


def parsed(raw: bytes):
    msg = email.message_from_bytes(raw, policy=policy.default)
    return msg["Subject"], msg.get_body(("plain",)).get_content()


def test_the_review_mail_goes_to_reviewers_with_the_address_and_the_counts(tmp_path):
    from flows.sequences.annual import draft_sequence
    from flows.sequences.steps import PlainSteps

    home, _ = drafted(tmp_path / "home")
    with smtp_server() as (box, port):
        configure_mail(home, port, reviewers=REVIEWERS)
        home = open_home(home.root)
        address = "http://127.0.0.1:4200/runs/flow-run/5a1c"
        version = asyncio.run(draft_sequence(PlainSteps(), home, 2024, None, None, dt.date(2024, 12, 26), None,
                                             None, True, reviewers=True, address=address))
    [(to, raw)] = box.messages
    subject, body = parsed(raw)
    assert to == REVIEWERS
    assert subject.startswith("【下汤镇】2024年法治政府建设情况报告（草稿，待审定）") and "2024年数据不全" in subject
    assert f"审定地址：{address}" in body and "待完善事项共" in body and "缺报的月报表3项" in body
    assert body.splitlines()[0].startswith("请注意：2024年数据不全：应报36份月报表，只收到2份")
    assert "township signoff --year 2024" in body and version.version == 2


def test_the_prefect_run_is_the_address_until_the_console_exists(monkeypatch):
    from prefect.settings import PREFECT_UI_URL, temporary_settings

    from flows.signoff import review_address

    with temporary_settings({PREFECT_UI_URL: "http://127.0.0.1:4200"}):
        assert review_address("5a1c") == "http://127.0.0.1:4200/runs/flow-run/5a1c"
    assert review_address("5a1c", console="http://127.0.0.1:8420/审定/2024") == "http://127.0.0.1:8420/审定/2024"


def test_report_deliver_of_a_draft_reaches_reviewers_only(tmp_path, prefect_server):
    home, _ = drafted(tmp_path / "home")
    with smtp_server() as (box, port):
        configure_mail(home, port, reviewers=REVIEWERS)
        done = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"],
                             terminal_width=400)
    assert "已发送给 reviewer@xiatang.example" in done.output, done.output
    [(to, raw)] = box.messages
    subject, body = parsed(raw)
    assert to == REVIEWERS and not set(LEADERS) & set(to)
    assert "（草稿，待审定）" in subject and "未经审定的草稿" in body


def test_an_empty_years_mail_says_so(tmp_path, prefect_server):
    home, _ = drafted(tmp_path / "home")        # returns of 2024 only
    with smtp_server() as (box, port):
        configure_mail(home, port, reviewers=REVIEWERS)
        done = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2023", "--deliver"],
                             terminal_width=400)
    assert done.exit_code == 1, done.output      # a draft with no return behind it: exit 1, as before
    [(to, raw)] = box.messages
    subject, body = parsed(raw)
    assert to == REVIEWERS and "【2023年无数据：应报36份月报表，一份未收】" in subject
    assert body.splitlines()[0] == "请注意：2023年无数据：应报36份月报表，一份未收，文中数字只含已收到的报表，不能作为全年情况。"


def test_the_preview_opens_with_the_todo_page(tmp_path):
    from tasks.delivery.preview import PAGE_TITLE, with_todo_page

    home, draft = drafted(tmp_path / "home")
    copy = with_todo_page(draft, tmp_path / draft.name)
    lines = [p.text for p in docx.Document(str(copy)).paragraphs]
    assert lines[0] == PAGE_TITLE and lines[1].startswith("待完善事项（共")
    todo = lines[1:lines.index("")]                    # the page ends with its break
    assert int(todo[0][len("待完善事项（共"):].split("项")[0]) == len(todo) - 1
    assert any("全年没有收到这些单位的月报表" in line for line in todo)
    original = [p.text for p in docx.Document(str(draft)).paragraphs]
    assert original[0] != PAGE_TITLE and Path(draft).exists()
