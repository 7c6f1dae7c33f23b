"""The console at the HTTP level (Starlette's TestClient, a real home and ledger): every route, who may
reach it, the CSRF check, escaping, ids instead of paths."""
from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook

from flows.console.users import check_password, users_path
from tests.console_helpers import PASSWORD, SCRIPT, client_for, console_home, grid_row, token

GETS = ["/", "/?year=2024", "/submission/1", "/submission/1/receipt", "/submission/1/original", "/chase",
        "/files", "/files/0123456789abcdef01234567", "/runs", "/review"]
POSTS = ["/runs/start", "/review/decide", "/logout"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    return console_home(tmp_path_factory.mktemp("console") / "home")


def test_passwords_are_stored_hashed(shared):
    text = users_path(shared.root).read_text(encoding="utf-8")
    assert PASSWORD not in text and "$argon2" in text
    assert check_password(shared.root, "leader1", PASSWORD).role == "leader"
    assert check_password(shared.root, "leader1", "wrong-password") is None
    assert check_password(shared.root, "nobody", PASSWORD) is None


@pytest.mark.parametrize("route", GETS)
def test_without_a_session_every_page_sends_to_login(shared, route):
    answer = client_for(shared.root).get(route, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


@pytest.mark.parametrize("route", POSTS)
def test_without_a_session_no_post_is_taken(shared, route):
    answer = client_for(shared.root).post(route, data={"kind": "ingest"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_login_page_and_wrong_password(shared):
    client = client_for(shared.root)
    page = client.get("/login")
    assert page.status_code == 200 and "登录" in page.text and 'name="csrf_token"' in page.text
    bad = client.post("/login", data={"username": "operator1", "password": "nope", "csrf_token": token(page.text)})
    assert bad.status_code == 401 and "用户名或密码不对" in bad.text


def test_login_without_csrf_is_refused(shared):
    client = client_for(shared.root)
    client.get("/login")
    answer = client.post("/login", data={"username": "operator1", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303   # still not logged in


def test_failed_logins_are_slowed(shared):
    client = client_for(shared.root)
    form = {"username": "leader1", "password": "wrong", "csrf_token": token(client.get("/login").text)}
    for _ in range(4):
        client.post("/login", data=form)
    started = time.perf_counter()
    client.post("/login", data=form)
    assert time.perf_counter() - started >= 0.5   # the fifth wrong answer waits (0.25 s doubled)
    started = time.perf_counter()
    good = client.post("/login", data={**form, "password": PASSWORD}, follow_redirects=False)
    assert good.status_code == 303                 # the right password still gets in, after its wait
    client.app.state.throttle.failures.clear()


def test_post_without_csrf_is_refused_and_starts_nothing(shared):
    client = client_for(shared.root, "operator1")
    answer = client.post("/runs/start", data={"kind": "ingest"})
    assert answer.status_code == 403 and "校验码" in answer.text
    wrong = client.post("/runs/start", data={"kind": "ingest", "csrf_token": "forged"})
    assert wrong.status_code == 403
    assert client.app.state.journal.jobs == []


def test_grid_shows_the_ledger_states(shared):
    page = client_for(shared.root, "operator1").get("/?year=2024")
    assert page.status_code == 200
    assert grid_row(page.text, "下汤村")[2:5] == ["按时", "未报", "逾期"]
    assert grid_row(page.text, "松垛村")[2] == "有提示"
    assert grid_row(page.text, "下汤镇司法所")[2:4] == ["退回", "退回"]
    assert grid_row(page.text, "下汤镇司法所")[0] == "未报"
    assert "English" not in page.text and "审定" not in page.text   # an operator's menu has no 审定
    assert "2024年月报表报送进度" in client_for(shared.root, "operator1").get("/").text  # the newest year held


def test_submission_page_findings_versions_and_downloads(shared):
    client = client_for(shared.root, "operator1")
    grid = client.get("/?year=2024").text
    sid = int(__import__("re").search(r'<td class="s-warning"><a href="/submission/(\d+)"', grid)[1])
    page = client.get(f"/submission/{sid}")
    assert page.status_code == 200 and "报表!E7" in page.text and "提示" in page.text
    assert "松垛村-2024-03.xlsx" in page.text
    receipt = client.get(f"/submission/{sid}/receipt")
    assert receipt.status_code == 200
    assert "校验结果" in load_workbook(io.BytesIO(receipt.content)).sheetnames
    original = client.get(f"/submission/{sid}/original")
    assert original.status_code == 200 and original.content[:2] == b"PK"
    assert "filename*=utf-8''" in original.headers["content-disposition"]
    assert client.get(f"/submission/{sid}/archive").status_code == 404
    assert client.get("/submission/99999").status_code == 404


def test_a_clerks_script_shows_as_text(shared):
    client = client_for(shared.root, "operator1")
    html = client.get("/?year=2024").text
    ids = __import__("re").findall(r'<td class="s-rejected"><a href="/submission/(\d+)"', html)
    pages = [client.get(f"/submission/{i}").text for i in ids]
    shown = [p for p in pages if "&lt;script&gt;alert(1)&lt;/script&gt;" in p]
    assert shown and all(SCRIPT not in p for p in pages)


def test_chase_lists_missing_units_and_the_notice(shared):
    client = client_for(shared.root, "operator1")
    page = client.get("/chase?period=2024-03")
    assert page.status_code == 200 and "【催报提醒】" in page.text
    assert "下汤镇司法所" in page.text and "data-copy" in page.text   # rejected: to chase
    table = page.text.split("<tbody>")[1].split("</tbody>")[0]
    assert "下汤村" not in table                                      # reported on time
    bad = client.get("/chase?period=明年")
    assert bad.status_code == 400 and "无法识别" in bad.text


def test_operator_cannot_reach_review(shared):
    client = client_for(shared.root, "operator1")
    assert client.get("/review").status_code == 403
    form = {"csrf_token": token(client.get("/runs").text), "result": "approve"}
    assert client.post("/review/decide", data=form).status_code == 403


def test_files_by_id_only(shared):
    (shared.outbox / "草稿.txt").write_text("内容", encoding="utf-8")
    (shared.root / "secret.txt").write_text("no", encoding="utf-8")
    client = client_for(shared.root, "operator1")
    page = client.get("/files")
    fid = __import__("re").search(r'<a href="/files/([0-9a-f]{24})">草稿.txt</a>', page.text)[1]
    assert client.get(f"/files/{fid}").text == "内容"
    for probe in ("../secret.txt", "..%2Fsecret.txt", "secret.txt", "0" * 24):
        assert client.get(f"/files/{probe}").status_code == 404


def test_logout_ends_the_session(shared):
    client = client_for(shared.root, "leader1")
    csrf = token(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_sessions_expire(shared, monkeypatch):
    client = client_for(shared.root, "operator1")
    assert client.get("/", follow_redirects=False).status_code == 200
    monkeypatch.setattr("flows.console.auth.SESSION_S", -1)   # the working day is over
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_uploads_are_bounded_and_named_by_the_server(shared, monkeypatch):
    import datetime as dt

    from flows.console import review
    from tasks.signoff.decision import DecisionProblem

    monkeypatch.setattr(review, "MAX_UPLOAD", 10)
    assert isinstance(review.save_upload(shared, b"x" * 11, dt.datetime(2024, 12, 26)), DecisionProblem)
    assert isinstance(review.save_upload(shared, b"", dt.datetime(2024, 12, 26)), DecisionProblem)
    name = review.save_upload(shared, b"PK", dt.datetime(2024, 12, 26, 9, 30))
    assert name.startswith("修改稿-网页上传-20241226-093000") and "/" not in name
    assert (shared.outbox / "审定" / name).read_bytes() == b"PK"


def test_a_unit_that_did_not_exist_yet_owes_nothing(tmp_path):
    from tests.helpers import make_home

    home = make_home(tmp_path / "home")
    units = home.root / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8")
                     + '- {code: "410423105203", name: 新村, kind: village, from: 2024-06}\n', encoding="utf-8")
    from flows.console.users import add_user

    add_user(home.root, "operator1", "operator", PASSWORD)
    html = client_for(home.root, "operator1").get("/?year=2024").text
    assert grid_row(html, "新村")[:6] == ["无需报送"] * 5 + ["未报"]
