"""`township demo` and `township bench`: a sample township and the benchmark."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.app import command, console
from flows.cli.edge import Refusal

DEMO_MARKER = ".township-demo"


@command()
def demo(directory: Annotated[Path, typer.Argument(metavar="目录", help="演示实例目录")] = Path("township-demo"),
         year: Annotated[int, typer.Option(metavar="年份", min=2000, max=2100, help="演示数据年度")] = 2024) -> None:
    """生成一个演示实例：一年的示例月报表（合计与参考报告一致），用真实流程入库，再生成年度报告草稿；
    最后一行输出草稿路径。

    示例：township demo ./demo-home
    """
    from tasks.samples.demo import OWN_REPORT_NAME, make_demo

    root = directory.resolve()
    if root.exists() and any(root.iterdir()):
        if not (root / DEMO_MARKER).exists():
            raise Refusal(f"{root} 已存在且不是演示目录，请换一个目录")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / DEMO_MARKER).write_text("township demo home; `township demo` may delete and rebuild it\n")
    with console.status("生成演示报表…"):
        home, count = make_demo(root, year)
    console.print(f"已在 {home.inbox} 放入 {count} 份月报表（{len(home.registry.units)} 个单位 × 12 个月）")
    console.print(f"下汤镇自己的2024年报告：{root / OWN_REPORT_NAME}"
                  "（township adopt 可把它变成模板，见 docs/office/own-report.md）", soft_wrap=True, highlight=False,
                  markup=False)
    from flows.annual_report import run_annual_report
    from flows.cli.progress import inbox_progress, waiting_files
    from flows.ingest_returns import run_ingest
    with inbox_progress(console, waiting_files(home, None), "入库（Prefect 流程 ingest-returns）…"):
        summary = run_ingest(home=str(root), batch_size=home.settings.batch_size)
    console.print(summary.line(), soft_wrap=True)
    with console.status("生成年度报告草稿（Prefect 流程 annual-report）…"):
        path = run_annual_report(home=str(root), year=year)
    typer.echo(path)


@command()
def bench(files: Annotated[int, typer.Option(metavar="份数", min=1, help="生成的报表份数")] = 1000,
          repeat: Annotated[int, typer.Option(metavar="次数", min=1, help="重复次数，取中位数")] = 1,
          naive: Annotated[bool, typer.Option("--naive/--no-naive", help="是否运行朴素对照")] = True,
          county_units: Annotated[int, typer.Option(metavar="单位数", min=1, help="年度报告基准的单位数（×12 个月）")] = 400,
          as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """基准测试：在同一批文件上并列运行下限（floor）、township 和朴素对照（naive），再测年度报告草稿。

    示例：township bench --files 1000 --repeat 3 --json
    """
    from flows.bench.harness import run_bench

    result = run_bench(files, repeat=repeat, naive=naive, county_units=county_units)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"基准测试：{files} 份报表（{repeat} 次中位数）")
    table.add_column("指标")
    table.add_column("值", justify="right")
    for key, value in result.items():
        if key != "rounds":
            table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)
