"""Who may see what: the session (a signed cookie that expires), the CSRF token every changing form
carries, and login attempts slowed after failures. Plain helpers the routes call at their top."""
from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flows.console.users import User, user_named

SESSION_S = 8 * 3600          # a working day; then the console asks for the password again
FREE_FAILURES = 3             # wrong passwords before the answers slow down
MAX_DELAY_S = 8.0


@dataclass
class Throttle:
    """Failures per user name and per address; each failure past FREE_FAILURES doubles the wait."""
    failures: dict[str, int] = field(default_factory=dict)

    def delay(self, keys: tuple[str, ...]) -> float:
        n = max((self.failures.get(k, 0) for k in keys), default=0)
        return 0.0 if n < FREE_FAILURES else min(MAX_DELAY_S, 0.25 * 2 ** (n - FREE_FAILURES))

    def failed(self, keys: tuple[str, ...]) -> None:
        for k in keys:
            self.failures[k] = self.failures.get(k, 0) + 1

    def passed(self, keys: tuple[str, ...]) -> None:
        for k in keys:
            self.failures.pop(k, None)


async def slow_down(throttle: Throttle, keys: tuple[str, ...]) -> None:
    wait = throttle.delay(keys)
    if wait:
        await asyncio.sleep(wait)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, sent: object) -> bool:
    token = request.session.get("csrf")
    return bool(token) and isinstance(sent, str) and hmac.compare_digest(token, sent)


def log_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session.update({"user": user.name, "at": int(time.time()), "csrf": secrets.token_urlsafe(32)})


def current_user(request: Request) -> User | None:
    """The logged-in user, if the session is fresh and the user still exists with a role."""
    name, at = request.session.get("user"), request.session.get("at", 0)
    if not name or time.time() - at > SESSION_S:
        return None
    return user_named(request.app.state.root, name)


def to_login(request: Request) -> Response:
    return RedirectResponse("/login", status_code=303)
