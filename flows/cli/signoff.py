"""`township signoff`: 审定 and 签发 the year's draft. The one place a decision is taken (issue 22): a
signer named on the office PC's command line, never a field of a call to Prefect's API. A run that waits
in Prefect for the draft is resumed afterwards and reads the decision from the ledger."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from flows.cli.app import HomeOpt, command, console, err, home_or_exit
from flows.cli.edge import Refusal
from flows.server import use_home_server


@command()
def signoff(home: HomeOpt = None,
            year: Annotated[Optional[int], typer.Option(metavar="年份", min=2000, max=2100,
                                                        help="审定哪一年的报告，如 2024")] = None,
            by: Annotated[str, typer.Option("--by", metavar="姓名", help="审定（签发）人姓名")] = "",
            file: Annotated[Optional[Path], typer.Option(
                "--file", metavar="文件",
                help="工作人员在 Word/WPS 中改好的 .docx（路径，或 outbox/审定/ 中的文件名）；不给则以系统草稿定稿")] = None,
            reject: Annotated[Optional[str], typer.Option("--reject", metavar="意见",
                                                          help="退回修改，并写明意见")] = None,
            confirm_figures: Annotated[bool, typer.Option(
                "--confirm-figures",
                help="确认修改稿中与台账不同的数字。 先不加此项审定一次， 核对逐项列出的数字 "
                     "（指标、 草稿/台账、 修改稿、 第几段） 无误后再加上； 这些数字记入台账， "
                     "以后收到更正的报表仍与之核对")] = False,
            accept_open: Annotated[bool, typer.Option(
                "--accept-open",
                help="确认已知晓仍未了结的事项（缺报的单位和月份、上一稿的退回意见）仍要签发。 先不加此项审定一次， "
                     "看清逐项列出的事项后再加上； 确认记入台账， 定稿注明应报、 已收和未报的单位")] = False,
            keep_appendix: Annotated[bool, typer.Option(
                "--keep-appendix",
                help="定稿保留附表、 附图（默认删去； 附录“典型做法素材”总是删去）； 选择记入台账")] = False,
            ) -> None:
    """审定、签发该年度最新一稿报告（审定只在此作出；Prefect 界面中的 Resume 不作决定）。

    不给 --reject 即“通过”：生成定稿（去掉草稿标记、批注、黄色底纹、待完善事项和附录，默认也去掉附表、附图，
    落款为签发日期，旁边一份 PDF），
    记入台账（哈希、签发人、时间、所述数字），配置了邮件时发送给领导。--reject 即“退回修改”：记录意见，
    下一稿的待完善事项第一条列出。Prefect 界面中等待这一决定的运行会随之结束。
    已定稿但邮件未发出时，再运行一次即补发。

    签发前核对：草稿生成后被改动过的不予签发（改动请另存为修改稿，用 --file 提交）；正文、表格、页眉页脚、
    脚注中还有 ××、【缺指标…】的不予签发；修改稿中的数字与台账不同的，逐项列出，须加 --confirm-figures 确认；
    还有缺报的月报表（只计已到期的月份）或上一稿的退回意见的，分组列出，须加 --accept-open 确认。

    决定已记录退出码 0；已定稿但 PDF 或邮件未能完成退出码 1；输入有误退出码 2。
    示例：township signoff --home ./xiatang --year 2024 --by 张镇长 --file 2024年报告-修改稿.docx
    """
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions
    from tasks.signoff.decision import APPROVE, REJECT, Problem, check_decision

    h = home_or_exit(home)
    use_home_server(h.root)  # before prefect is imported: a waiting run is resumed on serve's server
    if year is None:
        _bad("请用 --year 指明审定哪一年的报告，例如 --year 2024")
    if not by.strip():
        _bad("请用 --by 写明审定人姓名，例如 --by 张镇长")
    if reject is not None and file is not None:
        _bad("退回修改（--reject）时不需要修改稿（--file）：请只给其中一个")
    with open_ledger(h.database_url) as engine:
        all_versions = versions(engine, year)
    if not all_versions:
        _bad(f"{year}年还没有报告草稿：请先生成草稿（township report --year {year}）")
    latest = all_versions[-1]
    if not latest.undecided:
        from tasks.signoff.staging import complete

        named = complete(latest)  # a sign-off killed after the ledger recorded it: its files named now
        for path in named:
            typer.echo(str(path))
        raise typer.Exit(_already_decided(h, latest, bool(named)))
    if confirm_figures and file is None:
        _bad("--confirm-figures 用于确认修改稿中的数字，请同时用 --file 给出修改稿")
    decision = check_decision(REJECT if reject is not None else APPROVE, by, reject or "", str(file or ""),
                              h.outbox, cwd=Path.cwd(), confirm_figures=confirm_figures,
                              accept_open=accept_open, keep_appendix=keep_appendix)
    if isinstance(decision, Problem):
        _bad(decision.message)
    from tasks.delivery.pdf import find_soffice
    from tasks.signoff.steps import decide

    outcome = decide(h, latest.id, decision, dt.datetime.now(dt.UTC), find_soffice())
    if isinstance(outcome, Problem):
        raise Refusal(outcome.message, outcome.code)
    v = outcome.version
    if latest.state == "pending" and latest.flow_run_id:
        _end_waiting_run(latest.flow_run_id)
    if v.state == "rejected":
        console.print(f"已退回第{v.version}稿（{escape(v.decided_by or '')}）：{escape(v.opinion or '')}\n"
                      "下一稿的待完善事项第一条将列出此意见；修改后请重新生成草稿：township report --year "
                      f"{v.year}", soft_wrap=True)
        raise typer.Exit(0)
    console.print(f"第{v.version}稿已审定签发（{escape(v.decided_by or '')}），定稿 sha256 {v.final_sha256}",
                  soft_wrap=True)
    from tasks.signoff.acceptance import recorded_lines

    for line in recorded_lines(v):
        console.print(escape(line), soft_wrap=True)
    for note in outcome.notes:
        err.print(f"[yellow]{escape(note)}[/yellow]")
    for path in outcome.files():
        typer.echo(str(path))
    code = 1 if find_soffice() and not v.pdf_path else 0  # LibreOffice there, yet no PDF: say so in the code
    raise typer.Exit(max(code, _send_final(h, v.id)))


def _bad(message: str) -> None:
    raise Refusal(message)


def _already_decided(h, v, named: bool = False) -> int:
    """A signed, undelivered year is sent again (what a failed e-mail left to do); files a killed run
    left unnamed are named (`named`); otherwise say why there is nothing to decide."""
    from tasks.signoff.versions import local

    tz = h.settings.schedules.timezone
    if v.state == "signed" and v.reopened_at is None:
        if named:
            console.print(f"{v.year}年度报告已定稿（第{v.version}稿），上次签发中断，定稿文件已补全。")
        if h.settings.delivery is not None and v.delivered_at is None:
            console.print(f"{v.year}年度报告已定稿（第{v.version}稿），补发定稿邮件…")
            return _send_final(h, v.id)
        if named:
            return 0
        err.print(f"[red]{v.year}年度报告已于{local(v.decided_at, tz)}由{escape(v.decided_by or '')}审定签发（第"
                  f"{v.version}稿：{escape(v.final_path or '')}）。如需修改：township report --year {v.year} "
                  "--reopen \"原因\"[/red]", soft_wrap=True)
    elif v.state == "signed":
        err.print(f"[red]{v.year}年度报告已重新打开，请先生成新稿：township report --year {v.year}[/red]")
    else:
        err.print(f"[red]第{v.version}稿已于{local(v.decided_at, tz)}退回修改（{escape(v.opinion or '')}）；"
                  f"请修改后重新生成草稿：township report --year {v.year}[/red]", soft_wrap=True)
    return 2


def _send_final(h, version_id: int) -> int:
    if h.settings.delivery is None:
        console.print("township.toml 未配置 \\[delivery]，定稿未发送邮件。")
        return 0
    from flows.cli.outputs import deliver_now
    from flows.mailing import send_final

    return deliver_now(h, "", [], err, send=lambda: send_final(h, version_id))


def _end_waiting_run(run_id: str) -> None:
    """The run that waits in Prefect for this decision is resumed, reads it from the ledger and ends
    saying so; with no Prefect server reachable it stays suspended in the UI, harmless."""
    import os

    from flows.signoff import resume_waiting

    console.print(resume_waiting(run_id, os.environ.get("PREFECT_API_URL")), soft_wrap=True)


def print_reports(reports: list[dict]) -> None:
    """`township status`: each year's report, its versions, and figures the data no longer supports."""
    if not reports:
        return
    from rich.table import Table

    table = Table(title="年度报告")
    for col in ("年度", "状态", "各稿"):
        table.add_column(col)
    for r in reports:
        table.add_row(str(r["year"]), r["label"],
                      "\n".join(escape(parts[0] + "\n  " + "\n  ".join(parts[1:])) for parts in r["parts"]))
    console.print(table)
    for r in reports:
        if r.get("accepted_open"):
            console.print(f"[yellow]{r['year']}年度报告签发时审定人确认了未了结的事项（缺报或退回意见）："
                          f"{escape(r.get('completeness') or '')}[/yellow]", soft_wrap=True)
        if r["unsupported"]:
            console.print(f"[red]{r['year']}年度报告定稿后收到的报表改变了其中的数字（正文已不符）：[/red]")
            for d in r["unsupported"]:
                then = (f"签发时确认，台账当时为“{escape(d['confirmed_against'])}”，合计{d['signed_total']}"
                        if d.get("confirmed_against") else f"当时合计{d['signed_total']}")
                console.print(f"  {escape(d['name'])}：定稿为“{escape(d['stated'])}”（{then}），"
                              f"现合计{d['total_now']}，应为“{escape(d['stated_now'])}”", soft_wrap=True)
