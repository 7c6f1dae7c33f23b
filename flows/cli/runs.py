"""`township ingest`, `status`, `report` and `summary`: the runs an operator starts and what they show."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from flows.cli.app import HomeOpt, app, console, err, home_or_exit
from flows.server import use_home_server


@app.command()
def ingest(home: HomeOpt = None,
           unit: Annotated[Optional[list[str]], typer.Option("--unit", help="只处理这些单位的文件夹（可多次给出）")] = None,
           ) -> None:
    """Run one ingest now: every settled file in inbox/<unit>/ is validated, stored, answered and archived.

    Exits 0 when the run happened, whatever files it refused; 3 when another run holds the lock; 4 when
    a fault of ours (a database away or locked, a full disk, a lost ledger) stopped it or kept files
    back: they stay in the inbox for the next run.
    Uses the Prefect server of a running `township serve` of this home, if any.
    Example: township ingest --home ./xiatang
    """
    h = home_or_exit(home)
    use_home_server(h.root)
    from flows.cli.progress import inbox_progress, waiting_files
    from flows.ingest_returns import SKIPPED, run_ingest
    with inbox_progress(console, waiting_files(h, unit), "入库中（Prefect 流程 ingest-returns）…"):
        state = run_ingest(home=str(h.root), units=unit or None, return_state=True)
    if state.name == SKIPPED:
        err.print(f"[yellow]{state.message}[/yellow]")
        raise typer.Exit(3)
    if not state.is_completed():
        err.print(state.message or "本次入库未完成", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(4)
    console.print(state.result().line(), soft_wrap=True)


@app.command()
def status(home: HomeOpt = None,
           as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
           period: Annotated[Optional[str], typer.Option(help="2024-03、2024-Q1 或 2024")] = None) -> None:
    """Show every submission with its findings, and which units have not reported.

    Example: township status --home ./xiatang --json --period 2024-03
    """
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.presence import LedgerMissing
    from tasks.returns.periods import months_of
    from tasks.summaries.status import status_report

    h = home_or_exit(home)
    try:
        with open_ledger(h.database_url, h.archive) as engine:
            report = status_report(h, engine, months_of(period) if period else None)
    except LedgerMissing as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(4) from exc
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
    h = home_or_exit(home)
    use_home_server(h.root)
    from flows.annual_report import run_annual_report
    from flows.cli.outputs import deliver_now, pdf_preview
    path = Path(run_annual_report(home=str(h.root), year=year, out=str(out.resolve()) if out else None,
                                  deliver=False))
    typer.echo(str(path))
    codes = [pdf_preview(path, console, err)] if pdf else []
    if deliver:
        codes.append(deliver_now(h, f"{year}年法治政府建设情况报告（草稿）", [path], err))
    raise typer.Exit(max(codes, default=0))


@app.command()
def summary(home: HomeOpt = None,
            period: Annotated[Optional[str], typer.Option(help="2024-03、2024-Q1 或 2024（默认上个月）")] = None,
            deliver: Annotated[bool, typer.Option("--deliver", help="按 township.toml 的 [delivery] 发邮件")] = False,
            ) -> None:
    """The period workbook (汇总、分单位、报送情况、问题清单、催报名单) and a 催报 notice to paste into
    the units' WeChat group; prints the notice, then the workbook's path.

    Example: township summary --home ./xiatang --period 2024-Q1
    """
    from tasks.returns.periods import months_of, previous_month

    h = home_or_exit(home)
    spec = period or previous_month(dt.date.today())
    try:
        months_of(spec)
    except ValueError as exc:
        err.print(f"[red]报告期“{spec}”无法识别，请写成 2024-03、2024-Q1 或 2024[/red]")
        raise typer.Exit(2) from exc
    from flows.cli.outputs import deliver_now
    from flows.period_summary import period_summary
    files = period_summary(home=str(h.root), period=spec, deliver=False)
    console.print(files.text, soft_wrap=True, highlight=False, markup=False)
    console.print(f"（已存为 {files.notice}）", soft_wrap=True, highlight=False, markup=False)
    code = deliver_now(h, files.title, [files.workbook], err) if deliver else 0
    typer.echo(str(files.workbook))
    raise typer.Exit(code)
