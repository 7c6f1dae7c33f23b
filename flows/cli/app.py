"""The `township` app and what every command shares: the consoles, the --home option, opening a home.
Domain errors become a message and an exit code here, at the edge."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from flows.prefect_env import configure_prefect
from tasks.home import HomeError, open_home, resolve_home
from tasks.returns.clerk_text import for_terminal

app = typer.Typer(help="乡镇月报表流水线：收表、校验、入库、回执、催报、汇总，年底生成法治政府建设情况报告草稿。",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

HomeOpt = Annotated[Optional[Path], typer.Option("--home", help="实例目录（默认 $TOWNSHIP_HOME，再默认当前目录）")]


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示 Prefect 日志")] = False) -> None:
    configure_prefect(verbose)


def shown(text: str, lines: bool = False) -> Text:
    """Text that may hold a clerk's words, for the console: plain (a `[/]` is not markup) and without
    terminal escapes (a file name cannot colour, link or move the operator's terminal)."""
    return Text(for_terminal(str(text), lines))


def home_or_exit(home: Optional[Path]):
    try:
        return open_home(resolve_home(home))
    except HomeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
