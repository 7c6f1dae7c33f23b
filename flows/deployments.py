"""The deployments of a home: names, crons and time zone from township.toml, explicit parameters.

`township serve` serves the three scheduled flows from its own process; `township deploy` registers
them, plus the dispatcher, to a work pool whose workers may be on other machines. There the cron starts
the dispatcher, which fans the inbox out to per-unit `ingest-returns` runs.
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

    from flows.annual_report import annual_report
    from flows.dispatch_ingest import dispatch_ingest
    from flows.ingest_returns import ingest_returns
    from flows.period_summary import period_summary

    s = settings.schedules
    home = str(root)

    def make(flow, params: dict, cron: str | None, description: str) -> RunnerDeployment:
        # Module entrypoints: any machine with the project installed loads the flow, wherever its files are.
        return flow.to_deployment(
            name=flow.name, parameters={"home": home, **params}, description=description,
            schedules=[Cron(cron, timezone=s.timezone)] if cron else None, work_pool_name=pool,
            entrypoint_type=EntrypointType.MODULE_PATH, tags=["township"])

    ingest_cron = None if pool else s.ingest  # on a pool the dispatcher polls the inbox instead
    found = [
        make(ingest_returns, {"units": None}, ingest_cron, "收表入库：校验、入库、回执、归档（units 为空时处理全部单位）"),
        make(period_summary, {"period": None}, s.period_summary, "期间汇总工作簿（period 为空时为上月）"),
        make(annual_report, {"year": None}, s.annual_report,
             "年度报告草稿，并等待审定（year 为空时为当年；已定稿的年度需在 reopen 中写明重新修改的原因）"),
    ]
    if pool:
        found.append(make(dispatch_ingest, {"per_run": settings.batch_size}, s.ingest,
                          "按单位拆分收件箱，分派入库运行给工作池中的任一 worker"))
    return found
