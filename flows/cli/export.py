"""`township export`: the ledger's values for a year or a month as a file the county's analysts open
(issue 29). Reads only: no flow, no write to the ledger."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from flows.cli.app import HomeOpt, command, err, home_or_exit
from flows.cli.edge import Refusal
from flows.cli.options import PeriodOpt, out_option

FORMAT_WORDS = "xlsx（Excel）、csv（UTF-8，Excel 可直接打开）或 parquet（供程序读取）"


def _format(value: str) -> str:
    from tasks.ledger.export import FORMATS

    shown = value.strip().lower().lstrip(".")
    if shown not in FORMATS:
        raise typer.BadParameter(f"格式“{value}”不支持：只能是 {FORMAT_WORDS}")
    return shown


@command()
def export(home: HomeOpt = None,
           year: Annotated[Optional[int], typer.Option(metavar="年份", min=2000, max=2100,
                                                       help="年度，如 2024（默认本镇时区的今年）")] = None,
           period: PeriodOpt = None,
           fmt: Annotated[str, typer.Option("--format", metavar="格式", callback=_format,
                                            help=f"{FORMAT_WORDS}")] = "xlsx",
           out: out_option("输出文件（默认 outbox/ 下带日期的文件名；已有同名文件时另存为 -2、-3，绝不覆盖；"
                           "所在文件夹须已存在）") = None,
           all_versions: Annotated[bool, typer.Option("--all-versions",
                                                      help="连同被更正取代的旧版本一起导出（默认只导出当前有效版本）")] = False,
           ) -> None:
    """把已入库的月报表数据导出为分析用的表格：每行一个单位、一个月份、一项指标的数值，附“说明”
    （每一列的含义）。数据与年度报告草稿一致（只取当前有效版本）。输出所写文件的路径。

    xlsx 的“说明”是一个工作表；csv 和 parquet 的“说明”另存在旁边（文件名加 .说明.txt）。
    parquet 需要可选组件 parquet：pip install 'township\\[parquet]'。

    示例：township export --home ./xiatang --year 2024 --format csv --out 下汤镇-2024.csv
    """
    if year is not None and period is not None:
        raise Refusal("--year 和 --period 只能给一个：整年用 --year 2024，某月或某季用 --period 2024-03")
    from tasks.ledger import frame_files

    if fmt == "parquet" and not frame_files.parquet_ready():
        raise Refusal(frame_files.NO_PARQUET)
    h = home_or_exit(home)
    from tasks.home import township_today
    from tasks.ledger.export import export as export_values
    from tasks.ledger.export import spec_of

    spec = spec_of(year, period, township_today(h))
    done = export_values(h, spec, fmt, out, township_today(h), all_versions)
    if not done.rows:
        err.print(f"提示：{spec} 没有已入库的月报表数据，导出的表格只有表头。", soft_wrap=True, markup=False,
                  highlight=False, style="yellow")
    if done.explanation is not None:
        err.print(f"（说明已存为 {done.explanation}）", soft_wrap=True, markup=False, highlight=False)
    typer.echo(str(done.path))
