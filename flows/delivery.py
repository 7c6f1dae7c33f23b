"""Delivery as Prefect tasks (flows/mailing.py does the sending): tried again only after what a retry can
mend (a mail server down or busy), never a refused login or a bad address."""
from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.mailing import MAIL_DELAYS, deliver_files, send_final, transient_smtp, wants_delivery

__all__ = ["deliver_task", "send_final_task", "wants_delivery"]


def _transient(_task, _run, state) -> bool:
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001
        return transient_smtp(exc)
    return False


deliver_task = task(deliver_files, name="deliver", cache_policy=NO_CACHE, retries=len(MAIL_DELAYS),
                    retry_delay_seconds=MAIL_DELAYS, retry_condition_fn=_transient)
send_final_task = task(send_final, name="deliver-final", cache_policy=NO_CACHE, retries=len(MAIL_DELAYS),
                       retry_delay_seconds=MAIL_DELAYS, retry_condition_fn=_transient)
