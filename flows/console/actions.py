"""The pages that change something: 登录, 运行 (start 入库/汇总/草稿), 审定 (leaders). Each POST passed the
CSRF check in `guarded` (the login form checks its own: there is no user yet)."""
from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flows.console.auth import csrf_ok, current_user, log_in, slow_down
from flows.console.files import id_of_path
from flows.console.runs import KINDS, new_job, not_started, recent_prefect_runs, start_deployment, start_plain
from flows.console.users import check_password
from flows.console.web import guarded, page, today
from tasks.returns.periods import PeriodSpecError, canonical_period, previous_month


async def login(request: Request) -> Response:
    if request.method == "GET":
        if current_user(request):
            return RedirectResponse("/", status_code=303)
        return page(request, "login.html", user=None)
    form = await request.form()
    if not csrf_ok(request, form.get("csrf_token")):
        return page(request, "login.html", status=403, user=None, problem="页面已过期，请重新输入。")
    name = str(form.get("username", "")).strip()[:64]
    keys = (f"name:{name}", f"ip:{request.client.host if request.client else ''}")
    throttle = request.app.state.throttle
    await slow_down(throttle, keys)
    user = check_password(request.app.state.root, name, str(form.get("password", ""))[:256])
    if user is None:
        throttle.failed(keys)
        return page(request, "login.html", status=401, user=None, name=name,
                    problem="用户名或密码不对。多次输错后，每次登录会等待更久。")
    throttle.passed(keys)
    log_in(request, user)
    return RedirectResponse("/", status_code=303)


@guarded()
async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@guarded()
async def runs_page(request: Request) -> Response:
    app = request.app
    journal = app.state.journal
    recorded, problem = [], ""
    if app.state.served:
        try:
            recorded = await run_in_threadpool(recent_prefect_runs, app.state.home.settings.schedules.timezone)
        except Exception:  # noqa: BLE001 — the console's own record still shows
            problem = "暂时读不到 Prefect 的运行记录，请稍后刷新。"
    outbox, key = app.state.home.outbox, app.state.file_key
    files = {j.id: [(p.rsplit("/", 1)[-1], id_of_path(outbox, key, p)) for p in j.files] for j in journal.jobs}
    t = today(request)
    return page(request, "runs.html", jobs=journal.jobs[:20], files=files, recorded=recorded, problem=problem,
                running=journal.running(), period=previous_month(t), year=t.year, served=app.state.served,
                notice=request.query_params.get("started", ""))


@guarded()
async def start_run(request: Request) -> Response:
    app, form = request.app, request.state.form
    kind = str(form.get("kind", ""))
    if kind not in KINDS:
        return page(request, "message.html", status=400, title="运行", problem="不认识的运行种类")
    params: dict = {}
    what = KINDS[kind][0]
    try:
        if kind == "summary":
            params["period"] = canonical_period(str(form.get("period", "")).strip() or previous_month(today(request)))
            what = f"{params['period']} 汇总"
        elif kind == "draft":
            raw = str(form.get("year", "")).strip()
            if not (raw.isdigit() and 2000 <= int(raw) <= 2100):
                raise PeriodSpecError(raw)
            params["year"] = int(raw)
            what = f"{raw}年度草稿"
    except PeriodSpecError:
        return page(request, "message.html", status=400, title="运行",
                    problem="报告期或年度无法识别：汇总写成 2024-03、2024-Q1 或 2024，草稿写年份如 2024")
    journal = app.state.journal
    if journal.running():
        return page(request, "message.html", status=409, title="运行", problem="已有一个运行正在进行，请等它结束后再开始。")
    from zoneinfo import ZoneInfo

    job = new_job(kind, what, dt.datetime.now(ZoneInfo(app.state.home.settings.schedules.timezone)))
    if app.state.served:
        try:
            # In a thread: Prefect's sync calls would hand back a coroutine inside this event loop.
            job.flow_run_id = await run_in_threadpool(start_deployment, kind, params)
            job.state, job.message = "handed", "已启动，进度和结果见下方“运行记录”。"
        except Exception as exc:  # noqa: BLE001 — said on the page (and the detail in serve's log)
            import logging

            logging.getLogger("township.console").warning("run not started: %r", exc)
            job.state, job.message = "failed", not_started(exc)
        journal.add(job)
    else:
        journal.add(job)
        start_plain(journal, app.state.root, job, params)
    return RedirectResponse(f"/runs?started={job.id}", status_code=303)


def _latest(home):
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions

    with open_ledger(home.database_url) as engine:
        found = versions(engine)
    return found[-1] if found else None


@guarded(leader=True)
async def review_page(request: Request) -> Response:
    from pathlib import Path

    from flows.console.review import draft_view, open_groups
    from schemas.labels import REPORT_STATES
    from tasks.signoff.decision import edited_files

    home, key = request.app.state.home, request.app.state.file_key
    v = _latest(home)
    paras, items = (await run_in_threadpool(draft_view, Path(v.draft_path))
                    if v and Path(v.draft_path).is_file() else ([], []))
    groups, must_accept, tally = (await run_in_threadpool(open_groups, home, v, today(request))
                                  if v and v.undecided else ([], False, ""))
    pdf = id_of_path(home.outbox, key, Path(v.draft_path).with_suffix(".pdf")) if v else None
    return page(request, "review.html", v=v, state=REPORT_STATES.get(v.state, "") if v else "", paras=paras,
                items=items, draft_id=id_of_path(home.outbox, key, v.draft_path) if v else None, pdf_id=pdf,
                final_id=id_of_path(home.outbox, key, v.final_path) if v else None,
                edited=edited_files(home.outbox), groups=groups, must_accept=must_accept, tally=tally,
                result=request.app.state.results.pop(request.state.user.name, None))


@guarded(leader=True)
async def decide(request: Request) -> Response:
    from flows.console.review import Signed, save_upload, sign
    from tasks.signoff.decision import DecisionProblem

    home, form = request.app.state.home, request.state.form
    v = _latest(home)
    if v is None:
        return RedirectResponse("/review", status_code=303)
    approve = form.get("result") == "approve"
    edited = ""
    upload = form.get("edited")
    if approve and upload is not None and getattr(upload, "filename", ""):
        saved = save_upload(home, await upload.read(), dt.datetime.now())
        if isinstance(saved, DecisionProblem):
            request.app.state.results[request.state.user.name] = {"ok": False, "text": saved.message}
            return RedirectResponse("/review", status_code=303)
        edited = saved
    done = await run_in_threadpool(sign, home, v.year, request.state.user.name, approve,
                                   str(form.get("opinion", ""))[:2000], edited, form.get("confirm_figures") == "1",
                                   form.get("accept_open") == "1", form.get("keep_appendix") == "1")
    if isinstance(done, DecisionProblem):
        request.app.state.results[request.state.user.name] = {"ok": False, "text": done.message}
    elif isinstance(done, Signed):
        request.app.state.results[request.state.user.name] = {"ok": True, "text": " ".join((done.message, *done.notes))}
    return RedirectResponse("/review", status_code=303)
