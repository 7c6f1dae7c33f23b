"""`township serve` and `township deploy`: the operations side of the CLI (issue 4)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.cli.app import HomeOpt, app, console, err, home_or_exit


@app.command()
def serve(home: HomeOpt = None, port: Annotated[int, typer.Option(help="Prefect 服务（界面）端口")] = 4200,
          host: Annotated[str, typer.Option(help="Prefect 服务监听地址")] = "127.0.0.1") -> None:
    """Start a Prefect server (its database under <home>/.prefect) unless PREFECT_API_URL points at a
    running one, serve ingest-returns / period-summary / annual-report on their schedules, and ingest a
    dropped file as soon as it settles. Runs until Ctrl-C, which stops everything it started.

    Example: township serve --home ./xiatang --port 4200
    """
    from flows.serve import serve_home
    from flows.server import ServerError

    h = home_or_exit(home)
    try:
        serve_home(h, host, port, console)
    except ServerError as exc:
        err.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc


@app.command()
def deploy(home: HomeOpt = None, pool: Annotated[str, typer.Option(help="Prefect 工作池名称")] = "township") -> None:
    """Register the deployments (and the dispatcher dispatch-ingest) to a process work pool on the Prefect
    server PREFECT_API_URL points at; workers elsewhere run them: prefect worker start --pool NAME.

    Example: PREFECT_API_URL=http://10.0.0.5:4200/api township deploy --home /mnt/returns/xiatang --pool township
    """
    from flows.server import is_reachable

    h = home_or_exit(home)
    api = os.environ.get("PREFECT_API_URL", "")
    if not api or not is_reachable(api):
        err.print("[red]请先设置 PREFECT_API_URL 指向正在运行的 Prefect 服务（如 http://服务器:4200/api）[/red]")
        raise typer.Exit(2)
    from flows.serve import deploy_home
    if h.database_url.startswith("sqlite"):
        err.print("[yellow]提示：township.toml 的 database_url 是 SQLite，只适合一台机器；多台机器请用 PostgreSQL[/yellow]")
    for name in deploy_home(h, pool, console):
        console.print(f"已登记 {name} → 工作池 {pool}")
    console.print(f"在各台机器上启动 worker：prefect worker start --pool {pool}")


@app.command()
def backup(home: HomeOpt = None,
           out: Annotated[Optional[Path], typer.Option(help="备份文件（默认 outbox/账本备份-日期.db）")] = None) -> None:
    """Back up the SQLite ledger with SQLite's online backup API (safe while runs go on): one
    self-contained file to keep. Copying township.db by hand may miss rows still in township.db-wal.
    To restore, stop township and copy the backup over township.db (removing any township.db-wal).

    Example: township backup --home ./xiatang --out /mnt/u盘/xiatang-账本.db
    """
    from tasks.delivery.outbox import dated_path
    from tasks.home import township_today
    from tasks.ledger.backup import BackupError, backup_ledger

    h = home_or_exit(home)
    dest = out.resolve() if out else dated_path(h.outbox, "账本备份", ".db", township_today(h))
    try:
        rows = backup_ledger(h.database_url, dest)
    except BackupError as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    except OSError as exc:
        from tasks.errors import describe
        err.print(f"备份失败：{describe(exc)}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(4) from exc
    console.print(f"已备份账本（{rows} 条报送记录）：", highlight=False)
    typer.echo(str(dest))
