"""What every console page is made with: the templates (autoescaped), a page's response with its safe
headers, the guard each route wears (login, role, CSRF, body size) and the township's today. The app
itself (routes, middleware) is flows/console/app.py, which imports the pages; they import this."""
from __future__ import annotations

import datetime as dt
from functools import wraps
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from flows.console.auth import csrf_ok, csrf_token, current_user, to_login
from tasks.home import township_today

HERE = Path(__file__).parent
MAX_FORM = 25 * 1024 * 1024   # bytes of one POST body: a 修改稿 and its fields


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    from markupsafe import Markup

    from flows.console.grid import cells_html

    env.filters["cells"] = lambda cells: Markup(cells_html(cells))
    return env


def page(request: Request, template: str, status: int = 200, **values) -> HTMLResponse:
    values.setdefault("user", getattr(request.state, "user", None))
    html = request.app.state.env.get_template(template).render(csrf=csrf_token(request), path=request.url.path,
                                                           **values)
    return HTMLResponse(html, status_code=status, headers=SAFE_HEADERS)


SAFE_HEADERS = {"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                "img-src 'self' data:; object-src 'none'; frame-src 'self'; frame-ancestors 'self'",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                "Cache-Control": "no-store"}


def guarded(leader: bool = False):
    """A route for logged-in users (leaders only when `leader`); its POSTs must carry the CSRF token."""
    def wrap(fn):
        @wraps(fn)
        async def route(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                return to_login(request)
            request.state.user = user
            if leader and not user.leader:
                return page(request, "denied.html", status=403)
            if request.method == "POST":
                too_big = int(request.headers.get("content-length") or 0) > MAX_FORM
                if too_big:
                    return PlainTextResponse("提交的内容过大", status_code=413)
                form = await request.form(max_part_size=MAX_FORM)
                if not csrf_ok(request, form.get("csrf_token")):
                    return PlainTextResponse("页面已过期或来源不明（缺少校验码），请刷新页面后重试。", status_code=403)
                request.state.form = form
            return await fn(request)
        return route
    return wrap


def today(request: Request) -> dt.date:
    return township_today(request.app.state.home)
