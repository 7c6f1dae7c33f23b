"""The wait for 审定 inside the `annual-report` flow (thin wiring; the steps are tasks/signoff/).

After rendering, a run started from a deployment suspends (Prefect's `suspend_flow_run`): its process
ends, and the run waits — for days if need be — until the decision is recorded in the ledger. The
decision is never taken from what a resume carries: whoever may call Prefect's API could resume a run
with any name in it (issue 22). It is taken by `township signoff --by …` on the office PC (later, the
console's logged-in leader), which records it and resumes the waiting run; Prefect then runs the flow
again from the top, the run finds the draft it recorded (by its run id) instead of rendering another,
reads the decision from the ledger and ends saying so. Resumed while the draft is still undecided (the
UI's Resume button, a stray API call), it says how to decide and waits again.
"""
from __future__ import annotations

from prefect.artifacts import acreate_markdown_artifact
from prefect.context import FlowRunContext
from prefect.flow_runs import asuspend_flow_run
from prefect.input import RunInput
from prefect.states import Completed, State
from pydantic import ConfigDict

from schemas.labels import REPORT_STATES
from tasks.home import Home, township_today
from tasks.returns.clerk_text import for_markdown
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, mark_pending, version_by_id
from tasks.signoff.decision import edited_files, review_dir
from tasks.signoff.open_now import open_of_draft
from tasks.signoff.versions import local

REVIEW_KEY = "review-{id}-{n}"   # one suspension per wait: a resume that found no decision waits anew


class ReviewNotice(RunInput):
    """What the Prefect UI shows on Resume: no field to fill — the description says how 审定 is done.
    Its schema admits no field either, so Prefect's server refuses a resume that brings one (a
    `{"by": …, "result": …}` sent to the API); whatever a resume brings is never read."""
    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})


def waits_for_review(review: bool | None) -> bool:
    """Only a run from a deployment can be suspended and resumed later (Prefect reschedules it); a run
    started in-process (`township report`) leaves its draft for `township signoff`."""
    ctx = FlowRunContext.get()
    deployed = bool(ctx and ctx.flow_run and ctx.flow_run.deployment_id)
    if review and not deployed:
        print("本次运行不是从部署启动的，无法在 Prefect 中等待审定；请用 township signoff 审定。")
    return deployed and review is not False


def review_address(run_id: str | None, console: str | None = None) -> str:
    """Where reviewers go to decide: the console's 审定 page when one is given; until the console exists,
    this run's page in the Prefect UI (which says how to decide)."""
    if console:
        return console
    if not run_id:
        return ""
    from prefect.settings import PREFECT_UI_URL

    base = (PREFECT_UI_URL.value() or "").rstrip("/")
    return f"{base}/runs/flow-run/{run_id}" if base else ""


def fired_attempts(version_id: int) -> int:
    """How many of this version's suspensions have fired already (pause keys the server remembers)."""
    ctx = FlowRunContext.get()
    keys = (ctx.flow_run.empirical_policy.pause_keys or set()) if ctx and ctx.flow_run else set()
    prefix = REVIEW_KEY.format(id=version_id, n="")
    numbers = [k[len(prefix):] for k in keys if k.startswith(prefix)]
    return max((int(n) for n in numbers if n.isdigit()), default=0)


