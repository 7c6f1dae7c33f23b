"""The deployments of a home: names, crons and time zone from township.toml, explicit parameters.

`township serve` serves the three scheduled flows from its own process; `township deploy` registers
them, plus the dispatcher, to a work pool whose workers may be on other machines. There the cron starts
the dispatcher, which fans the inbox out to per-unit `ingest-returns` runs.

The deployed flows (flows/deployed.py) take no home: serve's runner runs them with serve's environment
(TOWNSHIP_HOME), and a pool's deployments carry it as a job variable, the worker's environment for the
run. (A caller of the API may override job variables as it may any parameter — and a process worker's
`command` with them: on a pool the API's auth string is the lock; see flows/server_auth.py.)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from schemas.settings import Settings

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

SERVED = ("ingest-returns", "period-summary", "annual-report")


def home_deployments(root: Path, settings: Settings, pool: str | None = None) -> list[RunnerDeployment]:
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    from flows.deployed import HOME_VAR, annual_report, dispatch_ingest, ingest_returns, period_summary

    s = settings.schedules
    home = str(root)

    def make(flow, params: dict, cron: str | None, description: str) -> RunnerDeployment:
        # Module entrypoints: any machine with the project installed loads the flow, wherever its files are.
        return closed_schema(flow.to_deployment(
            name=flow.name, parameters=params, description=description,
            schedules=[Cron(cron, timezone=s.timezone)] if cron else None, work_pool_name=pool,
            job_variables={"env": {HOME_VAR: home}} if pool else None,
            entrypoint_type=EntrypointType.MODULE_PATH, tags=["township"]))

    ingest_cron = None if pool else s.ingest  # on a pool the dispatcher polls the inbox instead
    found = [
        make(ingest_returns, {"units": None}, ingest_cron, "收表入库：校验、入库、回执、归档（units 为空时处理全部单位）"),
        make(period_summary, {"period": None}, s.period_summary, "期间汇总工作簿（period 为空时为上月）"),
        make(annual_report, {"year": None}, s.annual_report,
             "年度报告草稿，并等待审定（year 为空时为当年）。审定：township signoff --year 年份 --by 姓名；"
             "已定稿的年度只能用 township report --year 年份 --reopen \"原因\" 重新打开"),
    ]
    if pool:
        found.append(make(dispatch_ingest, {"per_run": settings.batch_size}, s.ingest,
                          "按单位拆分收件箱，分派入库运行给工作池中的任一 worker"))
    return found


def closed_schema(deployment: RunnerDeployment) -> RunnerDeployment:
    """The deployment's parameter schema admits no parameter the flow lacks, so the server refuses a run
    asked with `home`, `out` or `reopen` when it is created (409) rather than let it crash when it starts.
    (A caller may switch the server's check off for its run: the flow's signature refuses it then.)
    Prefect keeps the schema in a private attribute and offers no other way to close it."""
    from prefect.utilities.callables import ParameterSchema

    class ClosedSchema(ParameterSchema):
        additionalProperties: bool = False

    schema = deployment._parameter_openapi_schema
    deployment._parameter_openapi_schema = ClosedSchema(**schema.model_dump(exclude_unset=True),
                                                        additionalProperties=False)
    return deployment
