"""E-mail a draft or a workbook to the leaders ([delivery] in township.toml).

The password never sits in township.toml: `password_env` names an environment variable, and the
caller (the CLI or a flow, at the edge) reads it and passes the value in.
"""
from __future__ import annotations

import mimetypes
import os
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from schemas.settings import Delivery

IMPLICIT_TLS_PORT = 465  # SMTPS: TLS from the first byte (STARTTLS upgrades a plain connection instead)
MIME = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pdf": "application/pdf", ".txt": "text/plain"}


class DeliveryError(Exception):
    """Delivery cannot work as configured (no recipients, no password); terminal, never retried."""


def build_message(delivery: Delivery, subject: str, body: str, attachments: list[Path],
                  to: tuple[str, ...] = ()) -> EmailMessage:
    """To `to` (e.g. the reviewers of a draft), else the leaders (`recipients`)."""
    if not (to or delivery.recipients):
        raise DeliveryError("township.toml 的 [delivery] 没有填写收件人（recipients）")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = delivery.sender or delivery.username
    msg["To"] = ", ".join(to or delivery.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=(delivery.sender or "township.local").rpartition("@")[2] or None)
    msg.set_content(body)
    for path in attachments:  # as bytes, base64: the leader receives the very file in outbox/
        kind = MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def mail_text(township: str, what: str, files: list[Path], how_to_decide: str = "") -> tuple[str, str]:
    """(subject, body) of a delivery: what it is, which files, that it is a draft to be checked (and,
    for a draft awaiting a decision, how to give it)."""
    names = "\n".join(f"  {p.name}" for p in files)
    decide = f"{how_to_decide}\n\n" if how_to_decide else ""
    return (f"【{township}】{what}",
            f"各位领导：\n\n附件为{township}{what}，由乡镇报表系统根据各单位已接收的月报表自动生成：\n{names}\n\n"
            f"文中数字均附有来源批注；黄色底纹为待完善的套话，请审阅后修改定稿。\n\n{decide}"
            "乡镇报表系统（自动发送，请勿直接回复）")


def final_mail_text(township: str, what: str, files: list[Path], signer: str,
                    signed_on: str) -> tuple[str, str]:
    """(subject, body) of a signed report: the final copy, who signed it and when."""
    names = "\n".join(f"  {p.name}" for p in files)
    return (f"【{township}】{what}",
            f"各位领导：\n\n{township}{what}已由{signer}于{signed_on}审定签发，定稿见附件：\n{names}\n\n"
            "乡镇报表系统（自动发送，请勿直接回复）")


def tls_mode(delivery: Delivery) -> str:
    """implicit (TLS from the first byte, port 465) | starttls (a plain connection upgraded, port 587) |
    none. `tls` says it; without it, port 465 means implicit and `starttls = true` means STARTTLS."""
    if delivery.tls:
        return delivery.tls
    if delivery.smtp_port == IMPLICIT_TLS_PORT:
        return "implicit"
    return "starttls" if delivery.starttls else "none"


def send(delivery: Delivery, msg: EmailMessage, password: str | None, timeout: float = 30,
         to: tuple[str, ...] = ()) -> list[str]:
    """Send over SMTP (implicit TLS or STARTTLS, certificates verified); returns the recipients it went
    to. `timeout` bounds each read; `delivery.send_timeout_s` the whole send (`Deadline`)."""
    mode = tls_mode(delivery)
    if delivery.username and not password:
        raise DeliveryError(f"发送邮件需要密码：请设置环境变量 {delivery.password_env or '（township.toml 未写 password_env）'}")
    if delivery.username and mode == "none" and not delivery.insecure:
        raise DeliveryError("township.toml 的 [delivery] 未启用加密，密码不能明文发送：465 端口请设 tls = \"implicit\"，"
                            "587 端口请设 tls = \"starttls\"；确需明文（仅限本机测试服务器）请设 insecure = true")
    context = ssl.create_default_context()
    deadline = Deadline(delivery.send_timeout_s)
    client = (Implicit(context=context, timeout=timeout) if mode == "implicit" else Plain(timeout=timeout))
    client.deadline = deadline
    client._host = delivery.smtp_host  # the name TLS verifies (set by the constructor, which would connect early)
    try:
        deadline.start()
        client.connect(delivery.smtp_host, delivery.smtp_port)
        if mode == "starttls":
            client.starttls(context=context)
        if delivery.username:
            client.login(delivery.username, password or "")
        refused = client.send_message(msg)
        client.quit()
    except (smtplib.SMTPException, OSError) as exc:
        if deadline.expired:
            raise SendTimeout(f"邮件服务器 {delivery.send_timeout_s:g} 秒内未完成发送（连接过慢或无响应）") from exc
        raise
    finally:
        deadline.disarm()
        client.close()
    return [r for r in to or delivery.recipients if r not in refused]


class SendTimeout(TimeoutError):
    """The whole send took longer than `send_timeout_s`: transient (retried by a scheduled run)."""


class Deadline:
    """Ends a send that outlives its time: a timer shuts the connection down, so a server that dribbles a
    byte every 20 s — each read within the per-read timeout — cannot hold `report --deliver` for ever."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._fd: int | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._fd = sock.fileno()

    def disarm(self) -> None:
        """Before the connection is closed: a late timer must never touch a descriptor reused since."""
        with self._lock:
            self._timer.cancel()
            self._fd = None

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            if self._fd is None:
                return
            try:  # shutdown acts on the connection itself, whichever descriptor names it (TLS wraps it)
                with socket.socket(fileno=os.dup(self._fd)) as sock:
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Plain(smtplib.SMTP):
    """smtplib's client, its connection known to the deadline from the moment it exists."""
    deadline: Deadline

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        self.deadline.track(sock)
        return sock


class Implicit(smtplib.SMTP_SSL):
    deadline: Deadline

    def _get_socket(self, host, port, timeout):
        sock = smtplib.SMTP._get_socket(self, host, port, timeout)  # TCP first: the handshake is timed too
        self.deadline.track(sock)
        return self.context.wrap_socket(sock, server_hostname=self._host)
