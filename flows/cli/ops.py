"""`township serve` and `township deploy`: the operations side of the CLI (issue 4)."""
from __future__ import annotations

import os
from typing import Annotated

import typer

from flows.cli.app import HomeOpt, command, console, err, home_or_exit
from flows.cli.edge import Refusal


@command()
def serve(home: HomeOpt = None,
          port: Annotated[int, typer.Option(metavar="端口", min=1, max=65535, help="Prefect 服务（界面）端口")] = 4200,
          host: Annotated[str, typer.Option(metavar="地址", help="Prefect 服务监听地址")] = "127.0.0.1") -> None:
    """启动 Prefect 服务（数据库在 <实例>/.prefect 下；PREFECT_API_URL 已指向运行中的服务时直接用它），
    按计划运行 ingest-returns、period-summary、annual-report，文件放稳后立即入库。
    一直运行到 Ctrl-C，退出时停止它启动的一切。

    示例：township serve --home ./xiatang --port 4200
    """
    from flows.serve import serve_home
    from flows.server import ServerError

    h = home_or_exit(home)
    try:
        serve_home(h, host, port, console)
    except ServerError as exc:
        raise Refusal(str(exc)) from exc


@command()
def deploy(home: HomeOpt = None,
           pool: Annotated[str, typer.Option(metavar="名称", help="Prefect 工作池名称")] = "township") -> None:
    """把各部署（及分派流程 dispatch-ingest）登记到 PREFECT_API_URL 所指服务的进程工作池；
    其他机器上的 worker 运行它们：prefect worker start --pool 名称。

    示例：PREFECT_API_URL=http://10.0.0.5:4200/api township deploy --home /mnt/returns/xiatang --pool township
    """
    from flows.server import is_reachable

    h = home_or_exit(home)
    api = os.environ.get("PREFECT_API_URL", "")
    if not api or not is_reachable(api):
        raise Refusal("请先设置 PREFECT_API_URL 指向正在运行的 Prefect 服务（如 http://服务器:4200/api）")
    from flows.serve import deploy_home
    if h.database_url.startswith("sqlite"):
        err.print("[yellow]提示：township.toml 的 database_url 是 SQLite，只适合一台机器；多台机器请用 PostgreSQL[/yellow]")
    for name in deploy_home(h, pool, console):
        console.print(f"已登记 {name} → 工作池 {pool}")
    console.print(f"在各台机器上启动 worker：prefect worker start --pool {pool}")
