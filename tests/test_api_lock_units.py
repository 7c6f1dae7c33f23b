"""The pieces of serve's lock (issue 22, item 2) without a server: the home's auth string (made once,
readable by its owner only), which clients get it, the address a LAN's browsers are given, serve
refusing an unauthenticated server of someone else's, and a template that is a name, never a path."""
from __future__ import annotations

import os
import shutil
import stat
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.server import forget_server, record_server, use_home_server
from flows.server_auth import ExposureError, auth_path, check_external, home_auth_string, public_api_url, ui_origins
from tasks.drafts.annual import TemplateMissing, template_for
from templates import ANNUAL_REPORT
from tests.helpers import VILLAGE, make_home


def test_the_auth_string_is_made_once_and_readable_by_its_owner_only(tmp_path):
    first = home_auth_string(tmp_path)
    path = auth_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and first.startswith("township:") and len(first) > 40
    assert home_auth_string(tmp_path) == first                     # kept: the UI's login stays valid
    assert home_auth_string(make_home(tmp_path / "other").root) != first
    os.chmod(path, 0o644)                                          # a copy made readable by others
    assert home_auth_string(tmp_path) == first and stat.S_IMODE(path.stat().st_mode) == 0o600


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        self.send_response(200 if self.path.endswith("/health") else 404)
        self.end_headers()

    def log_message(self, *_args):
        pass


def test_one_shot_commands_get_the_auth_string_for_serves_server_only(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_AUTH_STRING", raising=False)
    auth = home_auth_string(tmp_path)
    server = HTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{server.server_port}/api"
    try:
        record_server(tmp_path, api)
        assert use_home_server(tmp_path) == api and os.environ["PREFECT_API_AUTH_STRING"] == auth
        monkeypatch.delenv("PREFECT_API_AUTH_STRING")
        monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere:4200/api")   # someone else's server
        assert use_home_server(tmp_path) == "http://elsewhere:4200/api" and "PREFECT_API_AUTH_STRING" not in os.environ
        monkeypatch.setenv("PREFECT_API_URL", api)                           # serve's, named explicitly
        assert use_home_server(tmp_path) == api and os.environ["PREFECT_API_AUTH_STRING"] == auth
    finally:
        server.shutdown()
        forget_server(tmp_path)


def test_a_lan_host_is_given_an_address_its_browsers_can_reach():
    assert public_api_url("192.168.1.5", 4200, None) == "http://192.168.1.5:4200/api"
    assert public_api_url("0.0.0.0", 4200, "http://192.168.1.5:4200/") == "http://192.168.1.5:4200/api"
    assert public_api_url("0.0.0.0", 4200, "https://township.county/xiatang") == "https://township.county/xiatang/api"
    for host, public in (("0.0.0.0", None), ("::", None), ("0.0.0.0", "ftp://x"), ("0.0.0.0", "192.168.1.5")):
        with pytest.raises(ExposureError, match="--public-url"):
            public_api_url(host, 4200, public)
    assert ui_origins("http://192.168.1.5:4200/api") == ["http://192.168.1.5:4200", "http://127.0.0.1:4200",
                                                         "http://localhost:4200"]


def test_serve_refuses_another_server_without_an_auth_string(monkeypatch):
    monkeypatch.delenv("PREFECT_API_AUTH_STRING", raising=False)
    said = check_external("http://10.0.0.5:4200/api", "127.0.0.1")
    assert said and "PREFECT_API_AUTH_STRING" in said and "PREFECT_SERVER_API_AUTH_STRING" in said


def _left_in_the_inbox(home):
    """A .docx a clerk left in the inbox (a valid template, by design), in a home that has templates of
    its own (adopted ones: <home>/templates/ exists, so templates/../inbox/… resolves)."""
    left = home.template_dir(VILLAGE) / "报告.docx"
    left.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ANNUAL_REPORT, left)
    (home.root / "templates").mkdir(exist_ok=True)
    shutil.copyfile(ANNUAL_REPORT, home.root / "templates" / "2024年报告.docx")
    return left


def test_a_template_is_a_name_of_the_homes_templates_never_a_path(tmp_path):
    home = make_home(tmp_path / "home")
    left = _left_in_the_inbox(home)
    assert template_for(home.root, "2024年报告") == home.root / "templates" / "2024年报告.docx"
    for name in (f"../inbox/{VILLAGE}/模板/报告", str(left.with_suffix("")), "..\\报告", "..", ".报告", "a/b"):
        with pytest.raises(TemplateMissing, match="不能含路径"):
            template_for(home.root, name)
    with pytest.raises(TemplateMissing, match="没有名为“报告”.*2024年报告"):
        template_for(home.root, "报告")


def test_report_refuses_a_template_path_in_chinese(tmp_path):
    home = make_home(tmp_path / "home")
    _left_in_the_inbox(home)
    result = CliRunner().invoke(app, ["report", "--home", str(home.root), "--year", "2024",
                                      "--template", f"../inbox/{VILLAGE}/模板/报告"])
    assert result.exit_code == 2 and "不能含路径" in result.output, result.output
    assert not list(home.outbox.glob("*.docx"))    # unchanged code rendered the clerk's file here
