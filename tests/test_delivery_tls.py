"""SMTP that cannot hang or leak (issue 16, case 9): a whole-send deadline, TLS (implicit or STARTTLS,
certificates verified) whenever a password is used unless `insecure = true`, and a sample [delivery]
in township.toml that works as written. Real servers on loopback: aiosmtpd, and a raw socket that
answers one byte at a time."""
import re
import socket
import ssl
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from flows.cli import app
from flows.mailing import deliver_files
from schemas.settings import DEFAULT_SETTINGS_TOML, Delivery
from tasks.delivery.mail import build_message, send
from tasks.home import open_home
from tests.test_delivery import PASSWORD_ENV, Inbox, check_login
from tests.tls import make_certs

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dribbler():
    """A server that answers a byte every half second, for ever: each read is within any per-read
    timeout, the whole never ends."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                while not stop.wait(0.5):
                    try:
                        conn.sendall(b"2")
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    server.close()


def test_a_server_that_dribbles_bytes_cannot_hold_a_send_for_ever(dribbler, tmp_path):
    delivery = Delivery(smtp_port=dribbler, recipients=("leader@xiatang.example",), send_timeout_s=2)
    message = build_message(delivery, "主题", "正文", [])
    failed: list[BaseException] = []

    def attempt():
        try:
            send(delivery, message, None)
        except BaseException as exc:  # noqa: BLE001 — what the sender raised is the result
            failed.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "the send is still hanging after 20 s"
    assert time.monotonic() - started < 10
    [exc] = failed
    assert isinstance(exc, TimeoutError) and "2 秒内未完成发送" in str(exc)


def test_report_deliver_to_a_dribbling_server_ends_with_a_message(home, dribbler, prefect_server):
    toml = home.root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"""
[delivery]
smtp_host = "127.0.0.1"
smtp_port = {dribbler}
send_timeout_s = 2
recipients = ["leader@xiatang.example"]
""", encoding="utf-8")
    result = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"])
    assert result.exit_code == 1 and "秒内未完成发送" in result.output and "outbox" in result.output


def test_a_password_is_never_sent_unencrypted_unless_the_operator_says_insecure(home, prefect_server,
                                                                               monkeypatch):
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check_login,
                            auth_require_tls=False)
    controller.start()
    try:
        toml = home.root / "township.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + f"""
[delivery]
smtp_host = "127.0.0.1"
smtp_port = {port}
starttls = false
username = "township"
password_env = "{PASSWORD_ENV}"
recipients = ["leader@xiatang.example"]
""", encoding="utf-8")
        monkeypatch.setenv(PASSWORD_ENV, "s3cret")
        result = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024", "--deliver"])
        assert result.exit_code == 1 and "明文" in result.output and "insecure" in result.output
        assert inbox.messages == []
    finally:
        controller.stop()


def sample_delivery(port: int) -> str:
    """township.toml's own commented [delivery] example, uncommented, pointed at the test server."""
    block = DEFAULT_SETTINGS_TOML.split("# [delivery]", 1)[1]
    text = "[delivery]" + re.sub(r"(?m)^# ?", "", block)
    text = re.sub(r'(?m)^smtp_host = .*$', 'smtp_host = "127.0.0.1"', text)
    text = re.sub(r"(?m)^smtp_port = \d+", f"smtp_port = {port}", text)
    text = re.sub(r'(?m)^username = .*$', 'username = "township"', text)
    return text.replace("TOWNSHIP_SMTP_PASSWORD", PASSWORD_ENV)


def test_the_sample_delivery_settings_work_as_written_with_implicit_tls(home, tmp_path, monkeypatch):
    ca, server_context = make_certs(tmp_path)
    port = free_port()
    inbox = Inbox()
    # auth_require_tls speaks of STARTTLS only: this connection is TLS from its first byte
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_context,
                            authenticator=check_login, auth_require_tls=False)
    controller.start()
    try:
        toml = home.root / "township.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + "\n" + sample_delivery(port), encoding="utf-8")
        assert 'tls = "implicit"' in toml.read_text(encoding="utf-8")
        monkeypatch.setenv(PASSWORD_ENV, "s3cret")
        monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the test CA, trusted as a public one would be
        notice = home.outbox / "通知.txt"
        notice.parent.mkdir(parents=True, exist_ok=True)
        notice.write_text("催报", encoding="utf-8")
        assert deliver_files(open_home(home.root), "催报通知", [str(notice)]) == ["leader@example.gov.cn"]
        [(rcpts, _)] = inbox.messages
        assert rcpts == ["leader@example.gov.cn"]
    finally:
        controller.stop()


@pytest.mark.parametrize("trusted", [True, False])
def test_starttls_is_verified_before_the_password_goes(tmp_path, monkeypatch, trusted):
    ca, server_context = make_certs(tmp_path)
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_context,
                            require_starttls=True, authenticator=check_login, auth_require_tls=True)
    controller.start()
    try:
        if trusted:
            monkeypatch.setenv("SSL_CERT_FILE", str(ca))
        delivery = Delivery(smtp_port=port, starttls=True, username="township", password_env=PASSWORD_ENV,
                            sender="township@xiatang.example", recipients=("leader@xiatang.example",))
        message = build_message(delivery, "主题", "正文", [])
        if trusted:
            assert send(delivery, message, "s3cret") == ["leader@xiatang.example"]
            assert len(inbox.messages) == 1
        else:
            with pytest.raises(ssl.SSLCertVerificationError):
                send(delivery, message, "s3cret")
            assert inbox.messages == []
    finally:
        controller.stop()
