"""The console's Starlette app: its routes and the session middleware. What each page is made with —
the autoescaped templates (no clerk's text reaches a page as markup) and the guard every route passes
through (a session, the role, and on POST the form's CSRF token) — is flows/console/web.py."""
from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from flows.console.auth import SESSION_S, Throttle
from flows.console.runs import Journal
from flows.console.users import console_dir, secret_key
from flows.console.web import HERE, make_env
from tasks.home import open_home


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