def how_to_decide(home: Home, v: ReportVersion) -> str:
    """The markdown above the Resume form and in the run's artifact: which draft, what is still open
    (grouped and counted, issue 24), how to decide. The form itself takes nothing (issue 22): the
    acknowledgement of what is open is `--accept-open`, given with the decision on the command line."""
    files = edited_files(home.outbox)
    root = home.root
    items = open_of_draft(home, v, township_today(home))
    accept = " --accept-open" if items.needs_acceptance else ""
    open_part = [f"- {for_markdown(line.strip().removeprefix('- '))}" if line.startswith("  ") else
                 f"**{for_markdown(line)}**" for line in items.lines()]
    return "\n".join([
        f"## 审定 {v.year}年度报告 第{v.version}稿", "", f"草稿：`{v.draft_path}`", "", *open_part, "",
        ("缺报的月报表和上一稿的退回意见须审定人确认知晓才能签发（加 `--accept-open`，记入台账，定稿注明应报、"
         "已收和未报的单位）。" if accept else "没有须确认的缺报或退回意见。"), "",
        "审定（通过或退回修改）由审定人在办公电脑的命令行作出，记入台账后本运行随之结束；"
        "在此点 Resume 不会作出任何决定：", "",
        f"- 通过：`township signoff --home {root} --year {v.year} --by 姓名{accept}`"
        "（定稿去掉附录；加 `--keep-appendix` 保留附表、附图）",
        f"- 用修改稿通过：把改好的文件放入 `{review_dir(home.outbox)}`，"
        f"`township signoff --home {root} --year {v.year} --by 姓名{accept} --file 文件名.docx`",
        f"- 退回修改：`township signoff --home {root} --year {v.year} --by 姓名 --reject \"意见\"`", "",
        "现有修改稿：" + ("、".join(f"`{f}`" for f in files) if files else "无")])


async def await_decision(home: Home, version: ReportVersion) -> State:
    """Suspend until the decision is in the ledger; end in a plain state (已定稿 / 已退回), never Failed."""
    with open_ledger(home.database_url) as engine:
        mark_pending(engine, version.id)
    n = max(1, fired_attempts(version.id))
    while True:
        if n == 1 and not fired_attempts(version.id):
            await acreate_markdown_artifact(how_to_decide(home, version), key="annual-report-review",
                                            description="待审定")
        form = ReviewNotice.with_initial_data(description=how_to_decide(home, version))
        try:
            await asuspend_flow_run(wait_for_input=form, key=REVIEW_KEY.format(id=version.id, n=n))
        except ValueError:
            pass   # an input written past the form's schema (pydantic's error): never read, as any input
        current = version_now(home, version.id)
        if not current.undecided:
            return await finish(home, current)
        print(f"第{version.version}稿尚未审定：请用 township signoff --year {version.year} --by 姓名 审定；继续等待。")
        n += 1


async def finish(home: Home, v: ReportVersion) -> State:
    """The decision `township signoff` recorded (and carried out: the final copy, its PDF and e-mail)."""
    tz = home.settings.schedules.timezone
    message = f"第{v.version}稿已由{v.decided_by}于{local(v.decided_at, tz)}审定：{REPORT_STATES[v.state]}"
    if v.state == "rejected":
        message += f"；意见：{v.opinion}"
    elif v.final_path:
        message += f"；定稿：{v.final_path}"
    if v.accepted_open:  # what the signer acknowledged, said where the run ends too (issue 24)
        message += f"；签发时审定人确认了未了结的事项（{v.completeness or '退回意见'}）"
    message += "（township signoff 作出并记入台账；本运行只读取该决定）"
    print(message)
    await acreate_markdown_artifact(f"# {v.year}年度报告：{REPORT_STATES[v.state]}\n\n{message}\n",
                                    key="annual-report-review", description=REPORT_STATES[v.state])
    return Completed(name=REPORT_STATES[v.state], message=message)


def version_now(home: Home, version_id: int) -> ReportVersion:
    with open_ledger(home.database_url) as engine:
        return version_by_id(engine, version_id)


def resume_waiting(run_id: str, api: str | None) -> str:
    """End the run that waits in Prefect for the decision just recorded (`township signoff`): resumed
    through Prefect's API (with nothing: the run reads the decision from the ledger), it ends saying so."""
    if not api:
        return ("提示：Prefect 中等待此决定的运行仍显示暂停（未连上 township serve 的 Prefect 服务）；"
                "它不会再做任何事，可在界面中取消。")
    from uuid import UUID

    from prefect.exceptions import NotPausedError
    from prefect.flow_runs import resume_flow_run

    try:
        resume_flow_run(UUID(run_id))
    except NotPausedError:
        return ""
    except Exception as exc:  # noqa: BLE001 — the decision stands; the UI's run is only left paused
        return f"提示：未能通知 Prefect 中等待审定的运行 {run_id}（{type(exc).__name__}: {exc}）；可在界面中取消它。"
    return f"已通知 Prefect 中等待审定的运行 {run_id}，它将以此决定结束。"
