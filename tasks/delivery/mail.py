"""E-mail a draft or a workbook to the leaders ([delivery] in township.toml).

The password never sits in township.toml: `password_env` names an environment variable, and the
caller (the CLI or a flow, at the edge) reads it and passes the value in.
"""
from __future__ import annotations

import mimetypes
import smtplib
import ssl
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


def send(delivery: Delivery, msg: EmailMessage, password: str | None, timeout: float = 30,
         to: tuple[str, ...] = ()) -> list[str]:
    """Send over SMTP (STARTTLS or implicit TLS as configured); returns the recipients it went to."""
    if delivery.username and not password:
        raise DeliveryError(f"发送邮件需要密码：请设置环境变量 {delivery.password_env or '（township.toml 未写 password_env）'}")
    context = ssl.create_default_context()
    if delivery.smtp_port == IMPLICIT_TLS_PORT and not delivery.starttls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(delivery.smtp_host, delivery.smtp_port, timeout=timeout,
                                                context=context)
    else:
        client = smtplib.SMTP(delivery.smtp_host, delivery.smtp_port, timeout=timeout)
    with client:
        if delivery.starttls:
            client.starttls(context=context)
        if delivery.username:
            client.login(delivery.username, password or "")
        refused = client.send_message(msg)
    return [r for r in to or delivery.recipients if r not in refused]
