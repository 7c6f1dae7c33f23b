"""Starting the console: alone (`township console`) or beside Prefect in `township serve` (a thread of
its process). On any host but loopback it refuses to start while the home has no user."""
from __future__ import annotations

import threading
from pathlib import Path

from flows.console.users import has_users
from flows.server_auth import is_loopback

DEFAULT_PORT = 8420


class ConsoleRefused(Exception):
    """The console would be open to the network with nobody able to log in (or anybody, later)."""


def refusal(root: Path, host: str) -> str:
    """Why the console must not start on `host` ("" when it may)."""
    if is_loopback(host) or has_users(root):
        return ""
    return (f"工作台将在 {host} 上对局域网开放，但实例还没有任何用户，拒绝启动。请先添加用户："
            f"township user add 姓名 --role operator --home {root}（领导用 --role leader），再启动。")


def console_server(root: Path, host: str, port: int, served: bool = False):
    """A uvicorn server for the console (not started)."""
    import uvicorn

    from flows.console.app import build_app

    why = refusal(root, host)
    if why:
        raise ConsoleRefused(why)
    config = uvicorn.Config(build_app(root, served=served), host=host, port=port, log_level="warning",
                            access_log=False, server_header=False, proxy_headers=False)
    return uvicorn.Server(config)


def start_console_thread(root: Path, host: str, port: int) -> tuple[threading.Thread, object]:
    """The console beside `township serve`'s runner: a daemon thread (its signals stay serve's)."""
    server = console_server(root, host, port, served=True)
    server.install_signal_handlers = lambda: None  # serve handles Ctrl-C and SIGTERM
    thread = threading.Thread(target=server.run, name="township-console", daemon=True)
    thread.start()
    return thread, server


def console_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}/"
