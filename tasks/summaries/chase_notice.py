"""催报: a short notice an operator pastes into the units' WeChat group — who, whom to call, by when."""
from __future__ import annotations

from tasks.summaries.model import PeriodSummary

WHY = {"rejected": "（已退回，请按回执修改后重新报送）", "missing": "", "pending": ""}


def _day(d) -> str:
    return f"{d.month}月{d.day}日"


def _month(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:])}月"


def notice_text(data: PeriodSummary) -> str:
    head = f"【催报提醒】{data.township}法治建设工作月报表"
    if not data.chase:
        return f"{head}\n截至{data.on.year}年{_day(data.on)}，{data.label}各单位月报表均已报送，感谢配合！"
    lines = [head]
    for period in data.months:
        due = data.due[period]
        items = [c for c in data.chase if c.period == period]
        if not items:
            continue
        overdue = data.on > due
        lines.append(f"{_month(period)}月报表{'截止' if overdue else '应于'}{due.year}年{_day(due)}"
                     f"{'，已逾期' if overdue else '（含）前报送'}，以下{len(items)}个单位尚未报送：")
        for n, c in enumerate(items, start=1):
            who = " ".join(x for x in (c.unit.contact, c.unit.phone) if x)
            lines.append(f"{n}. {c.unit.name}{'（' + who + '）' if who else ''}{WHY[c.state]}")
    lines.append("请尽快将月报表放入本单位文件夹，填报有疑问请联系镇党政办。谢谢！")
    return "\n".join(lines)
