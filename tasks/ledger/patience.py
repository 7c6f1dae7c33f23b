"""Waiting out a passing fault of the ledger's server (a fast restart, a dropped connection, a lock held
a while), for a bounded time: then the fault goes up, to be said in Chinese at the edge."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from tasks.errors import is_transient

T = TypeVar("T")
LEDGER_WAIT_S = 60.0


def patiently(fn: Callable[[], T], wait_s: float = LEDGER_WAIT_S) -> T:
    """fn(), tried again on a transient fault in growing steps (0.5 s … 10 s) for at most `wait_s`."""
    retrying = Retrying(stop=stop_after_delay(wait_s), wait=wait_exponential(multiplier=0.5, max=10),
                        retry=retry_if_exception(is_transient), reraise=True)
    return retrying(fn)
