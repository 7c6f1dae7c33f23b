"""What `township status` prints: per period, how many returns stand and how many units are missing;
the returns that need someone (refused and not yet replaced, or accepted with warnings); who has not
reported. Every return, one row each, with --all (a county's home holds thousands: drawing them took
seconds and buried what needs doing). Clerks' text as plain text (`shown`): no markup, no escapes."""
from __future__ import annotations

from collections import Counter

from rich.table import Table
from rich.text import Text

from flows.cli.app import console, shown

LABELS = {"accepted": "[green]已接收[/green]", "accepted_with_warnings": "[yellow]已接收（有提示）[/yellow]",
          "rejected": "[red]已退回[/red]", "duplicate": "重复", "superseded": "[dim]已被更正[/dim]"}
STANDING = ("accepted", "accepted_with_warnings")
SHOWN = 40  # rows of the attention table; the rest are counted, and listed by --all or --json


def print_status(report, everything: bool = False) -> None:
    if report.new_folders:
        console.print(shown(report.new_folders), soft_wrap=True, highlight=False)
    for year, lines in report.changes.items():
        console.print(Text(f"{year}年单位名录变化（units.yaml）：", style="bold"))
        for line in lines:
            console.print(shown(f"  {line}"), soft_wrap=True, highlight=False)
    if everything:
        console.print(_submissions("报送情况（全部）", report.submissions))
    else:
        console.print(_overview(report))
        needs = needing_attention(report.submissions)
        if needs:
            console.print(_submissions("需要处理的报送", needs[:SHOWN]))
        if len(needs) > SHOWN:
            console.print(f"另 {len(needs) - SHOWN} 份需要处理（township status --all 或 --json 列出全部）", markup=False)
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


def needing_attention(submissions: list[dict]) -> list[dict]:
    """Refused returns whose unit and period hold no accepted return since, and accepted returns with
    warnings; newest period first."""
    standing = {(s["unit"], s["period"]) for s in submissions if s["status"] in STANDING}
    needs = [s for s in submissions
             if s["status"] == "accepted_with_warnings"
             or (s["status"] == "rejected" and (s["unit"], s["period"]) not in standing)]
    return sorted(needs, key=lambda s: (s["period"] or "", s["status"] == "rejected"), reverse=True)


def _overview(report) -> Table:
    table = Table(title="报送情况（各报告期）")
    for col in ("报告期", "已接收", "其中有提示", "退回待重报", "未报送单位"):
        table.add_column(col, justify="right" if col != "报告期" else "left")
    counts: dict[str, Counter] = {}
    for s in report.submissions:
        counts.setdefault(s["period"] or "—", Counter())[s["status"]] += 1
    missing = {m["period"]: len(m["units"]) for m in report.missing}
    waiting = Counter(s["period"] or "—" for s in needing_attention(report.submissions) if s["status"] == "rejected")
    for period in sorted(set(counts) | set(missing)):
        c = counts.get(period, Counter())
        table.add_row(period, str(c["accepted"] + c["accepted_with_warnings"]), str(c["accepted_with_warnings"]),
                      str(waiting[period]), str(missing.get(period, 0)))
    return table


def _submissions(title: str, rows: list[dict]) -> Table:
    table = Table(title=title)
    for col in ("单位", "报告期", "文件", "状态", "问题"):
        table.add_column(col, overflow="fold")  # wrapped, never cut with "…"
    for s in rows:
        issues = "\n".join(f"{i['place']} {i['message']}" for i in s["issues"][:3])
        more = f"\n另 {len(s['issues']) - 3} 条（township status --json 列出全部）" if len(s["issues"]) > 3 else ""
        table.add_row(shown(s["unit_name"] or s["unit"]), shown(s["period"] or "—"), shown(s["file"]),
                      LABELS.get(s["status"], shown(s["status"])), shown(issues + more, lines=True))
    return table
