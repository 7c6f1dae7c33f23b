"""Delivery at the edge: reads the password from the environment variable township.toml names, and
retries only what a retry can mend (a server down or busy), never a refused login or a bad address."""
from __future__ import annotations

import datetime as dt
import os
import smtplib
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.delivery.mail import DeliveryError, build_message, final_mail_text, mail_text, send
from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import record_delivery, version_by_id
from tasks.signoff.versions import local


def wants_delivery(home: Home, deliver: bool | None) -> bool:
    """None (a scheduled run): deliver when [delivery] is configured; True/False: as the operator said."""
    return deliver if deliver is not None else home.settings.delivery is not None


def deliver_files(home: Home, what: str, files: list[str], reviewers: bool = False,
                  text: tuple[str, str] | None = None, how_to_decide: str = "") -> list[str]:
    """To the leaders (`recipients`), or with `reviewers` a draft to those who review it (`reviewers`,
    when named; else the leaders). `text`: (subject, body) of the caller's own (the final copy's)."""
    delivery = home.settings.delivery
    if delivery is None:
        raise DeliveryError("township.toml 中没有 [delivery] 设置，未发送邮件（见 township.toml 中的示例）")
    password = os.environ.get(delivery.password_env) if delivery.password_env else None
    paths = [Path(f) for f in files]
    subject, body = text or mail_text(home.registry.township.name, what, paths, how_to_decide)
    to = delivery.reviewers if reviewers else ()
    return send(delivery, build_message(delivery, subject, body, paths, to), password, to=to)


def transient_smtp(_task, _run, state) -> bool:
    try:
        state.result()
    except smtplib.SMTPResponseException as exc:
        return 400 <= exc.smtp_code < 500  # 4xx: try again later; 5xx (bad login, refused): no
    except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError):
        return True
    except Exception:  # noqa: BLE001
        return False
    return False


deliver_task = task(deliver_files, name="deliver", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30,
                    retry_condition_fn=transient_smtp)


def send_final(home: Home, version_id: int) -> list[str]:
    """The signed report (定稿, with its PDF) to the leaders, byte for byte the files in outbox/; the
    delivery is recorded on its version."""
    with open_ledger(home.database_url) as engine:
        v = version_by_id(engine, version_id)
    files = [p for p in (v.final_path, v.pdf_path) if p]
    what = Path(v.final_path or "").stem.split("-")[0] or f"{v.year}年法治政府建设情况报告（定稿）"
    signed_on = local(v.decided_at, home.settings.schedules.timezone).split(" ")[0]
    text = final_mail_text(home.registry.township.name, what, [Path(f) for f in files], v.decided_by or "",
                           signed_on)
    sent = deliver_files(home, what, files, text=text)
    with open_ledger(home.database_url) as engine:
        record_delivery(engine, version_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), sent)
    return sent


send_final_task = task(send_final, name="deliver-final", cache_policy=NO_CACHE, retries=2,
                       retry_delay_seconds=30, retry_condition_fn=transient_smtp)
