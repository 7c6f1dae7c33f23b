"""`township serve` and `township deploy`: the operations side of the CLI (issue 4)."""
from __future__ import annotations

import os
from typing import Annotated

import typer

from flows.cli.app import HomeOpt, command, console, err, home_or_exit
from flows.cli.edge import Refusal
from flows.cli.options import out_option


@command()
def serve(home: HomeOpt = None,
          port: Annotated[int, typer.Option(metavar="端口", min=1, max=65535, help="Prefect 服务（界面）端口")] = 4200,
          host: Annotated[str, typer.Option(metavar="地址", help="Prefect 服务监听地址")] = "127.0.0.1",
          public_url: Annotated[str | None, typer.Option(
              "--public-url", metavar="地址",
              help="其他电脑打开界面用的地址，如 http://192.168.1.5:4200（--host 0.0.0.0 时必填）")] = None,
          console_port: Annotated[int, typer.Option(metavar="端口", min=1, max=65535, help="工作台（中文页面）端口")] = 8420,
          console_host: Annotated[str, typer.Option(metavar="地址", help="工作台监听地址")] = "127.0.0.1") -> None:
    """启动 Prefect 服务（数据库在 <实例>/.prefect 下；PREFECT_API_URL 已指向运行中的服务时直接用它），
    按计划运行 ingest-returns、period-summary、annual-report，文件放稳后立即入库。
    同时启动工作台（操作员、领导用的中文页面，默认 http://127.0.0.1:8420/；用户用 township user add 添加）。
    一直运行到 Ctrl-C，退出时停止它启动的一切。

    服务只接受本实例的认证串（<实例>/.prefect/auth，首次启动时生成，只有本机的此用户可读）：
    界面登录时输入它；本机的 township 命令自动使用它。

    示例：township serve --home ./xiatang --port 4200
    """
    from flows.serve import serve_home
    from flows.server import ServerError
    from flows.server_auth import ExposureError

    h = home_or_exit(home)
    from flows.console.serve import ConsoleRefused, console_url, start_console_thread
    try:
        start_console_thread(h.root, console_host, console_port)
    except ConsoleRefused as exc:
        raise Refusal(str(exc)) from exc
    console.print(f"工作台（中文页面）：{console_url(console_host, console_port)}", highlight=False, markup=False)
    os.environ["TOWNSHIP_CONSOLE_URL"] = console_url(console_host, console_port) + "review"  # the review mail's link
    try:
        serve_home(h, host, port, console, public_url)
    except (ServerError, ExposureError) as exc:
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
    from flows.server_auth import answers
    auth = os.environ.get("PREFECT_API_AUTH_STRING")
    if answers(api, auth) == 401:
        raise Refusal(f"Prefect 服务 {api} 要求认证：请设置 PREFECT_API_AUTH_STRING 为该服务的认证串"
                      + ("（现有的不被接受）" if auth else ""))
    if not auth:
        err.print("[yellow]提示：该 Prefect 服务不要求认证串，能访问它的任何电脑都能让 worker 运行命令；"
                  "请在服务上设置 PREFECT_SERVER_API_AUTH_STRING，在此和各 worker 上设置 PREFECT_API_AUTH_STRING[/yellow]")
    from flows.serve import deploy_home
    if h.database_url.startswith("sqlite"):
        err.print("[yellow]提示：township.toml 的 database_url 是 SQLite，只适合一台机器；多台机器请用 PostgreSQL[/yellow]")
    for name in deploy_home(h, pool, console):
        console.print(f"已登记 {name} → 工作池 {pool}")
    console.print(f"在各台机器上启动 worker：prefect worker start --pool {pool}")


@command()
def backup(home: HomeOpt = None,
           out: out_option("备份文件（默认 outbox/账本备份-日期.db；所在文件夹须已存在）") = None,
           ) -> None:
    """用 SQLite 的在线备份接口备份账本（入库运行时也安全）：得到一个可单独保存的文件。直接复制 township.db
    可能漏掉仍在 township.db-wal 中的记录。恢复：停止 township，把备份复制为 township.db（并删除
    township.db-wal，如有）。

    示例：township backup --home ./xiatang --out /mnt/u盘/xiatang-账本.db
    """
    from tasks.delivery.outbox import dated_path
    from tasks.home import township_today
    from tasks.ledger.backup import BackupError, backup_ledger

    h = home_or_exit(home)
    dest = out.resolve() if out else dated_path(h.outbox, "账本备份", ".db", township_today(h))
    try:
        rows = backup_ledger(h.database_url, dest)
    except BackupError as exc:
        raise Refusal(str(exc)) from exc
    console.print(f"已备份账本（{rows} 条报送记录）：", highlight=False)
    typer.echo(str(dest))
