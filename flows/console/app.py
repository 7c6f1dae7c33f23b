"""The console's Starlette app: its routes, the session middleware, the templates (autoescaped: no
clerk's text reaches a page as markup), and the guard every route passes through — a session, the
role, and on POST the form's CSRF token."""
from __future__ import annotations

import datetime as dt
from functools import wraps
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from flows.console.auth import SESSION_S, Throttle, csrf_ok, csrf_token, current_user, to_login
from flows.console.runs import Journal
from flows.console.users import console_dir, secret_key
from tasks.home import open_home, township_today

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


def build_app(root: Path, served: bool = False) -> Starlette:
    """`served`: started by `township serve`, whose Prefect server records the runs started here."""
    from flows.console import actions, pages

    root = root.resolve()
    routes = [
        Route("/login", actions.login, methods=["GET", "POST"]),
        Route("/logout", actions.logout, methods=["POST"]),
        Route("/", pages.progress),
        Route("/submission/{sid:int}", pages.submission),
        Route("/submission/{sid:int}/{what:str}", pages.submission_file),
        Route("/chase", pages.chase),
        Route("/files", pages.files),
        Route("/files/{fid:str}", pages.file_download),
        Route("/runs", actions.runs_page),
        Route("/runs/start", actions.start_run, methods=["POST"]),
        Route("/review", actions.review_page),
        Route("/review/decide", actions.decide, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=secret_key(root), session_cookie="township_console",
                             max_age=SESSION_S, same_site="strict", https_only=False)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.root = root
    app.state.home = open_home(root)
    app.state.env = make_env()
    app.state.throttle = Throttle()
    app.state.journal = Journal(console_dir(root) / "runs.json")
    app.state.served = served
    app.state.results = {}        # a decision's outcome, shown once on the 审定 page after its redirect
    app.state.file_key = secret_key(root)
    return app
