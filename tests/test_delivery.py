"""E-mail to a real SMTP server (aiosmtpd) on loopback: the attachment arrives byte-identical; the
password comes from the environment variable township.toml names; scheduled flows deliver on their own."""
import datetime as dt
import email
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from typer.testing import CliRunner

from flows.cli import app
from tests.helpers import drop

runner = CliRunner()
PASSWORD_ENV = "TOWNSHIP_TEST_SMTP_PASSWORD"


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"township", b"s3cret")
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check_login,
                            auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def configure(home, port: int) -> None:
    toml = home.root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"""
[delivery]
smtp_host = "127.0.0.1"
smtp_port = {port}
starttls = false
insecure = true
username = "township"
password_env = "{PASSWORD_ENV}"
sender = "township@xiatang.example"
recipients = ["leader@xiatang.example", "office@xiatang.example"]
""", encoding="utf-8")


def attachments(raw: bytes) -> dict[str, bytes]:
    msg = email.message_from_bytes(raw, policy=policy.default)
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def test_report_deliver_sends_the_draft_byte_identical(home, smtp, monkeypatch, prefect_server):
    inbox, port = smtp
    configure(home, port)
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    drop(home, values={"DISPUTE": 3})
    result = runner.invoke(app, ["ingest", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"])
    assert result.exit_code == 0, result.output
    draft = Path(result.stdout.strip().splitlines()[0])
    [(rcpts, raw)] = inbox.messages
    assert rcpts == ["leader@xiatang.example", "office@xiatang.example"]
    assert attachments(raw) == {draft.name: draft.read_bytes()}
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == ("【下汤镇】2024年法治政府建设情况报告（草稿，待审定）"   # no reviewers named: the leaders
                              "【2024年数据不全：应报36份月报表，只收到1份】")
    assert "s3cret" not in (home.root / "township.toml").read_text(encoding="utf-8")


def test_a_wrong_password_is_a_clear_error_and_the_draft_stays(home, smtp, monkeypatch, prefect_server):
    inbox, port = smtp
    configure(home, port)
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    result = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"])
    assert result.exit_code == 1 and "拒绝登录" in result.output
    assert Path(result.stdout.strip().splitlines()[0]).exists() and not inbox.messages


def test_a_missing_password_or_setting_says_so(home, smtp, monkeypatch, prefect_server):
    _, port = smtp
    result = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"])
    assert result.exit_code == 1 and "[delivery]" in result.output
    configure(home, port)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"])
    assert result.exit_code == 1 and PASSWORD_ENV in result.output


def test_the_scheduled_summary_flow_delivers_when_configured(home, smtp, monkeypatch, prefect_server):
    from flows.period_summary import period_summary

    inbox, port = smtp
    configure(home, port)
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    files = period_summary(home=str(home.root), on=dt.date(2024, 4, 20))  # no period: last month
    assert files.workbook.name.startswith("2024年3月报表汇总")
    [(_, raw)] = inbox.messages
    assert attachments(raw) == {files.workbook.name: files.workbook.read_bytes()}
