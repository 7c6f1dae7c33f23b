"""What the operator sees after an ingest (Prefect artifacts): per unit received / accepted / rejected /
late in this run, and which of this year's months up to last month it has still not reported (催报)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from schemas.labels import RUN_STATUSES, STATUS_LABELS
from schemas.registry import Unit
from schemas.registry import Registry
from schemas.registry_time import active_in, owner_of
from tasks.home import Home
from tasks.intake.tally import EXTRA, REFUSED_SHOWN, IngestSummary
from tasks.ledger.engine import make_engine
from tasks.ledger.tables import STORED, submissions
from tasks.returns.clerk_text import for_markdown
from tasks.returns.periods import previous_month

COLUMNS = ("单位代码", "单位", "收到", "接收", "退回", "重复", "迟报", "缺报月份")


@dataclass(frozen=True)
class IngestReport:
    rows: list[dict[str, object]]
    markdown: str
    collecting: str                 # the month being collected: last month


def months_due(today: dt.date) -> list[str]:
    """This reporting year's months up to last month (January looks back at last year's December)."""
    last = previous_month(today)
    return [f"{last[:4]}-{m:02d}" for m in range(1, int(last[5:]) + 1)]


def stored_pairs(engine: Engine, months: list[str], registry: Registry | None = None) -> set[tuple[str, str]]:
    """(unit, month) stored; with the registry, a merged unit's month sent by its successor is that unit's."""
    with engine.connect() as conn:
        return {(owner_of(registry, r.unit, r.declared_unit) if registry else r.unit, r.period) for r in conn.execute(
            select(submissions.c.unit, submissions.c.declared_unit, submissions.c.period).where(
                submissions.c.period.in_(months), submissions.c.status.in_(STORED)))}


def ingest_report(summary: IngestSummary, units: list[Unit], stored: set[tuple[str, str]],
                  months: list[str], title: str) -> IngestReport:
    rows: list[dict[str, object]] = []
    for u in units:
        counts = summary.by_unit.get(u.code, {})
        missing = [m for m in months if active_in(u, m) and (u.code, m) not in stored]
        rows.append(dict(zip(COLUMNS, (
            u.code, u.name, sum(v for k, v in counts.items() if k not in EXTRA),
            counts.get("accepted", 0) + counts.get("accepted_with_warnings", 0), counts.get("rejected", 0),
            counts.get("duplicate", 0), counts.get("late", 0), "、".join(missing) or "—"))))
    collecting = months[-1] if months else ""
    absent = [u.name for u in units if collecting and active_in(u, collecting) and (u.code, collecting) not in stored]
    return IngestReport(rows, _markdown(summary, rows, absent, collecting, title), collecting)


def _markdown(summary: IngestSummary, rows: list[dict[str, object]], absent: list[str], collecting: str,
              title: str) -> str:
    """Every text that is not ours (file names, clerks' values quoted in findings, names) goes in as
    literal text (`for_markdown`): no link, image, heading or HTML of a clerk's reaches the UI."""
    md = for_markdown
    lines = [f"# {md(title)}", "", md(summary.line()), ""]
    if summary.blocked:
        lines += ["## 文件夹有问题的单位（其文件暂不处理）", ""]
        lines += [f"- {md(p.unit)}（{md(p.place)}）：{md(p.message)}" for p in summary.blocked]
        lines.append("")
    refused = summary.refused
    if refused:
        total = summary.by_status.get("rejected", len(refused))
        lines += ["## 退回的文件", ""]
        lines += [f"- {md(unit)} “{md(name)}”：{md(why)}" for unit, name, why in refused]
        lines += [f"- …另 {total - len(refused)} 个"] if total > len(refused) else []
        lines.append("")
    if summary.left:
        lines += ["## 因本机故障暂未处理的文件（仍在收件箱，下次运行再处理）", ""]
        lines += [f"- {unit} `{name}`：{why}" for unit, name, why in summary.left[:REFUSED_SHOWN]]
        lines.append("")
    if summary.future_dated:
        lines += ["## 修改时间晚于现在的文件（电脑时钟可能有误，按收到的时间处理）", ""]
        lines += [f"- `{name}`" for name in summary.future_dated[:REFUSED_SHOWN]]
        lines.append("")
    if summary.strays:
        lines += ["## 未处理的文件（不在已登记单位的文件夹中）", "",
                  ("这些文件没有读取、没有回执、也不会移动，每次运行都会列在这里：请把文件移到对应单位的文件夹"
                   "（inbox/<单位代码>/），或在 units.yaml 登记该单位。"), ""]
        lines += [f"- `inbox/{name}`" for name in summary.strays[:REFUSED_SHOWN]]
        lines += [f"- …另 {len(summary.strays) - REFUSED_SHOWN} 个"] if len(summary.strays) > REFUSED_SHOWN else []
        lines.append("")
    if collecting:
        lines.append(f"**{collecting} 未报送（{len(absent)} 个单位）**：" + ("、".join(map(md, absent)) if absent else "无"))
    active = [r for r in rows if r["收到"]]
    if active:
        lines += ["", "| 单位 | " + " | ".join(STATUS_LABELS[k] for k in RUN_STATUSES) + " |",
                  "|---|" + "---|" * len(RUN_STATUSES)]
        by_unit = summary.by_unit
        for r in active:
            counts = by_unit.get(str(r["单位代码"]), {})
            lines.append(f"| {md(str(r['单位']))} | " + " | ".join(str(counts.get(k, 0)) for k in RUN_STATUSES) + " |")
    return "\n".join(lines) + "\n"


def report_for(home: Home, summary: IngestSummary, codes: list[str], now: dt.datetime, title: str) -> IngestReport:
    """The report of one run over `codes`, read back from the home's ledger."""
    months = months_due(now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date())
    engine = make_engine(home.database_url)
    try:
        stored = stored_pairs(engine, months, home.registry)
    finally:
        engine.dispose()
    wanted = set(codes)
    return ingest_report(summary, [u for u in home.registry.units if u.code in wanted], stored, months, title)
