"""`township ingest`, `status`, `report` and `summary`: the runs an operator starts and what they show."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flows.cli.app import HomeOpt, command, console, err, home_or_exit, shown
from flows.cli.edge import Refusal
from flows.cli.options import PeriodOpt, known_units, out_option
from tasks.home import township_today

DELIVER_HELP = f"按 township.toml 的 {escape('[delivery]')} 发邮件"  # escaped: rich markup would eat it


@command()
def ingest(home: HomeOpt = None,
           unit: Annotated[list[str] | None, typer.Option("--unit", metavar="单位代码",
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
    from flows.sequences.ingest import registry_checked
    from tasks.errors import TownshipError, is_transient

    # Here, not only in the run: a deleted unit is the operator's to mend (exit 2), and a new unit's
    # folder is said on this screen even when a Prefect server runs the ingest (its log is elsewhere).
    # A fault of ours (a full disk, a database restarting) is left to the run, which waits it out and
    # says it as every run does.
    try:
        made = registry_checked(h)
    except Exception as exc:  # noqa: BLE001 — ours only; a ContractError is the operator's (exit 2)
        if not (is_transient(exc) or isinstance(exc, TownshipError)):
            raise
        made = ""
    if made:
        console.print(shown(made), soft_wrap=True, highlight=False)
    from flows.cli.progress import inbox_progress, waiting_files
    from flows.cli.recording import ingest_run
    with inbox_progress(console, waiting_files(h, unit), "入库中（流程 ingest-returns）…"):
        run = ingest_run(h, unit or None)
    if run.skipped:
        err.print(shown(run.skipped), style="yellow")
        raise typer.Exit(3)
    if run.stopped:
        err.print(run.stopped, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(shown(run.summary.line(), lines=True), soft_wrap=True, highlight=False)


@command()
def status(home: HomeOpt = None,
           as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
           period: PeriodOpt = None,
           everything: Annotated[bool, typer.Option("--all", help="列出每一份报送（默认只列需要处理的）")] = False) -> None:
    """各报告期的报送情况：已接收多少、哪些报送需要处理（退回待重报、有提示）、哪些单位还没有报送。
    --all 列出每一份报送及其问题。

    示例：township status --home ./xiatang --period 2024-03
    """
    from dataclasses import replace

    from tasks.intake.registry_sync import check_removed, folders_message, new_unit_folders
    from tasks.ledger.migrate import read_ledger
    from tasks.returns.periods import months_of
    from tasks.summaries.status import status_report

    h = home_or_exit(home)
    with read_ledger(h.database_url, h.archive) as engine:  # a lost ledger: said (LedgerMissing), not remade
        check_removed(engine, h)  # a unit deleted from units.yaml with returns stored: refused (exit 2)
        made = folders_message(h, new_unit_folders(h))
        report = replace(status_report(h, engine, months_of(period) if period else None), new_folders=made)
    from tasks.summaries.run_record import latest_record

    last = latest_record(h.root)  # a plain run's report (a served run's is a Prefect artifact)
    if as_json:
        data = report.as_json()
        data["last_run"] = None if last is None else {"kind": last.kind, "at": last.at.isoformat(),
                                                      "description": last.description, "report": str(last.path)}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from flows.cli.signoff import print_reports
    from flows.cli.status_view import print_last_run, print_status

    print_status(report, everything)
    print_reports(report.reports)
    print_last_run(last)


@command()
def report(home: HomeOpt = None,
           year: Annotated[int | None, typer.Option(metavar="年份", min=2000, max=2100,
                                                       help="年度，如 2024（默认本镇时区的今年）")] = None,
           out: out_option("输出 .docx 路径（默认 outbox/ 下带日期的文件名；已有同名文件时另存为 -2、-3，"
                           "绝不覆盖；所在文件夹须已存在）") = None,
           pdf: Annotated[bool, typer.Option("--pdf", help="再用 LibreOffice 转一份 PDF 预览")] = False,
           deliver: Annotated[bool, typer.Option("--deliver", help=DELIVER_HELP)] = False,
           template: Annotated[str | None, typer.Option("--template", metavar="名称", rich_help_panel="模板",
                                                           help="用 templates/<名称>.docx 生成")] = None,
           check_only: Annotated[bool, typer.Option("--check-template", rich_help_panel="模板",
                                                    help="只检查模板的占位符，不生成")] = False,
           reopen: Annotated[str | None, typer.Option("--reopen", metavar="原因",
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
    template = checked_or_exit(h, template, check_only)  # resolved: only a scheduled run drafts each
    from flows.cli.outputs import deliver_now, pdf_preview
    from flows.cli.recording import annual_run
    from flows.sequences.annual import Signed
    drafted = annual_run(h, year=year, out=str(out.resolve()) if out else None, template=template, reopen=reopen)
    if isinstance(drafted, Signed):  # the year is signed: nothing rendered
        err.print(drafted.message, soft_wrap=True, markup=False, highlight=False)
        raise typer.Exit(3)
    path = Path(drafted)
    typer.echo(str(path))
    codes = [completeness(h, year)] + ([pdf_preview(path, console, err)] if pdf else [])
    if deliver:  # a draft: to its reviewers, saying so (the signed copy reaches the leaders: signoff)
        from flows.mailing import deliver_draft
        codes.append(deliver_now(h, "", [], err, send=lambda: deliver_draft(h, str(path))))
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
    from flows.cli.recording import summary_run
    files = summary_run(h, period)
    console.print(files.text, soft_wrap=True, highlight=False, markup=False)
    console.print(f"（已存为 {files.notice}）", soft_wrap=True, highlight=False, markup=False)
    if files.remark:  # the operator's, not the units': said once, outside the notice to paste
        err.print(files.remark, soft_wrap=True, highlight=False, markup=False, style="yellow")
    code = deliver_now(h, files.title, [files.workbook], err) if deliver else 0
    typer.echo(str(files.workbook))
    raise typer.Exit(code)
