"""The lock on `township serve`'s Prefect API (issue 22): whoever can call that API can start the home's
flows, read every clerk's data in the artifacts and resume the runs that wait for 审定 — so no call is
answered without the home's auth string.

- The auth string is made once per home (`secrets`), kept in <home>/.prefect/auth (mode 0600): the
  server requires it (PREFECT_SERVER_API_AUTH_STRING); serve's own process, its runner's flow runs and
  the one-shot commands of the same home send it (PREFECT_API_AUTH_STRING). A web page in the office's
  browser does not know it: neither a cross-site request nor a DNS-rebinding page (a foreign Host
  answered as if it were ours) gets past /health.
- CORS names the UI's own origin instead of `*`, and CSRF protection is on (Prefect's clients and its UI
  fetch a token per client; a page elsewhere cannot).
- Listening beyond the loopback needs a reachable API address for the browsers that open the UI.

Only the edge calls these (they read and write the environment and the home's files).
"""
from __future__ import annotations

import ipaddress
import os
import secrets
import stat
from pathlib import Path
from urllib.parse import urlsplit

PREFECT_DIR = ".prefect"
AUTH_FILE = "auth"
AUTH_USER = "township"   # Prefect's basic auth compares the whole "user:password" string


class ExposureError(Exception):
    """Serving that would leave the API open, or an address nobody can reach; terminal (exit 2)."""


def auth_path(root: Path) -> Path:
    return root / PREFECT_DIR / AUTH_FILE


def home_auth_string(root: Path) -> str:
    """The home's auth string, made on first use: created exclusively with mode 0600 (never readable by
    others, even for a moment), then kept; a copy made readable by others is narrowed back to 0600."""
    path = auth_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        kept = read_auth_string(root)
        if kept:
            return kept
        path.unlink()   # empty or unreadable as text (a crash between create and write): made anew
        return home_auth_string(root)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(f"{AUTH_USER}:{secrets.token_urlsafe(32)}\n")
    return read_auth_string(root) or ""


def read_auth_string(root: Path) -> str | None:
    path = auth_path(root)
    try:
        if os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            os.chmod(path, 0o600)
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def server_settings(auth: str, public_api: str) -> dict[str, str]:
    """The environment of the Prefect server serve starts: auth required, CSRF on, CORS to its UI only."""
    return {
        "PREFECT_SERVER_API_AUTH_STRING": auth,
        "PREFECT_API_AUTH_STRING": auth,          # the server's own calls to its API, if any
        "PREFECT_SERVER_CSRF_PROTECTION_ENABLED": "true",
        "PREFECT_SERVER_CORS_ALLOWED_ORIGINS": ",".join(ui_origins(public_api)),
        "PREFECT_UI_API_URL": public_api,
    }


def use_auth(auth: str) -> None:
    """This process and what it starts (the runner's flow runs inherit the environment) call with the
    auth string, and fetch CSRF tokens (Prefect's client default; set in case a profile turned it off)."""
    os.environ["PREFECT_API_AUTH_STRING"] = auth
    os.environ["PREFECT_CLIENT_CSRF_SUPPORT_ENABLED"] = "true"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def ui_origins(public_api: str) -> list[str]:
    """The UI's own origin, and the loopback names of the same port (the office PC's own browser)."""
    parts = urlsplit(public_api)
    found = [origin_of(public_api)]
    for name in ("127.0.0.1", "localhost"):
        found.append(f"{parts.scheme}://{name}:{parts.port or (443 if parts.scheme == 'https' else 80)}")
    return list(dict.fromkeys(found))


def public_api_url(host: str, port: int, public_url: str | None) -> str:
    """The API address the UI's browsers are given: --public-url, else the address listened on; for a
    wildcard address (0.0.0.0, ::) there is none to guess, and a browser elsewhere told 127.0.0.1 would
    call its own machine."""
    if public_url:
        parts = urlsplit(public_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ExposureError(f"--public-url “{public_url}” 不是有效地址：应形如 http://192.168.1.5:{port}")
        path = parts.path.rstrip("/")
        return f"{parts.scheme}://{parts.netloc}{path if path.endswith('/api') else path + '/api'}"
    if host in ("0.0.0.0", "::", ""):
        raise ExposureError(f"--host {host or '（空）'} 监听所有地址，但界面需要一个其他电脑能访问的 API 地址："
                            f"请用 --public-url 给出本机在局域网中的地址，例如 --public-url http://192.168.1.5:{port}")
    name = f"[{host}]" if ":" in host else host
    return f"http://{name}:{port}/api"


def check_external(api: str, host: str) -> str | None:
    """serve reusing a server it did not start (PREFECT_API_URL): its clients need that server's auth
    string, which only the operator knows. None: use it; otherwise why serve refuses (in Chinese)."""
    auth = os.environ.get("PREFECT_API_AUTH_STRING")
    if not auth:
        where = "（且 --host 不是本机回环地址）" if not is_loopback(host) else ""
        return (f"PREFECT_API_URL={api} 指向已运行的 Prefect 服务{where}，但未设置 PREFECT_API_AUTH_STRING："
                "没有认证串的 Prefect 服务，任何能访问它的人（包括浏览器里的网页）都能启动流程、读取报表、代领导审定。"
                "请在该服务上设置 PREFECT_SERVER_API_AUTH_STRING，并在此设置相同的 PREFECT_API_AUTH_STRING；"
                "或不设置 PREFECT_API_URL，由 township serve 启动本实例自己的、带认证的服务")
    answer = answers(api, auth)
    if answer == 401:
        return f"Prefect 服务 {api} 拒绝了 PREFECT_API_AUTH_STRING 给出的认证串：请核对后重试"
    return None


def auth_header(auth: str | None) -> dict[str, str]:
    """The header Prefect's clients send (basic auth of the whole string, as the server compares it)."""
    import base64

    return {"Authorization": "Basic " + base64.b64encode(auth.encode("utf-8")).decode("ascii")} if auth else {}


def answers(api: str, auth: str | None, timeout: float = 5.0) -> int | None:
    """The status an authenticated GET of the API gets (200, 401 …); None: no answer."""
    import httpx

    try:
        return httpx.get(api.rstrip("/") + "/admin/version", headers=auth_header(auth), timeout=timeout).status_code
    except httpx.HTTPError:
        return None
