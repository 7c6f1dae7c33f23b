"""The flows as their deployments run them (`township serve`'s runner, `township deploy`'s workers): the
same flows, without a parameter that names a place (issue 22).

Anyone who may create a flow run may set any parameter of it (the API's create_flow_run overrides the
deployment's, and can even switch the server's schema check off), so what a run must not choose is no
parameter here: the home is the serving process's or the worker's (TOWNSHIP_HOME: set by serve for its
runner, by the deployment's job variables on a pool), the draft goes to the home's outbox (no `out`),
a signed year is reopened only by `township report --reopen` (no `reopen`), and a template is a name of
<home>/templates/, checked before anything is done. A run given any other parameter fails before its
first line (Prefect binds parameters to this signature), and nothing is written.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from prefect import flow
from prefect.states import Failed, State

from flows import annual_report as annual
from flows import dispatch_ingest as dispatch
from flows import ingest_returns as ingest
from flows import period_summary as summary
from tasks.home import HomeError
from tasks.intake.tally import IngestSummary
from tasks.summaries.model import SummaryFiles

HOME_VAR = "TOWNSHIP_HOME"


def served_home() -> str:
    """The home this process serves; never a run's parameter."""
    home = os.environ.get(HOME_VAR, "").strip()
    if not home:
        raise HomeError(f"未设置 {HOME_VAR}：部署的流程只处理运行它的 township serve 或 worker 所在的实例"
                        f"（township deploy 在部署中写明；worker 上也可设置 {HOME_VAR}）")
    return str(Path(home).resolve())


@flow(name="ingest-returns", log_prints=True)
async def ingest_returns(units: list[str] | None = None, as_of: dt.datetime | None = None,
                         batch_size: int = 1000, lock_wait_seconds: float = 10.0,
                         closed: list[dict] | None = None) -> IngestSummary | State:
    """收表入库：校验、入库、回执、归档（units 为空时处理全部单位）。实例目录由运行它的 township serve 或
    worker 决定，不是参数。"""
    return await ingest.ingest_returns.fn(served_home(), units, as_of, batch_size, lock_wait_seconds, closed)


@flow(name="period-summary", log_prints=True)
def period_summary(period: str | None = None, on: dt.date | None = None,
                   deliver: bool | None = None) -> SummaryFiles:
    """期间汇总工作簿和催报通知（period 为空时为上月），写入实例的 outbox/。"""
    return summary.period_summary.fn(served_home(), period, on, deliver)


@flow(name="annual-report", log_prints=True)
async def annual_report(year: int | None = None, on: dt.date | None = None, deliver: bool | None = None,
                        template: str | None = None, review: bool | None = None) -> str | State:
    """年度报告草稿（写入实例的 outbox/），并等待审定（year 为空时为当年）。template：实例 templates/ 中的
    模板名称（不含路径）。审定只能用 township signoff（或控制台）作出；已定稿的年度只能用
    township report --reopen 重新打开。"""
    from tasks.drafts.annual import TemplateMissing, template_for

    home = served_home()
    try:
        template_for(Path(home), template)   # a path, or a name the home lacks: refused before anything
    except TemplateMissing as exc:
        print(str(exc))
        return Failed(name="模板不可用", message=str(exc))
    return await annual.annual_report.fn(home, year, None, on, deliver, template, None, review)


@flow(name="dispatch-ingest")
def dispatch_ingest(per_run: int = 200, wait: bool = True, timeout_seconds: float = 3600.0,
                    as_of: dt.datetime | None = None) -> dict[str, str]:
    """按单位拆分收件箱，分派入库运行给工作池中的任一 worker。"""
    return dispatch.dispatch(served_home(), per_run, wait, timeout_seconds, as_of)
