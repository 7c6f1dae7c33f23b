"""The console in a real browser: Debian's chromium driven by Playwright, against the console served by
uvicorn on loopback for a real home. Set TOWNSHIP_SCREENSHOTS=DIR to keep a screenshot of each page."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import docx
import pytest

from tests.console_helpers import PASSWORD, SCRIPT, console_home
from tests.helpers import OTHER, drop

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():  # .ci/system-deps installs it (make test); said, never silently passed
    pytest.skip(f"{CHROMIUM} 未安装：请运行 .ci/system-deps all", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402 — after the skip: chromium first


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The console of a home with every state of the grid, served on loopback."""
    import uvicorn

    from flows.console.app import build_app

    home = console_home(tmp_path_factory.mktemp("browser") / "home")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(build_app(home.root), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "工作台未能启动"
        time.sleep(0.05)
    yield home, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("TOWNSHIP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _login(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("报送进度")
    return page


def test_no_session_goes_to_login(site, browser):
    _, url = site
    page = browser.new_page()
    page.goto(url + "/runs")
    assert page.url.endswith("/login")
    expect(page.locator("h1")).to_have_text("登录")
    _shot(page, "login")
    page.close()


def test_operator_sees_the_grid_and_cannot_reach_review(site, browser):
    _, url = site
    page = _login(browser, url, "operator1")
    page.goto(url + "/?year=2024")
    row = page.locator("tr", has=page.locator("th.unit", has_text="下汤村"))
    assert row.locator("td").nth(2).inner_text() == "按时" and row.locator("td").nth(4).inner_text() == "逾期"
    office = page.locator("tr", has=page.locator("th.unit", has_text="下汤镇司法所"))
    assert office.locator("td").nth(2).inner_text() == "退回"
    assert page.locator("tr", has=page.locator("th.unit", has_text="松垛村")).locator("td").nth(2).inner_text() == "有提示"
    _shot(page, "progress")
    page.emulate_media(media="print")       # on A4 (210 mm less 2 × 15 mm margins: 680 CSS px) nothing is cut
    page.set_viewport_size({"width": 680, "height": 960})
    assert page.locator("table.grid").bounding_box()["width"] <= 680
    assert page.locator("nav").is_hidden()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator("nav a", has_text="审定").count() == 0
    page.goto(url + "/review")
    expect(page.locator("h1")).to_have_text("无权访问")
    _shot(page, "denied")
    page.goto(url + "/chase?period=2024-03")
    expect(page.locator("#notice")).to_contain_text("【催报提醒】")
    _shot(page, "chase")
    page.context.close()


def test_a_clerks_script_shows_as_text(site, browser):
    _, url = site
    page = _login(browser, url, "operator1")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url + "/?year=2024")
    office = page.locator("tr", has=page.locator("th.unit", has_text="下汤镇司法所"))
    office.locator("td").nth(3).locator("a").click()
    expect(page.locator("h1")).to_contain_text("2024-04")
    assert SCRIPT in page.locator("main").inner_text()
    _shot(page, "submission")
    assert dialogs == []
    page.context.close()


def test_post_without_csrf_is_refused(site, browser):
    _, url = site
    page = _login(browser, url, "operator1")
    page.goto(url + "/runs")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.locator("button", has_text="立即入库").click()
    expect(page.locator("body")).to_contain_text("校验码")
    page.context.close()


def test_ingest_and_draft_from_the_runs_page(site, browser, tmp_path):
    home, url = site
    drop(home, name="松垛村-2024-07.xlsx", unit=OTHER, period="2024-07")
    page = _login(browser, url, "operator1")
    page.click("nav >> text=运行")
    page.locator("button", has_text="立即入库").click()
    expect(page.locator("table.list tbody tr").first).to_contain_text("已完成", timeout=120_000)
    expect(page.locator("table.list tbody tr").first).to_contain_text("收到 1 个文件")
    page.goto(url + "/?year=2024")
    page.locator("tr", has=page.locator("th.unit", has_text="松垛村")).locator("td").nth(6).locator("a").click()
    expect(page.locator("a", has_text="下载回执")).to_be_visible()
    page.click("nav >> text=运行")
    page.fill("input[name=year]", "2024")
    page.locator("button", has_text="生成年度报告草稿").click()
    first = page.locator("table.list tbody tr").first
    expect(first).to_contain_text("已完成", timeout=180_000)
    _shot(page, "runs")
    with page.expect_download() as got:
        first.locator("a").first.click()
    saved = tmp_path / "draft.docx"
    got.value.save_as(saved)
    assert any("法治" in p.text for p in docx.Document(str(saved)).paragraphs)
    page.click("nav >> text=文件")
    _shot(page, "files")
    page.context.close()


def test_leader_returns_then_approves_and_the_signed_copy_is_under_files(site, browser, tmp_path):
    home, url = site
    from tests.signoff_helpers import edited_copy

    _draft_from_runs(browser, url)
    page = _login(browser, url, "leader1")
    page.click("nav >> text=审定")
    expect(page.locator("h1")).to_contain_text("年度报告")
    _shot(page, "review")
    page.fill("textarea[name=opinion]", "请核实调解数")
    page.locator("button", has_text="退回修改").click()
    expect(page.locator("p.done").first).to_contain_text("已退回")
    # the operator drafts again; the leader approves staff's edited copy
    _draft_from_runs(browser, url)
    page.goto(url + "/review")
    expect(page.locator("h1")).to_contain_text("（草稿）")
    expect(page.locator("ol.todo")).to_contain_text("请核实调解数")
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions

    with open_ledger(home.database_url) as engine:
        latest = versions(engine, 2024)[-1]
    edited = edited_copy(Path(latest.draft_path), tmp_path / "修改稿.docx", "群众反映良好。")
    page.set_input_files("input[name=edited]", str(edited))
    expect(page.locator("#chosen")).to_contain_text("修改稿.docx")
    expect(page.locator("main")).to_contain_text("缺报的月报表")
    page.check("input[name=accept_open]")
    page.locator("button", has_text="通过").click()
    expect(page.locator("p.done").first).to_contain_text("已审定签发")
    page.click("nav >> text=文件")
    with open_ledger(home.database_url) as engine:
        signed = versions(engine, 2024)[-1]
    assert signed.state == "signed"
    expect(page.locator("table.list")).to_contain_text(Path(signed.final_path).name)
    _shot(page, "files-signed")
    page.context.close()


def _draft_from_runs(browser, url: str) -> None:
    op = _login(browser, url, "operator1")
    op.click("nav >> text=运行")
    op.fill("input[name=year]", "2024")
    op.locator("button", has_text="生成年度报告草稿").click()
    expect(op.locator("table.list tbody tr").first).to_contain_text("已完成", timeout=180_000)
    op.context.close()
