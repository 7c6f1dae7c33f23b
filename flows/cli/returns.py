"""`township init`, `template` and `check`: a home, a blank return, a dry run of one file."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from flows.cli.app import HomeOpt, command, console, err, home_or_exit, shown
from flows.cli.edge import Refusal
from flows.cli.options import PeriodOpt, known_unit, out_option
from tasks.home import init_home, township_today


@command()
def init(directory: Annotated[str, typer.Argument(metavar="目录", help="新实例目录")]) -> None:
    """新建一个实例目录：township.toml（设置）、units.yaml（单位名录）、indicators.yaml（指标目录），
    以及每个单位的收件文件夹 inbox/<单位代码>/。已有的文件不会被覆盖。

    示例：township init ./xiatang
    """
    if not directory.strip():  # "" would be the current directory: a slip, not a choice
        raise Refusal("请写出新实例的目录，例如 township init ./xiatang（当前目录请写 .）")
    home = init_home(Path(directory).expanduser().resolve())
    console.print(f"已创建实例 {home.root}（{len(home.registry.units)} 个报送单位）；编辑 units.yaml 登记本镇单位。",
                  soft_wrap=True, markup=False)


@command()
def template(home: HomeOpt = None,
             unit: Annotated[Optional[str], typer.Option(metavar="单位代码", help="单位代码，预填单位名称和代码")] = None,
             period: PeriodOpt = None,
             out: out_option("输出文件（所在文件夹须已存在）") = None,
             all_units: Annotated[bool, typer.Option("--all", help="为每个单位放一份到 inbox/<单位>/模板/")] = False) -> None:
    """生成一份空白月报表（模板），可预填单位和报告期。

    示例：township template --home ./xiatang --unit 410423105201 --period 2024-03 --out 下汤村-2024-03.xlsx
    """
    from tasks.delivery.outbox import write_atomic
    from tasks.drafts.stated import returns_catalog
    from tasks.errors import describe
    from tasks.home import TEMPLATE_DIR
    from tasks.intake.unit_folder import UnitFolder
    from tasks.returns.blank import ReturnContent, return_bytes
    from tasks.returns.periods import in_words, month_of, months_ahead

    h = home_or_exit(home)
    units = h.registry.by_code()
    today = township_today(h)
    if period and len(period) != 7:
        raise Refusal(f"模板按月填写：--period 请写一个月份，如 {month_of(today, -1)}")
    if period and months_ahead(period, today) > 1:  # 2099-01: a typo, not a plan
        raise Refusal(f"报告期 {period} 太远：现在是 {in_words(month_of(today))}，模板最多提前一个月生成"
                      f"（到 {month_of(today, 1)}）；本月应报的是 {month_of(today, -1)}")
    key = period or ""
    # the township's indicators only: those its report templates state, and those with data this year
    catalog = returns_catalog(h, int(key[:4]) if key else today.year)
    if all_units:
        h.inbox.mkdir(exist_ok=True)
        name, skipped = f"{key or '空白'}月报表模板.xlsx", 0
        for u in h.registry.units:  # through the unit's folder: a clerk's link in 模板/ is never followed
            data = return_bytes(catalog, ReturnContent(h.registry.township.name, u, key))
            try:
                h.unit_inbox(u.code).mkdir(exist_ok=True)
                with UnitFolder(h.inbox, u.code) as folder:
                    folder.write_file(TEMPLATE_DIR, name, data)
            except OSError as exc:  # one unit's folder never stops the others'
                skipped += 1
                err.print(f"{u.name}（{u.code}）的 {TEMPLATE_DIR}/ 无法写入（{describe(exc)}），已跳过；"
                          f"请确认它是本单位文件夹中的普通文件夹，不是链接", soft_wrap=True, markup=False)
                continue
            typer.echo(str(h.template_dir(u.code) / name))
        raise typer.Exit(1 if skipped else 0)
    if unit is not None:
        known_unit(h, unit)
    target = out or Path(f"{unit or '空白'}-{key or '月报表'}.xlsx").absolute()
    content = ReturnContent(h.registry.township.name, units.get(unit) if unit else None, key)
    typer.echo(str(write_atomic(target, return_bytes(catalog, content))))


LEVELS = {"error": "[red]错误[/red]", "warning": "[yellow]提示[/yellow]"}


@command()
def check(file: Annotated[Path, typer.Argument(metavar="文件", help="要检查的报表文件", exists=True, dir_okay=False)],
          unit: Annotated[Optional[str], typer.Option(metavar="单位代码",
                                                      help="按哪个单位的文件夹检查（默认取文件所在文件夹名）")] = None,
          home: HomeOpt = None,
          as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """检查一份报表但不入库（截止日前的试报）：列出每个问题的位置、说明和改法。
    可以接收时退出码 0，将被退回时 1。

    示例：township check 2024-03月报表.xlsx --unit 410423105201 --home ./xiatang
    """
    from tasks.intake.forked import judge_forked
    from tasks.intake.receipt import in_order
    from tasks.returns.guard import max_file_bytes, too_large
    from tasks.returns.validate import Context
    from tasks.returns.verdict import OVERSIZE, refused

    h = home_or_exit(home)
    if unit:
        known_unit(h, unit)
    folder = unit or file.resolve().parent.name
    limits = h.settings.limits
    # The same bounds and pre-checks as the ingest, in a forked child held to the same limits: a hostile
    # file must not kill this command either (its size is judged before a byte of it is read).
    data, size = _regular_file_bytes(file, max_file_bytes(limits))
    big = too_large(max(size, len(data)), limits)
    ctx = Context(folder, h.registry, h.catalog, township_today(h), h.settings.max_count)
    verdict = refused(OVERSIZE, big) if big else judge_forked(data, ctx, limits)
    found = verdict.findings
    if as_json:
        import json

        sys.stdout.write(json.dumps({"file": str(file), "unit": folder, "ok": verdict.ok,
                                     "period": verdict.checked.period if verdict.checked else None,
                                     "findings": [f.as_dict() for f in found]}, ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(0 if verdict.ok else 1)
    table = Table(title=shown(f"{file.name}：" + ("可以接收" if verdict.ok else "将被退回")))
    for col in ("位置", "级别", "问题", "怎么办"):
        table.add_column(col, overflow="fold")  # wrapped, never cut with "…"
    for f in in_order(found):  # errors first; clerks' values quoted in messages: plain text, never markup
        table.add_row(shown(f.place), LEVELS.get(f.level, "说明"), shown(f.message), shown(f.hint))
    console.print(table if found else shown(f"{file.name}：未发现问题"))
    raise typer.Exit(0 if verdict.ok else 1)


def _regular_file_bytes(file: Path, limit: int) -> tuple[bytes, int]:
    """The file's bytes (up to limit + 1) and its size, read only from a regular file: opened without
    blocking, so a FIFO, a device or a socket is refused, never waited on
    (a FIFO opened for reading blocks until someone writes); the descriptor checked is the one read."""
    import stat

    fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refusal(f"“{file}”不是普通文件（是管道、设备或套接字），无法检查")
        return (fh.read(limit + 1) if st.st_size <= limit else b""), st.st_size
