"""Faults of the program or its surroundings (bad data is never an exception: it is a finding).

Terminal vs transient (dlt's split, STYLE.md): a transient fault may pass if tried again (a busy
database, a file held by an open Excel, a network share gone for a moment); a terminal one will not.
"""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError


class TownshipError(Exception):
    """A fault this program knows how to describe."""


class TransientError(TownshipError):
    """Worth retrying."""


class TerminalError(TownshipError):
    """Retrying will not help."""


TRANSIENT_DB_WORDS = ("database is locked", "database is busy", "could not connect", "connection refused",
                      "server closed the connection", "timeout")


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, (OperationalError, DBAPIError)):
        text = str(exc).lower()
        return bool(getattr(exc, "connection_invalidated", False)) or any(w in text for w in TRANSIENT_DB_WORDS)
    return isinstance(exc, (ConnectionError, TimeoutError))
