"""`township serve`'s Prefect API is no back door (issue 22, item 2), tried as an attacker would, with plain
HTTP against a real serve: no call but /health is answered without the home's auth string (a page in
the office's browser, a DNS-rebinding one included, does not know it); a foreign origin gets no CORS
grant and a change without a CSRF token is refused; a run cannot choose a home, an output path, a
template path or a reopened year; a resume naming a leader signs nothing — only `township signoff` does."""
from __future__ import annotations

import json
import shutil
import signal
import stat
import time

import httpx
import pytest

from tasks.ledger.migrate import read_ledger
from tasks.ledger.reports import versions
from templates import ANNUAL_REPORT
from tests.helpers import VILLAGE, make_home
from tests.procs import BIN, LockedApi, clean_env, cli, flow_runs, free_port, home_auth, start, stop, wait_for
from tests.serve_helpers import create_run, run_deployment, serving, state_of, until
from tests.signoff_helpers import ingested_home

pytestmark = pytest.mark.slow
EVIL = "http://evil.example"
ANNUAL = "/deployments/name/annual-report/annual-report"


def test_the_api_answers_only_the_home_auth_string_and_its_own_ui(tmp_path):
    home = make_home(tmp_path / "home")
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    with serving(home.root, tmp_path, env) as (port, log):
        api = f"http://127.0.0.1:{port}/api"
        secret = home.root / ".prefect" / "auth"
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        auth = home_auth(home.root)
        assert httpx.get(f"{api}/health", timeout=10).status_code == 200       # probes stay open
        for headers in ({}, {"Origin": EVIL}, {"Host": "rebind.evil.example", "Origin": "http://rebind.evil.example"}):
            assert httpx.get(api + ANNUAL, headers=headers, timeout=10).status_code == 401, headers
            assert httpx.get(f"{api}/csrf-token", params={"client": "x"}, headers=headers, timeout=10).status_code == 401
            assert httpx.post(f"{api}/artifacts/filter", json={}, headers=headers, timeout=10).status_code in (401, 403)
        assert LockedApi(api, "township:guessed").request("GET", ANNUAL).status_code == 401

        locked = LockedApi(api, auth)
        wait_for(lambda: locked.request("GET", ANNUAL).status_code == 200, 60, "the served deployments", log)
        assert locked.request("POST", "/artifacts/filter", json={}).status_code == 200
        # The auth string, but no CSRF token (a form posted from another site to a logged-in browser): refused.
        bare = httpx.post(f"{api}/artifacts/filter", json={}, timeout=10,
                          headers={"Origin": EVIL, "Authorization": locked.headers("GET")["Authorization"]})
        assert bare.status_code == 403
        # CORS: a page elsewhere is granted nothing; the UI's own origin is.
        ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
        foreign = httpx.options(f"{api}/flow_runs/filter", headers={"Origin": EVIL, **ask}, timeout=10)
        assert foreign.status_code != 200 and "access-control-allow-origin" not in foreign.headers
        read = httpx.get(api + ANNUAL, headers={"Origin": EVIL, **locked.headers("GET")}, timeout=10)
        assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
        own = f"http://127.0.0.1:{port}"
        mine = httpx.options(f"{api}/flow_runs/filter", headers={"Origin": own, **ask}, timeout=10)
        assert mine.status_code == 200 and mine.headers["access-control-allow-origin"] == own
        ui = httpx.get(f"{own}/ui-settings", timeout=10).json()
        assert ui["auth"] == "BASIC" and ui["csrf_enabled"] is True and ui["api_url"] == api

        # The home's own clients: a one-shot command finds serve's server and its auth string by itself;
        # Prefect's CLI needs it given.
        one_shot = cli([str(BIN / "township"), "ingest", "--home", str(home.root)], env)
        assert one_shot.returncode == 0 and "收到 0 个文件" in one_shot.stdout, one_shot.stdout + one_shot.stderr
        assert len(flow_runs(locked, state={"type": {"any_": ["COMPLETED"]}})) >= 1   # recorded on serve's server
        bare_cli = cli([str(BIN / "prefect"), "deployment", "ls"], {**env, "PREFECT_API_URL": api})
        assert bare_cli.returncode != 0 and "annual-report" not in bare_cli.stdout
        with_auth = cli([str(BIN / "prefect"), "deployment", "ls"],
                        {**env, "PREFECT_API_URL": api, "PREFECT_API_AUTH_STRING": auth})
        assert with_auth.returncode == 0 and "annual-report" in with_auth.stdout, with_auth.stdout + with_auth.stderr

        # Another home's serve told to use this server without its auth string: refused, in Chinese.
        other = make_home(tmp_path / "other")
        said = _refused([str(BIN / "township"), "serve", "--home", str(other.root), "--port", str(free_port())],
                        {**env, "PREFECT_API_URL": api}, tmp_path / "other.log")
        assert "PREFECT_API_AUTH_STRING" in said and "认证串" in said, said


