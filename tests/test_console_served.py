"""The console under a real `township serve`: its buttons start the served deployments through Prefect's
API (Prefect records the runs), the page lists them with Chinese states — a draft waiting for 审定 reads
待审定 — and a leader's 通过 in the console ends that waiting run."""
from __future__ import annotations

import re

import httpx
import pytest

from tests.console_helpers import PASSWORD, console_home, token
from tests.procs import clean_env, free_port, wait_for
from tests.serve_helpers import serving

pytestmark = pytest.mark.slow


def _client(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    login = client.get("/login")
    done = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token(login.text)})
    assert done.status_code in (200, 303), done.text
    return client


def _recorded(client: httpx.Client) -> str:
    page = client.get("/runs").text
    return page.split("运行记录（含定时运行）", 1)[1]


def test_runs_from_the_console_are_prefect_runs(tmp_path):
    home = console_home(tmp_path / "home")
    cport = free_port()
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    with serving(home.root, tmp_path, env, "--console-port", str(cport)) as (_, log):
        assert f"127.0.0.1:{cport}" in log.read_text(errors="replace")
        base = f"http://127.0.0.1:{cport}"
        op = _client(base, "operator1")
        csrf = token(op.get("/runs").text)
        started = op.post("/runs/start", data={"kind": "ingest", "csrf_token": csrf})
        page = op.get("/runs").text
        shown = re.sub(r"<[^>]+>", " ", page.split("<main>")[1])[:1500]
        assert "已启动，进度和结果见下方" in page and "Prefect" not in page, (started.status_code, shown)
        wait_for(lambda: re.search(r"入库</td><td>已完成", _recorded(op)), 180, "the ingest run", log, step=2)
        op.post("/runs/start", data={"kind": "draft", "year": "2024", "csrf_token": csrf})
        wait_for(lambda: re.search(r"年度草稿</td><td>待审定", _recorded(op)), 240, "the draft to wait", log, step=2)
        shown = _recorded(op)
        assert "Suspended" not in shown and "失败" not in shown and "Flow run" not in shown
        assert "已排队" not in shown            # the schedule's future runs are not listed as if queued
        _shot(base, "runs-served")

        leader = _client(base, "leader1")
        review = leader.get("/review")
        assert "待审定" in review.text
        done = leader.post("/review/decide", data={"csrf_token": token(review.text), "result": "approve",
                                                             "accept_open": "1"},
                           follow_redirects=True)
        assert "已审定签发" in done.text and "后台等待审定的运行已随之结束" in done.text, done.text[-1500:]
        wait_for(lambda: re.search(r"年度草稿</td><td>已定稿", _recorded(op)), 180, "the run to end", log, step=2)


def _shot(base: str, name: str) -> None:
    """With TOWNSHIP_SCREENSHOTS=DIR: the 运行 page as chromium shows it (the run that waits reads 待审定)."""
    import os
    from pathlib import Path

    folder = os.environ.get("TOWNSHIP_SCREENSHOTS")
    if not folder or not Path("/usr/bin/chromium").exists():
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "/login")
        page.fill("input[name=username]", "operator1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(base + "/runs")
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
        browser.close()
