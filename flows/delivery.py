"""Delivery at the edge: reads the password from the environment variable township.toml names, and
retries only what a retry can mend (a server down or busy), never a refused login or a bad address."""
from __future__ import annotations

import os
import smtplib
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.delivery.mail import DeliveryError, build_message, mail_text, send
from tasks.home import Home


def wants_delivery(home: Home, deliver: bool | None) -> bool:
    """None (a scheduled run): deliver when [delivery] is configured; True/False: as the operator said."""
    return deliver if deliver is not None else home.settings.delivery is not None


def deliver_files(home: Home, what: str, files: list[str]) -> list[str]:
    delivery = home.settings.delivery
    if delivery is None:
        raise DeliveryError("township.toml 中没有 [delivery] 设置，未发送邮件（见 township.toml 中的示例）")
    password = os.environ.get(delivery.password_env) if delivery.password_env else None
    paths = [Path(f) for f in files]
    subject, body = mail_text(home.registry.township.name, what, paths)
    return send(delivery, build_message(delivery, subject, body, paths), password)


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
