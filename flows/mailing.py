"""Delivery at the edge: reads the password from the environment variable township.toml names, and
retries only what a retry can mend (a server down or busy), never a refused login or a bad address.
Free of Prefect: a one-shot command without a server sends the same way (flows/delivery.py makes
these Prefect tasks)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import smtplib
from pathlib import Path

from tasks.delivery.mail import DeliveryError, build_message, final_mail_text, mail_text, send
from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import record_delivery, version_by_id
from tasks.signoff.integrity import delivery_problem
from tasks.signoff.versions import local


def wants_delivery(home: Home, deliver: bool | None) -> bool:
    """None (a scheduled run): deliver when [delivery] is configured; True/False: as the operator said."""
    return deliver if deliver is not None else home.settings.delivery is not None


def deliver_files(home: Home, what: str, files: list[str], reviewers: bool = False,
                  text: tuple[str, str] | None = None, how_to_decide: str = "",
                  signed: dict[str, str] | None = None) -> list[str]:
    """To the leaders (`recipients`), or with `reviewers` a draft to those who review it (`reviewers`,
    when named; else the leaders). `text`: (subject, body) of the caller's own (the final copy's).
    `signed`: file name → sha256 the attached bytes must have (the final copy's, as the ledger holds)."""
    delivery = home.settings.delivery
    if delivery is None:
        raise DeliveryError("township.toml 中没有 [delivery] 设置，未发送邮件（见 township.toml 中的示例）")
    password = os.environ.get(delivery.password_env) if delivery.password_env else None
    paths = [Path(f) for f in files]
    subject, body = text or mail_text(home.registry.township.name, what, paths, how_to_decide)
    to = delivery.reviewers if reviewers else ()
    message = build_message(delivery, subject, body, paths, to)
    for part in message.iter_attachments() if signed is not None else ():  # the bytes that go, not a look before
        if hashlib.sha256(part.get_content()).hexdigest() != signed.get(part.get_filename()):
            raise DeliveryError(f"“{part.get_filename()}”在签发后被改动过（与台账记录的 sha256 不符），未发送邮件")
    return send(delivery, message, password, to=to)


def transient_smtp(exc: BaseException) -> bool:
    """A fault of the mail server a later try may mend."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500  # 4xx: try again later; 5xx (bad login, refused): no
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError))


MAIL_DELAYS = [30, 30]  # a busy or restarting mail server: tried twice more, half a minute apart


def send_final(home: Home, version_id: int) -> list[str]:
    """The signed report (定稿, with its PDF) to the leaders, byte for byte the files in outbox/ — and
    only while they are byte for byte what was signed (the hashes the ledger holds); the delivery is
    recorded on its version."""
    with open_ledger(home.database_url) as engine:
        v = version_by_id(engine, version_id)
    if problem := delivery_problem(v):
        raise DeliveryError(problem)
    files = [p for p in (v.final_path, v.pdf_path) if p]
    what = Path(v.final_path or "").stem.split("-")[0] or f"{v.year}年法治政府建设情况报告（定稿）"
    signed_on = local(v.decided_at, home.settings.schedules.timezone).split(" ")[0]
    text = final_mail_text(home.registry.township.name, what, [Path(f) for f in files], v.decided_by or "",
                           signed_on)
    hashes = {Path(p).name: h for p, h in ((v.final_path, v.final_sha256), (v.pdf_path, v.pdf_sha256)) if p and h}
    sent = deliver_files(home, what, files, text=text, signed=hashes)
    with open_ledger(home.database_url) as engine:
        record_delivery(engine, version_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), sent)
    return sent


def deliver_draft(home: Home, draft: str, address: str = "", how_to_decide: str = "") -> list[str]:
    """A draft to its reviewers (`reviewers`; none named: the leaders), saying it is a draft, where to
    review it (`address`) and what is still open; a year with no or little data says so first."""
    from tasks.delivery.draft_mail import draft_mail
    from tasks.drafts.annual import draft_subject
    from tasks.home import township_today
    from tasks.ledger.reports import versions
    from tasks.signoff.open_now import open_of_draft

    path = Path(draft)
    with open_ledger(home.database_url) as engine:
        version = next((v for v in reversed(versions(engine)) if Path(v.draft_path) == path), None)
    items = open_of_draft(home, version, township_today(home)) if version else None
    text = draft_mail(home.registry.township.name, draft_subject(path), [path], items, address, how_to_decide)
    return deliver_files(home, text[0], [draft], reviewers=True, text=text)