def _refused(cmd: list[str], env: dict[str, str], log, within: float = 120) -> str:
    """A command that must stop by itself with exit 2; stopped (and failed) if it serves instead."""
    proc = start(cmd, env, log)
    deadline = time.monotonic() + within
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    code = proc.poll()
    if code is None:
        stop(proc, signal.SIGTERM)
    said = log.read_text(errors="replace")
    assert code == 2 and "Traceback" not in said, (code, said[-3000:])
    return said


def test_a_lan_host_needs_a_reachable_address_and_gets_it(tmp_path):
    home = make_home(tmp_path / "home")
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    said = _refused([str(BIN / "township"), "serve", "--home", str(home.root), "--port", str(free_port()),
                     "--host", "0.0.0.0"], env, tmp_path / "wild.log")
    assert "--public-url" in said, said
    # A browser elsewhere is told the address it can reach (here the loopback stands in for the LAN's).
    port = free_port()
    public = f"http://localhost:{port}"
    with serving(home.root, tmp_path, env, "--host", "0.0.0.0", "--public-url", public, port=port) as (_, log):
        ui = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=10).json()
        assert ui["api_url"] == f"{public}/api" and ui["auth"] == "BASIC"
        assert f"Prefect 界面：{public}" in log.read_text(errors="replace")
        mine = httpx.options(f"http://127.0.0.1:{port}/api/flow_runs/filter", timeout=10,
                             headers={"Origin": public, "Access-Control-Request-Method": "POST"})
        assert mine.headers.get("access-control-allow-origin") == public


