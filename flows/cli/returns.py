"""`township init`, `template` and `check`: a home, a blank return, a dry run of one file."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.app import HomeOpt, app, console, err, home_or_exit, shown
from tasks.home import init_home
from tasks.returns.clerk_text import for_terminal


@app.command()
def init(directory: Annotated[Path, typer.Argument(help="新实例目录")]) -> None:
    """Create a home: township.toml, units.yaml, indicators.yaml and one inbox folder per unit.

    Example: township init ./xiatang
    """
    home = init_home(directory.resolve())
    console.print(f"已创建实例 {home.root}（{len(home.registry.units)} 个报送单位）；编辑 units.yaml 登记本镇单位。")


@app.command()
def template(home: HomeOpt = None,
             unit: Annotated[Optional[str], typer.Option(help="单位代码，预填单位名称和代码")] = None,
             period: Annotated[Optional[str], typer.Option(help="报告期，如 2024-03")] = None,
             out: Annotated[Optional[Path], typer.Option(help="输出文件")] = None,
             all_units: Annotated[bool, typer.Option("--all", help="为每个单位放一份到 inbox/<单位>/模板/")] = False) -> None:
    """Write a blank return (DESIGN §3) for a unit and period.

    Example: township template --home ./xiatang --unit 410423105201 --period 2024-03 --out 下汤村-2024-03.xlsx
    """
    from tasks.returns.blank import ReturnContent, write_return
    from tasks.returns.periods import parse_period

    h = home_or_exit(home)
    units = h.registry.by_code()
    if period and parse_period(period).period is None:
        err.print(f"[red]报告期“{period}”无法识别，请写成 2024-03[/red]")
        raise typer.Exit(2)
    key = parse_period(period).period if period else ""
    if all_units:
        for u in h.registry.units:
            path = write_return(h.template_dir(u.code) / f"{key or '空白'}月报表模板.xlsx", h.catalog,
                                ReturnContent(h.registry.township.name, u, key or ""))
            typer.echo(str(path))
        return
    if unit and unit not in units:
        err.print(f"[red]单位代码 {unit} 不在 units.yaml 中[/red]")
        raise typer.Exit(2)
    target = out or Path(f"{unit or '空白'}-{key or '月报表'}.xlsx")
    path = write_return(target, h.catalog, ReturnContent(h.registry.township.name, units.get(unit) if unit else None,
                                                         key or ""))
    typer.echo(str(path.resolve()))


@app.command()
def check(file: Annotated[Path, typer.Argument(help="要检查的报表文件")],
          unit: Annotated[Optional[str], typer.Option(help="按哪个单位的文件夹检查（默认取文件所在文件夹名）")] = None,
          home: HomeOpt = None) -> None:
    """Validate one file without storing anything (a dry run before the deadline).

    Example: township check 2024-03月报表.xlsx --unit 410423105201 --home ./xiatang
    """
    from tasks.intake.isolate import judge_isolated
    from tasks.returns.guard import max_file_bytes, too_large
    from tasks.returns.validate import Context
    from tasks.returns.verdict import OVERSIZE, refused

    h = home_or_exit(home)
    folder = unit or file.resolve().parent.name
    limits = h.settings.limits
    # The same bounds, pre-checks and limited child as the ingest: a hostile file must not kill this
    # command either (its size is judged before a byte of it is read).
    with open(file, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(max_file_bytes(limits) + 1) if size <= max_file_bytes(limits) else b""
    big = too_large(max(size, len(data)), limits)
    ctx = Context(folder, h.registry, h.catalog, dt.date.today(), h.settings.max_count)
    verdict = refused(OVERSIZE, big) if big else judge_isolated(data, ctx, limits)
    found = verdict.findings
    table = Table(title=Text(for_terminal(f"{file.name}：" + ("可以接收" if verdict.ok else "将被退回"))))
    for col in ("位置", "级别", "问题", "怎么办"):
        table.add_column(col)
    for f in found:
        table.add_row(shown(f.place), {"error": "[red]错误[/red]", "warning": "[yellow]提示[/yellow]"}.get(f.level, "说明"),
                      shown(f.message), shown(f.hint))
    console.print(table if found else shown(f"{file.name}：未发现问题"))
    raise typer.Exit(0 if verdict.ok else 1)
