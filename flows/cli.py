"""The `township` command (DESIGN §6). Domain errors become a message and an exit code here, at the edge."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from flows.prefect_env import configure_prefect
from flows.server import use_home_server
from tasks.home import HomeError, init_home, open_home, resolve_home

app = typer.Typer(help="乡镇月报表流水线：收表、校验、入库、回执、催报、汇总，年底生成法治政府建设情况报告草稿。",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

HomeOpt = Annotated[Optional[Path], typer.Option("--home", help="实例目录（默认 $TOWNSHIP_HOME，再默认当前目录）")]
DEMO_MARKER = ".township-demo"


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示 Prefect 日志")] = False) -> None:
    configure_prefect(verbose)


def _home(home: Optional[Path]):
    try:
        return open_home(resolve_home(home))
    except HomeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


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
    from tasks.periods import parse_period
    from tasks.template import ReturnContent, write_return

    h = _home(home)
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
def ingest(home: HomeOpt = None,
           unit: Annotated[Optional[list[str]], typer.Option("--unit", help="只处理这些单位的文件夹（可多次给出）")] = None,
           ) -> None:
    """Run one ingest now: every settled file in inbox/<unit>/ is validated, stored, answered and archived.

    Exits 0 when the run happened, whatever files it refused; 3 when another run holds the lock.
    Uses the Prefect server of a running `township serve` of this home, if any.
    Example: township ingest --home ./xiatang
    """
    h = _home(home)
    use_home_server(h.root)
    from flows.ingest import SKIPPED, run_ingest
    from flows.progress import inbox_progress, waiting_files
    with inbox_progress(console, waiting_files(h.root, unit), "入库中（Prefect 流程 ingest-returns）…"):
        state = run_ingest(home=str(h.root), units=unit or None, return_state=True)
    if state.name == SKIPPED:
        err.print(f"[yellow]{state.message}[/yellow]")
        raise typer.Exit(3)
    console.print(state.result().line(), soft_wrap=True)


@app.command()
def status(home: HomeOpt = None,
           as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
           period: Annotated[Optional[str], typer.Option(help="2024-03、2024-Q1 或 2024")] = None) -> None:
    """Show every submission with its findings, and which units have not reported.

    Example: township status --home ./xiatang --json --period 2024-03
    """
    from tasks.db import make_engine, migrate
    from tasks.periods import months_of
    from tasks.status import status_report

    h = _home(home)
    engine = make_engine(h.database_url)
    migrate(engine)
    report = status_report(h, engine, months_of(period) if period else None)
    engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
        return
    _status_table(report)


def _status_table(report) -> None:
    table = Table(title="报送情况")
    for col in ("单位", "报告期", "文件", "状态", "问题"):
        table.add_column(col)
    labels = {"accepted": "[green]已接收[/green]", "accepted_with_warnings": "[yellow]已接收（有提示）[/yellow]",
              "rejected": "[red]已退回[/red]", "duplicate": "重复", "superseded": "[dim]已被更正[/dim]"}
    for s in report.submissions:
        table.add_row(s["unit_name"] or s["unit"], s["period"] or "—", s["file"], labels.get(s["status"], s["status"]),
                      "\n".join(f"{i['place']} {i['message']}" for i in s["issues"][:3])
                      + (f"\n…另 {len(s['issues']) - 3} 条" if len(s["issues"]) > 3 else ""))
    console.print(table)
    for m in report.missing:
        if m["units"]:
            console.print(f"[bold]{m['period']}[/bold] 未报送：" + "、".join(u["name"] for u in m["units"]))
    if report.unregistered:
        console.print("[yellow]不在已登记单位文件夹中的文件：[/yellow]" + "、".join(report.unregistered))


@app.command()
def report(home: HomeOpt = None,
           year: Annotated[int, typer.Option(help="年度")] = dt.date.today().year,
           out: Annotated[Optional[Path], typer.Option(help="输出 .docx 路径（默认 outbox/ 下带日期的文件名）")] = None,
           pdf: Annotated[bool, typer.Option("--pdf", help="再用 LibreOffice 转一份 PDF 预览")] = False,
           deliver: Annotated[bool, typer.Option("--deliver", help="按 township.toml 的 [delivery] 发邮件")] = False,
           ) -> None:
    """Render the annual report draft (.docx) from stored returns; prints its path (then the PDF's).

    Exits 1 when the draft was made but the PDF or the e-mail asked for could not be.
    Example: township report --home ./xiatang --year 2024 --pdf --deliver
    """
    h = _home(home)
    use_home_server(h.root)
    from flows.outputs import deliver_now, pdf_preview
    from flows.report import run_annual_report
    path = Path(run_annual_report(home=str(h.root), year=year, out=str(out.resolve()) if out else None,
                                  deliver=False))
    typer.echo(str(path))
    codes = [pdf_preview(path, console, err)] if pdf else []
    if deliver:
        codes.append(deliver_now(h.root, f"{year}年法治政府建设情况报告（草稿）", [path], err))
    raise typer.Exit(max(codes, default=0))


@app.command()
def check(file: Annotated[Path, typer.Argument(help="要检查的报表文件")],
          unit: Annotated[Optional[str], typer.Option(help="按哪个单位的文件夹检查（默认取文件所在文件夹名）")] = None,
          home: HomeOpt = None) -> None:
    """Validate one file without storing anything (a dry run before the deadline).

    Example: township check 2024-03月报表.xlsx --unit 410423105201 --home ./xiatang
    """
    from tasks.ingest import judge_isolated
    from tasks.validate import Context

    h = _home(home)
    folder = unit or file.resolve().parent.name
    # The same pre-checks and limited child as the ingest: a hostile file must not kill this command either.
    verdict = judge_isolated(file.read_bytes(), Context(folder, h.registry, h.catalog, dt.date.today(),
                                                        h.settings.max_count), h.settings.limits)
    found = verdict.findings
    table = Table(title=f"{file.name}：" + ("可以接收" if verdict.ok else "将被退回"))
    for col in ("位置", "级别", "问题", "怎么办"):
        table.add_column(col)
    for f in found:
        table.add_row(f.place, {"error": "[red]错误[/red]", "warning": "[yellow]提示[/yellow]"}.get(f.level, "说明"),
                      f.message, f.hint)
    console.print(table if found else f"{file.name}：未发现问题")
    raise typer.Exit(0 if verdict.ok else 1)


@app.command()
def demo(directory: Annotated[Path, typer.Argument(help="演示实例目录")] = Path("township-demo"),
         year: Annotated[int, typer.Option(help="演示数据年度")] = 2024) -> None:
    """Build a demo home with a year of sample returns (the reference report's totals), ingest them
    through the real flow, render the draft; prints the draft's path as the last line.

    Example: township demo ./demo-home
    """
    from tasks.demo import make_demo

    root = directory.resolve()
    if root.exists() and any(root.iterdir()):
        if not (root / DEMO_MARKER).exists():
            err.print(f"[red]{root} 已存在且不是演示目录，请换一个目录[/red]")
            raise typer.Exit(2)
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / DEMO_MARKER).write_text("township demo home; `township demo` may delete and rebuild it\n")
    with console.status("生成演示报表…"):
        home, count = make_demo(root, year)
    console.print(f"已在 {home.inbox} 放入 {count} 份月报表（{len(home.registry.units)} 个单位 × 12 个月）")
    from flows.ingest import run_ingest
    from flows.progress import inbox_progress, waiting_files
    from flows.report import run_annual_report
    with inbox_progress(console, waiting_files(root, None), "入库（Prefect 流程 ingest-returns）…"):
        summary = run_ingest(home=str(root), batch_size=home.settings.batch_size)
    console.print(summary.line(), soft_wrap=True)
    with console.status("生成年度报告草稿（Prefect 流程 annual-report）…"):
        path = run_annual_report(home=str(root), year=year)
    typer.echo(path)


@app.command()
def summary(home: HomeOpt = None,
            period: Annotated[Optional[str], typer.Option(help="2024-03、2024-Q1 或 2024（默认上个月）")] = None,
            deliver: Annotated[bool, typer.Option("--deliver", help="按 township.toml 的 [delivery] 发邮件")] = False,
            ) -> None:
    """The period workbook (汇总、分单位、报送情况、问题清单、催报名单) and a 催报 notice to paste into
    the units' WeChat group; prints the notice, then the workbook's path.

    Example: township summary --home ./xiatang --period 2024-Q1
    """
    from tasks.periods import months_of, previous_month

    h = _home(home)
    spec = period or previous_month(dt.date.today())
    try:
        months_of(spec)
    except ValueError as exc:
        err.print(f"[red]报告期“{spec}”无法识别，请写成 2024-03、2024-Q1 或 2024[/red]")
        raise typer.Exit(2) from exc
    from flows.outputs import deliver_now
    from flows.summary import period_summary
    files = period_summary(home=str(h.root), period=spec, deliver=False)
    console.print(files.text, soft_wrap=True, highlight=False, markup=False)
    console.print(f"（已存为 {files.notice}）", soft_wrap=True, highlight=False, markup=False)
    code = deliver_now(h.root, files.title, [files.workbook], err) if deliver else 0
    typer.echo(str(files.workbook))
    raise typer.Exit(code)


@app.command()
def bench(files: Annotated[int, typer.Option(help="生成的报表份数")] = 1000,
          repeat: Annotated[int, typer.Option(help="重复次数，取中位数")] = 1,
          naive: Annotated[bool, typer.Option("--naive/--no-naive", help="是否运行朴素对照")] = True,
          county_units: Annotated[int, typer.Option(help="年度报告基准的单位数（×12 个月）")] = 400,
          as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """The benchmark: floor, township and naive side by side on the same files, then the annual draft.

    Example: township bench --files 1000 --repeat 3 --json
    """
    from flows.bench import run_bench

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


# serve and deploy live in flows/cli_ops.py; importing it registers them on `app`.
from flows import cli_ops  # noqa: E402,F401

if __name__ == "__main__":
    app()