def test_a_run_through_the_api_chooses_no_place_no_template_path_no_signer(tmp_path):
    home = ingested_home(tmp_path / "home", {"DISPUTE": 73})
    other = make_home(tmp_path / "other")          # a folder a caller would point a run at
    elsewhere = tmp_path / "elsewhere"
    left = home.template_dir(VILLAGE) / "报告.docx"  # a .docx a clerk left in the inbox: no template
    left.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ANNUAL_REPORT, left)
    (home.root / "templates").mkdir()               # a home with templates of its own (adopted)
    shutil.copyfile(ANNUAL_REPORT, home.root / "templates" / "2024年报告.docx")
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-client"))
    with serving(home.root, tmp_path, env) as (port, log):
        api = LockedApi(f"http://127.0.0.1:{port}/api", home_auth(home.root))

        # Places: no deployed flow takes a home or an output path. The server refuses such a run (the
        # deployments' schemas admit no other parameter); one whose caller switched that check off
        # ends before its first line.
        for deployment, params in (("period-summary/period-summary", {"home": str(other.root), "period": "2024-03"}),
                                   ("annual-report/annual-report", {"home": str(other.root), "year": 2024}),
                                   ("annual-report/annual-report", {"year": 2024, "out": str(elsewhere / "x.docx")})):
            refused = create_run(api, params, deployment)
            assert refused.status_code == 409 and "was unexpected" in refused.text, refused.text
            forced = create_run(api, params, deployment, enforce_parameter_schema=False)
            assert forced.status_code < 300, forced.text
            _ends_unrun(api, forced.json()["id"], log)
        assert not elsewhere.exists() and not list(other.outbox.iterdir())
        assert not list(home.outbox.glob("*.docx")) and not list(home.outbox.glob("*.xlsx"))

        # A template is a name of <home>/templates/, never a path (nor a name the home lacks).
        for name, said in ((f"../inbox/{VILLAGE}/模板/报告", "不能含路径"), ("/tmp/报告", "不能含路径"),
                           ("无此模板", "没有名为")):
            ended = until(api, run_deployment(api, year=2024, template=name), "FAILED", log, timeout=120,
                          allow_failed=True)
            assert said in ended["message"], ended
        # (Unchanged, the clerk's file was rendered, and the draft, named after the "template", written
        # into inbox/<unit>/模板/.)
        assert not list(home.outbox.glob("*（草稿）*.docx")) and not list(home.inbox.rglob("*草稿*"))

        # The signer: a resume that names a leader is refused by the server; one whose input is written
        # past the form, or that brings none (the UI's Resume), decides nothing: the run waits again.
        waiting = run_deployment(api, year=2024)
        until(api, waiting, "PAUSED", log)
        forged = api.request("POST", f"/flow_runs/{waiting}/resume", json={"run_input": {"by": "李书记", "result": "通过"}})
        assert forged.json()["status"] == "REJECT", forged.json()
        keyset = state_of(api, waiting)["state_details"]["run_input_keyset"]
        written = api.request("POST", f"/flow_runs/{waiting}/input",
                              json={"key": keyset["response"],
                                    "value": json.dumps({"by": "李书记", "result": "通过"}, ensure_ascii=False)})
        assert written.status_code < 300, written.text
        for attempt in (2, 3):
            assert api.request("POST", f"/flow_runs/{waiting}/resume", json={}).json()["status"] == "ACCEPT"
            wait_for(lambda: state_of(api, waiting)["type"] == "PAUSED"
                     and state_of(api, waiting)["state_details"].get("pause_key", "").endswith(f"-{attempt}"),
                     120, f"the run waiting again ({attempt})", log, step=1.0)
        assert _latest(home).state != "signed" and _latest(home).undecided
        assert not list(home.outbox.glob("*（定稿）*"))

        done = cli([str(BIN / "township"), "signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记", "--accept-open"], env)
        assert done.returncode == 0 and "已通知 Prefect" in done.stdout, done.stdout + done.stderr
        ended = until(api, waiting, "COMPLETED", log)
        assert ended["name"] == "已定稿" and "township signoff" in ended["message"]

        # A signed year is reopened by `township report --reopen` only.
        assert create_run(api, {"year": 2024, "reopen": "三月调解数有误"}).status_code == 409
        forced = create_run(api, {"year": 2024, "reopen": "三月调解数有误"}, enforce_parameter_schema=False)
        _ends_unrun(api, forced.json()["id"], log)
        signed = _latest(home)
        assert signed.state == "signed" and signed.reopened_at is None
        assert len(list(home.outbox.glob("*（草稿）*.docx"))) == 1


def _ends_unrun(api: LockedApi, run_id: str, log) -> None:
    """The run ends before its flow's first line (Prefect cannot bind the parameters: Crashed)."""
    ended = wait_for(lambda: (s := state_of(api, run_id))["type"] in ("FAILED", "CRASHED", "COMPLETED") and s,
                     120, f"run {run_id} to end", log, step=1.0)
    assert ended["type"] in ("FAILED", "CRASHED"), ended


def _latest(home):
    with read_ledger(home.database_url, home.archive) as engine:
        return versions(engine, 2024)[-1]
