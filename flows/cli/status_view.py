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
        # What needs someone, most urgent first: refused (and unreadable) returns, then who is late or
        # missing, then returns stored with warnings, whose hints are counted, not listed.
        console.print(_overview(report))
        needs = needing_attention(report.submissions)
        refused = [s for s in needs if s["status"] == "rejected"]
        warned = [s for s in needs if s["status"] != "rejected"]
        _table("退回待重报（需要处理）", refused)
        _late(report.submissions)
        _missing(report)
        _table("已接收但有提示（请核对）", warned)
    if everything:
        _missing(report)
    if report.unregistered:
        console.print("[yellow]未处理：以下文件不在已登记单位的文件夹中（请移到对应单位的文件夹，"
                      "或在 units.yaml 登记该单位）：[/yellow]", soft_wrap=True)
        for name in report.unregistered:
            console.print(shown(f"  inbox/{name}"), soft_wrap=True, highlight=False)
    for b in report.blocked:
        console.print(Text.assemble((f"单位 {b['unit']} 的文件夹有问题（{b['place']}）：", "red"), shown(b["message"])),
                      soft_wrap=True)


def _table(title: str, rows: list[dict]) -> None:
    if rows:
        console.print(_submissions(title, rows[:SHOWN], folded=True))
    if len(rows) > SHOWN:
        console.print(f"另 {len(rows) - SHOWN} 份（township status --all 或 --json 列出全部）", markup=False)


def _late(submissions: list[dict]) -> None:
    late = [s for s in submissions if s["late"] and s["status"] in STANDING]
    if late:
        more = f" 等 {len(late)} 份" if len(late) > SHOWN else ""
        console.print("逾期报送：" + "、".join(f"{s['unit_name'] or s['unit']}（{s['period']}）" for s in late[:SHOWN])
                      + more, markup=False, soft_wrap=True)


def _missing(report) -> None:
    for m in report.missing:
        if m["units"]:
            console.print(Text.assemble((m["period"], "bold"), " 未报送：" + "、".join(u["name"] for u in m["units"])))


LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


def needing_attention(submissions: list[dict]) -> list[dict]:
    """Refused returns whose unit and period hold no accepted return since (unreadable ones among them),
    then accepted returns with warnings; newest period first within each."""
    standing = {(s["unit"], s["period"]) for s in submissions if s["status"] in STANDING}
    needs = [s for s in submissions
             if s["status"] == "accepted_with_warnings"
             or (s["status"] == "rejected" and (s["unit"], s["period"]) not in standing)]
    needs.sort(key=lambda s: s["period"] or "9999", reverse=True)  # unreadable (no period) on top
    return sorted(needs, key=lambda s: s["status"] != "rejected")


def _overview(report) -> Table:
    table = Table(title="报送情况（各报告期）")
    for col in ("报告期", "已接收", "其中有提示", "退回待重报", "未报送单位"):
        table.add_column(col, justify="right" if col != "报告期" else "left")
    counts: dict[str, Counter] = {}
    for s in report.submissions:
        counts.setdefault(s["period"] or "—", Counter())[s["status"]] += 1
    missing = {m["period"]: len(m["units"]) for m in report.missing}
    waiting = Counter(s["period"] or "—" for s in needing_attention(report.submissions) if s["status"] == "rejected")
    for period in sorted(missing):  # the periods that exist: a return refused for a future month makes none
        c = counts.get(period, Counter())
        table.add_row(period, str(c["accepted"] + c["accepted_with_warnings"]), str(c["accepted_with_warnings"]),
                      str(waiting[period]), str(missing.get(period, 0)))
    return table


def _submissions(title: str, rows: list[dict], folded: bool = False) -> Table:
    table = Table(title=title)
    for col in ("单位", "报告期", "文件", "状态", "问题"):
        table.add_column(col, overflow="fold")  # wrapped, never cut with "…"
    for s in rows:
        table.add_row(shown(s["unit_name"] or s["unit"]), shown(s["period"] or "—"), shown(s["file"]),
                      LABELS.get(s["status"], shown(s["status"])),
                      shown(folded_issues(s["issues"]) if folded else listed_issues(s["issues"]), lines=True))
    return table


def listed_issues(issues: list[dict]) -> str:
    ordered = sorted(issues, key=lambda i: LEVEL_ORDER.get(i["level"], 3))
    text = "\n".join(f"{i['place']} {i['message']}" for i in ordered[:3])
    return text + (f"\n另 {len(issues) - 3} 条（township status --json 列出全部）" if len(issues) > 3 else "")


def folded_issues(issues: list[dict]) -> str:
    """A file's errors, each with its place; its warnings and notes only counted (they need no one now)."""
    errors = [i for i in issues if i["level"] == "error"]
    text = "\n".join(f"{i['place']} {i['message']}" for i in errors[:3])
    if len(errors) > 3:
        text += f"\n另 {len(errors) - 3} 处错误"
    hints = len(issues) - len(errors)
    if hints:
        text += ("\n" if text else "") + f"提示 {hints} 条（见回执，或 township status --json）"
    return text


def print_last_run(last) -> None:
    """The newest plain run's report (tasks/summaries/run_record.py), so what it refused is not lost."""
    if last is None:
        return
    from tasks.summaries.run_record import KIND_NAMES

    when = last.at.astimezone().strftime("%Y-%m-%d %H:%M")
    console.print(f"上次{KIND_NAMES.get(last.kind, '运行')}（{when}）的报告：", markup=False, end="")
    console.print(shown(str(last.path)), soft_wrap=True, highlight=False)
