"""`township ingest`, `status`, `report` and `summary`: the runs an operator starts and what they show."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from flows.cli.app import HomeOpt, command, console, err, home_or_exit, shown
from flows.cli.edge import Refusal
from flows.cli.options import PeriodOpt, known_units
from flows.server import use_home_server
from schemas.labels import REPORT_STATES
from tasks.home import township_today

DELIVER_HELP = f"按 township.toml 的 {escape('[delivery]')} 发邮件"  # escaped: rich markup would eat it


@command()
def ingest(home: HomeOpt = None,
           unit: Annotated[Optional[list[str]], typer.Option("--unit", metavar="单位代码",
                                                             help="只处理这些单位的文件夹（可多次给出）")] = None,
           ) -> None:
    """立即入库一次：inbox/<单位>/ 中每个已放稳的文件都会被校验、入库、回执、归档。

    运行完成即退出码 0（无论退回了多少文件）；另一个入库正持有锁时退出码 3；本机故障（数据库不可用或被占用、
    磁盘已满、账本丢失）使运行中止或有文件暂未处理时退出码 1，这些文件留在收件箱，下次运行继续处理。
    如本实例的 township serve 正在运行，就用它的 Prefect 服务。
    示例：township ingest --home ./xiatang
    """
    h = home_or_exit(home)
    known_units(h, unit)
    use_home_server(h.root)
    from flows.cli.progress import inbox_progress, waiting_files
    from flows.ingest_returns import SKIPPED, run_ingest
    with inbox_progress(console, waiting_files(h, unit), "入库中（Prefect 流程 ingest-returns）…"):
        state = run_ingest(home=str(h.root), units=unit or None, return_state=True)
    if state.name == SKIPPED:
        err.print(shown(state.message or ""), style="yellow")
        raise typer.Exit(3)
    if not state.is_completed():
        err.print(state.message or "本次入库未完成", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(shown(state.result().line(), lines=True), soft_wrap=True, highlight=False)


@command()
def status(home: HomeOpt = None,
           as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
           period: PeriodOpt = None) -> None:
    """列出每份报送及其问题，以及哪些单位还没有报送。

    示例：township status --home ./xiatang --json --period 2024-03
    """
    from tasks.ledger.migrate import open_ledger
    from tasks.returns.periods import months_of
    from tasks.summaries.status import status_report

    h = home_or_exit(home)
    with open_ledger(h.database_url, h.archive) as engine:  # a lost ledger: said (LedgerMissing), not remade
        report = status_report(h, engine, months_of(period) if period else None)
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
        return
    _status_table(report)


def _status_table(report) -> None:
    """Clerks' text (file names, the values quoted in findings) as plain text: never rich markup, never
    a terminal escape (`shown`)."""
    table = Table(title="报送情况")
    for col in ("单位", "报告期", "文件", "状态", "问题"):
        table.add_column(col, overflow="fold")  # wrapped, never cut with "…"
    labels = {"accepted": "[green]已接收[/green]", "accepted_with_warnings": "[yellow]已接收（有提示）[/yellow]",
              "rejected": "[red]已退回[/red]", "duplicate": "重复", "superseded": "[dim]已被更正[/dim]"}
    for s in report.submissions:
        issues = "\n".join(f"{i['place']} {i['message']}" for i in s["issues"][:3])
        more = f"\n另 {len(s['issues']) - 3} 条（township status --json 列出全部）" if len(s["issues"]) > 3 else ""
        table.add_row(shown(s["unit_name"] or s["unit"]), shown(s["period"] or "—"), shown(s["file"]),
                      labels.get(s["status"], shown(s["status"])), shown(issues + more, lines=True))
    console.print(table)
    for m in report.missing:
        if m["units"]:
            console.print(Text.assemble((m["period"], "bold"), " 未报送：" + "、".join(u["name"] for u in m["units"])))
    if report.unregistered:
        console.print("[yellow]未处理：以下文件不在已登记单位的文件夹中（请移到对应单位的文件夹，"
                      "或在 units.yaml 登记该单位）：[/yellow]", soft_wrap=True)
        for name in report.unregistered:
            console.print(shown(f"  inbox/{name}"), soft_wrap=True, highlight=False)
    for b in report.blocked:
        console.print(Text.assemble((f"单位 {b['unit']} 的文件夹有问题（{b['place']}）：", "red"), shown(b["message"])),
                      soft_wrap=True)
    from flows.cli.signoff import print_reports
    print_reports(report.reports)


@command()
def report(home: HomeOpt = None,
           year: Annotated[Optional[int], typer.Option(metavar="年份", min=2000, max=2100,
                                                       help="年度，如 2024（默认本镇时区的今年）")] = None,
           out: Annotated[Optional[Path], typer.Option(metavar="文件",
                                                       help="输出 .docx 路径（默认 outbox/ 下带日期的文件名；"
                                                            "已有同名文件时另存为 -2、-3，绝不覆盖）")] = None,
           pdf: Annotated[bool, typer.Option("--pdf", help="再用 LibreOffice 转一份 PDF 预览")] = False,
           deliver: Annotated[bool, typer.Option("--deliver", help=DELIVER_HELP)] = False,
           template: Annotated[Optional[str], typer.Option("--template", metavar="名称", rich_help_panel="模板",
                                                           help="用 templates/<名称>.docx 生成")] = None,
           check_only: Annotated[bool, typer.Option("--check-template", rich_help_panel="模板",
                                                    help="只检查模板的占位符，不生成")] = False,
           reopen: Annotated[Optional[str], typer.Option("--reopen", metavar="原因",
                                                         help="已定稿的年度：写明重新修改的原因（定稿保留不动）")] = None,
           ) -> None:
    """用已入库的月报表生成年度报告草稿（.docx），输出其路径（再输出 PDF 的路径）。

    草稿已生成但要求的 PDF 或邮件未能完成，或库中没有该年度的月报表时退出码 1；模板缺失或有错时退出码 2
    （每个问题都指明所在段落）。--check-template 只检查模板，不生成。
    已定稿（审定签发）的年度不再重新生成（退出码 3），除非用 --reopen 写明原因；原定稿及其文件保留不动。
    示例：township report --home ./xiatang --year 2024 --pdf --deliver
    """
    h = home_or_exit(home)
    year = year or township_today(h).year
    if reopen is not None and not reopen.strip():
        raise Refusal("--reopen 需要写明重新修改的原因，例如 --reopen \"更正三月调解数\"")
    from flows.cli.draft_checks import checked_or_exit, completeness
    checked_or_exit(h, template, check_only)
    use_home_server(h.root)
    from flows.annual_report import run_annual_report
    from flows.cli.outputs import deliver_now, pdf_preview
    state = run_annual_report(home=str(h.root), year=year, out=str(out.resolve()) if out else None,
                              deliver=False, template=template, reopen=reopen, return_state=True)
    if state.name == REPORT_STATES["signed"]:  # the year is signed: nothing rendered
        err.print(state.message or "", soft_wrap=True, markup=False, highlight=False)
        raise typer.Exit(3)
    path = Path(state.result())
    typer.echo(str(path))
    codes = [completeness(h, year)] + ([pdf_preview(path, console, err)] if pdf else [])
    if deliver:
        codes.append(deliver_now(h, f"{year}年法治政府建设情况报告（草稿）", [path], err))
    raise typer.Exit(max(codes, default=0))


@command()
def summary(home: HomeOpt = None,
            period: PeriodOpt = None,
            deliver: Annotated[bool, typer.Option("--deliver", help=DELIVER_HELP)] = False,
            ) -> None:
    """生成报告期汇总表（汇总、分单位、报送情况、问题清单、催报名单）和可贴到单位微信群的催报通知；
    先输出通知，再输出汇总表路径。不给 --period 时为上个月（按本镇时区）。

    示例：township summary --home ./xiatang --period 2024-Q1
    """
    h = home_or_exit(home)
    from flows.cli.outputs import deliver_now
    from flows.period_summary import period_summary
    files = period_summary(home=str(h.root), period=period, deliver=False)
    console.print(files.text, soft_wrap=True, highlight=False, markup=False)
    console.print(f"（已存为 {files.notice}）", soft_wrap=True, highlight=False, markup=False)
    if files.remark:  # the operator's, not the units': said once, outside the notice to paste
        err.print(files.remark, soft_wrap=True, highlight=False, markup=False, style="yellow")
    code = deliver_now(h, files.title, [files.workbook], err) if deliver else 0
    typer.echo(str(files.workbook))
    raise typer.Exit(code)
