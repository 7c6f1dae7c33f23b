"""Where a one-shot command's run is recorded: on a Prefect server when one is reachable (this home's
`township serve`, or PREFECT_API_URL), else nowhere — the same sequence runs with plain steps, said in
one line, instead of starting Prefect's temporary local server (~10 s here, its history lost at exit)."""
from __future__ import annotations

import asyncio
import os
import sys

from flows.cli.app import err
from flows.prefect_env import profile_setting
from flows.server import is_reachable, use_home_server

PLAIN = "未连接 Prefect 服务（township serve 未运行）：本次直接运行，不记入 Prefect 运行记录。"


def configured_api() -> str | None:
    """PREFECT_API_URL of the environment or of the active Prefect profile; or, where this process
    already runs Prefect with settings of its own (a test harness, a program embedding the CLI), the API
    those settings name."""
    api = os.environ.get("PREFECT_API_URL") or profile_setting("PREFECT_API_URL")
    if api:
        os.environ["PREFECT_API_URL"] = api  # one place to read it from, here and in Prefect
    if api or "prefect.settings" not in sys.modules:
        return api
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def recorded(home) -> bool:
    """True when a Prefect server will record the run (and PREFECT_API_URL points at it)."""
    api = configured_api()
    if api and "PREFECT_API_URL" not in os.environ:
        return True  # Prefect's own settings in this process: its flows reach that server as they are
    if api:
        if is_reachable(api, timeout=1.0):
            use_home_server(home.root)   # serve's own address: with the home's auth string
            _accepted_or_exit(api)
            return True
        err.print(f"PREFECT_API_URL={api} 无法访问。", style="yellow", markup=False, highlight=False, soft_wrap=True)
        del os.environ["PREFECT_API_URL"]  # the plain run below must not try it either
    if use_home_server(home.root):
        return True
    err.print(PLAIN, style="dim", markup=False, highlight=False, soft_wrap=True)
    return False


def _accepted_or_exit(api: str) -> None:
    """A server that requires an auth string this process lacks (or has wrong) is said here, in
    Chinese, rather than as a run failing on its first call."""
    from flows.cli.edge import Refusal
    from flows.server_auth import answers

    if answers(api, os.environ.get("PREFECT_API_AUTH_STRING")) == 401:
        raise Refusal(f"Prefect 服务 {api} 要求认证串：请设置 PREFECT_API_AUTH_STRING（township serve 的认证串在"
                      "实例目录的 .prefect/auth 中）")


def ingest_run(home, units: list[str] | None):
    """How the ingest ended (flows/sequences/ingest.py `IngestRun`), whichever way it ran."""
    from flows.sequences.ingest import IngestRun

    if recorded(home):
        from flows.ingest_returns import SKIPPED, run_ingest

        state = run_ingest(home=str(home.root), units=units, return_state=True)
        if state.name == SKIPPED:
            return IngestRun(skipped=state.message or "")
        if not state.is_completed():
            return IngestRun(stopped=state.message or "本次入库未完成")
        return IngestRun(summary=state.result())
    from flows.sequences.ingest import ingest_sequence
    from flows.sequences.steps import PlainSteps

    run = asyncio.run(ingest_sequence(PlainSteps(home.root), str(home.root), units))
    if run.summary is not None and run.summary.left:
        return IngestRun(stopped=run.summary.line())  # as the flow's Failed state says it
    return run


def annual_run(home, **params):
    """The draft's path, or Signed (the year stands signed)."""
    if recorded(home):
        from flows.annual_report import run_annual_report
        from flows.sequences.annual import Signed
        from schemas.labels import REPORT_STATES

        state = run_annual_report(home=str(home.root), deliver=False, return_state=True, **params)
        if state.name == REPORT_STATES["signed"]:
            return Signed(state.message or "")
        return state.result()
    return asyncio.run(_annual_plain(home, **params))


async def _annual_plain(home, year: int, out: str | None, template: str | None, reopen: str | None):
    from flows.sequences.annual import Signed, draft_sequence
    from flows.sequences.steps import PlainSteps
    from tasks.home import township_today
    from tasks.signoff.year_state import before_render

    _, report = before_render(home, year, None)
    version = await draft_sequence(PlainSteps(home.root), home, year, report, out, township_today(home), template, reopen,
                                   deliver=False)
    return version if isinstance(version, Signed) else version.draft_path


def summary_run(home, period: str | None):
    if recorded(home):
        from flows.period_summary import period_summary

        return period_summary(home=str(home.root), period=period, deliver=False)
    from flows.sequences.steps import PlainSteps
    from flows.sequences.summary import summary_sequence

    return summary_sequence(PlainSteps(home.root), str(home.root), period, deliver=False)
