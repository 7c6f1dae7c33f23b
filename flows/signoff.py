"""Review and sign-off inside the `annual-report` flow (thin wiring; the steps are tasks/signoff/).

After rendering, a run started from a deployment suspends (Prefect's `suspend_flow_run`): its process
ends, and the run waits — for days if need be — for the form below, filled in the Prefect UI (Resume),
or for `township signoff`, which resumes it with the same input. Prefect then runs the flow again from
the top; the run finds the draft it recorded (by its run id) instead of rendering another, and the
suspension, already fired, hands back the input.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from prefect import task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.flow_runs import asuspend_flow_run
from prefect.input import RunInput
from prefect.states import Completed, State
from prefect.utilities.annotations import quote
from pydantic import Field

from flows.delivery import send_final_task
from schemas.labels import REPORT_STATES
from tasks.delivery.pdf import find_soffice
from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, mark_pending, version_by_id
from tasks.signoff.decision import APPROVE, REJECT, Problem, check_decision, edited_files, review_dir
from tasks.signoff.steps import Outcome, decide
from tasks.signoff.versions import local

REVIEW_KEY = "review-{id}-{n}"   # one suspension per attempt: a form that could not be carried out asks again


class SignoffForm(RunInput):
    """The form the Prefect UI shows on Resume (its labels and help are the JSON schema's)."""
    result: Literal["通过", "退回修改"] = Field(
        title="审定结果", description="通过：生成定稿（去掉草稿标记、批注、黄色底纹和待完善事项，落款为签发日期）并发送领导；"
                                   "退回修改：记录意见，下一稿的待完善事项第一条列出")
    by: str = Field(title="审定人", description="审定（签发）人姓名", min_length=1)
    opinion: str = Field("", title="意见", description="退回修改时必填：写明要改什么；通过时可留空")
    edited_file: str = Field("", title="修改稿（可选）",
                             description="工作人员在 Word/WPS 中改好的文件：放入 outbox/审定/ 后在此填文件名；留空则以系统草稿定稿")


decide_task = task(decide, name="sign-off", cache_policy=NO_CACHE)


def waits_for_review(review: bool | None) -> bool:
    """Only a run from a deployment can be suspended and resumed later (Prefect reschedules it); a run
    started in-process (`township report`) leaves its draft for `township signoff`."""
    ctx = FlowRunContext.get()
    deployed = bool(ctx and ctx.flow_run and ctx.flow_run.deployment_id)
    if review and not deployed:
        print("本次运行不是从部署启动的，无法在 Prefect 界面中等待审定；请用 township signoff 审定。")
    return deployed and review is not False


def fired_attempts(version_id: int) -> int:
    """How many of this version's suspensions have fired already (pause keys the server remembers)."""
    ctx = FlowRunContext.get()
    keys = (ctx.flow_run.empirical_policy.pause_keys or set()) if ctx and ctx.flow_run else set()
    prefix = REVIEW_KEY.format(id=version_id, n="")
    numbers = [k[len(prefix):] for k in keys if k.startswith(prefix)]
    return max((int(n) for n in numbers if n.isdigit()), default=0)


def form_text(home: Home, v: ReportVersion, problem: str) -> str:
    """The markdown above the Resume form: which draft, where to drop an edited one, what went wrong."""
    files = edited_files(home.outbox)
    lines = [f"## 审定 {v.year}年度报告 第{v.version}稿", "", f"草稿：`{v.draft_path}`", "",
             f"审定结果选“{APPROVE}”即签发定稿；选“{REJECT}”请在“意见”中写明要改什么。",
             f"修改稿请放入 `{review_dir(home.outbox)}`，再在“修改稿”中填文件名。",
             "现有修改稿：" + ("、".join(f"`{f}`" for f in files) if files else "无")]
    if problem:
        lines += ["", f"**上次提交未能执行：{problem}** 请改正后重新提交。"]
    return "\n".join(lines)


async def await_decision(home: Home, version: ReportVersion) -> State:
    """Suspend until the decision arrives; carry it out; end in a plain state (已定稿 / 已退回), never Failed."""
    with open_ledger(home.database_url) as engine:
        mark_pending(engine, version.id)
    n = max(1, fired_attempts(version.id))
    problem = ""
    while True:
        form = SignoffForm.with_initial_data(description=form_text(home, version, problem))
        if n == 1 and not fired_attempts(version.id):
            await acreate_markdown_artifact(form_text(home, version, "") + "\n\n在本运行页面点 **Resume** 填写审定结果；"
                                            f"或在命令行：`township signoff --year {version.year} --by 姓名`",
                                            key="annual-report-review", description="待审定")
        answer = await asuspend_flow_run(wait_for_input=form, key=REVIEW_KEY.format(id=version.id, n=n))
        current = version_now(home, version.id)
        if not current.undecided:   # decided meanwhile from the command line, which resumed this run
            return await finish(home, Outcome(current, False))
        checked = check_decision(answer.result, answer.by, answer.opinion, answer.edited_file, home.outbox)
        outcome = (checked if isinstance(checked, Problem)
                   else decide_task(quote(home), version.id, checked, dt.datetime.now(dt.UTC),
                                    find_soffice()))
        if not isinstance(outcome, Problem):
            return await finish(home, outcome)
        problem = outcome.message
        print(f"审定未能执行：{problem}")
        n += 1


async def finish(home: Home, outcome: Outcome) -> State:
    v = outcome.version
    tz = home.settings.schedules.timezone
    if not outcome.decided_now:
        message = (f"第{v.version}稿已由{v.decided_by}于{local(v.decided_at, tz)}审定（{REPORT_STATES[v.state]}，"
                   "在命令行或另一运行中）；本运行未另作决定")
    elif v.state == "rejected":
        message = f"第{v.version}稿退回修改（{v.decided_by}）：{v.opinion}"
    else:
        message = f"第{v.version}稿已定稿（{v.decided_by}）：{v.final_path}"
        message += "".join(f"\n{n}" for n in outcome.notes)
        message += "\n" + deliver_in_run(home, v)
    print(message)
    await acreate_markdown_artifact(f"# {v.year}年度报告：{REPORT_STATES[v.state]}\n\n{message}\n",
                                    key="annual-report-review", description=REPORT_STATES[v.state])
    return Completed(name=REPORT_STATES[v.state], message=message)


def deliver_in_run(home: Home, v: ReportVersion) -> str:
    """The final copy to the leaders; a failure is said in the run's message, never a Failed run (the
    decision stands; `township signoff` on the signed year sends it again)."""
    if home.settings.delivery is None:
        return "township.toml 未配置 [delivery]，定稿未发送邮件"
    try:
        sent = send_final_task(quote(home), v.id)
    except Exception as exc:  # noqa: BLE001 — said in the run's message; retried already where it could help
        return (f"定稿邮件未发出（{type(exc).__name__}: {exc}）；"
                f"可稍后运行 township signoff --year {v.year} --by {v.decided_by} 补发")
    return "定稿已发送给 " + "、".join(sent)


def version_now(home: Home, version_id: int) -> ReportVersion:
    with open_ledger(home.database_url) as engine:
        return version_by_id(engine, version_id)


def resume_waiting(run_id: str, run_input: dict, api: str | None) -> str:
    """End the run that waits in the UI for a decision taken elsewhere (`township signoff`): resumed
    through Prefect's API with the same input, it finds the decision recorded and ends saying so."""
    if not api:
        return ("提示：Prefect 界面中等待此决定的运行仍显示暂停（未连上 township serve 的 Prefect 服务）；"
                "它不会再做任何事，可在界面中取消。")
    from uuid import UUID

    from prefect.exceptions import NotPausedError
    from prefect.flow_runs import resume_flow_run

    try:
        resume_flow_run(UUID(run_id), run_input=run_input)
    except NotPausedError:
        return ""
    except Exception as exc:  # noqa: BLE001 — the decision stands; the UI's run is only left paused
        return f"提示：未能通知 Prefect 中等待审定的运行 {run_id}（{type(exc).__name__}: {exc}）；可在界面中取消它。"
    return f"已通知 Prefect 中等待审定的运行 {run_id}，它将以此决定结束。"
