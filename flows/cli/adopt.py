"""`township adopt`: a township's own earlier report becomes its draft template and catalog (DESIGN §7)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.app import HomeOpt, command, console, err, home_or_exit


@command()
def adopt(report: Annotated[Path, typer.Argument(metavar="报告", help="去年的报告（.docx，或一行一段的 .txt）")],
          home: HomeOpt = None,
          name: Annotated[str, typer.Option("--name", metavar="名称",
                                            help="模板名称：写到 templates/<名称>.docx")] = "annual_report",
          as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """把本镇去年的报告变成今年的模板和指标目录：每个数字（12次、70余起、2万余人次）变成占位符和指标；
    年份、日期、序号、引号里的名称、电话号码等不是数字的，逐个说明跳过的原因。

    之后 township template --all 给各单位发含新指标的月报表，township report（另取名时加
    --template 名称）按报告自己的说法生成今年的草稿。
    示例：township adopt 2024年法治政府建设情况的报告.docx --home ./xiatang
    """
    from tasks.adoption.adopt import adopt as adopt_report
    from tasks.adoption.source import ReportUnreadable

    h = home_or_exit(home)
    try:
        result = adopt_report(report.expanduser().resolve(), h, name)
    except ReportUnreadable as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from exc
    except ValueError as exc:  # the merged catalog would not load (two names for one indicator …)
        err.print(f"[red]合并指标目录失败，未写入任何文件：{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
        return
    review(result)


def review(result) -> None:
    """The operator's check: each figure and the indicator it became, then what was skipped and why."""
    from tasks.adoption.carried import said as carried_said

    table = Table(title=f"报告中的数字（{len(result.figures)} 个）→ 指标")
    for col in ("段", "原文", "指标代码", "指标名称", "单位", "说法", ""):
        table.add_column(col, overflow="fold")
    for f in result.figures:  # a stock says so after its stating: its year is each unit's latest, summed
        way = f.way() + ("·[bold]期末数[/bold]" if f.kind == "stock" else "")
        table.add_row(f.place or str(f.paragraph), f.phrase, f.code,
                      escape(f.name) + ("" if f.name_ok else " [red]（待定名）[/red]"), f.unit, way,
                      "[green]新增[/green]" if f.new else "已有")
    console.print(table)
    for f in result.figures:  # a name a clerk could not fill: said, and asked, never left silently
        if not f.name_ok:
            console.print(f"[red]请定名[/red]：第{f.paragraph}段“{escape(f.phrase)}”（{f.code}）——{escape(f.ask)}",
                          soft_wrap=True, highlight=False)
    skipped = Table(title=f"跳过的数字（{len(result.skipped)} 个）")
    for col in ("段", "原文", "原因"):
        skipped.add_column(col, overflow="fold")
    for s in result.skipped:
        skipped.add_row(s.place or str(s.paragraph), escape(s.text), s.reason)
    console.print(skipped)
    if any(f.kind == "stock" for f in result.figures):
        console.print("期末数：月末现有的数量（网格、法律顾问、清单事项…），年度数取各单位最近一个月的数相加，不逐月相加；"
                      "判断有误的，可在指标目录中把该指标的 kind 改为 flow 或 stock。", highlight=False, markup=False)
    if result.dropped:
        console.print("本实例尚无月报表，指标目录中本报告和其他模板都没有写到的参考指标已删去："
                      + "、".join(n for _, n in result.dropped), soft_wrap=True, highlight=False, markup=False)
    if result.kept:
        console.print("以下指标没有任何模板写到，因库中已有数据（或为本镇自设）仍保留在指标目录中（本年有数据的"
                      "仍列入月报表），不再用的请从 indicators.yaml 删去：" + "、".join(f"{n}（{c}）" for c, n in result.kept),
                      soft_wrap=True, highlight=False, markup=False)
    for w in result.warnings:
        console.print(f"[yellow]{escape(w)}[/yellow]")
    for line in carried_said(list(result.literals)):
        console.print(line, highlight=False, markup=False)
    console.print(f"模板：{result.template}\n指标目录：{result.catalog}", soft_wrap=True, highlight=False,
                  markup=False)
    console.print("下一步：township template --all 给各单位新的月报表模板；township report 按此模板生成草稿。",
                  highlight=False, markup=False)
