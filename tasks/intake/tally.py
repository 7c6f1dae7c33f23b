"""What an ingest run did, in counts: per batch (`Tally`, light enough to pass between Prefect tasks at
any size of run) and for the whole run (`IngestSummary`, the operator's one line and the artifacts)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from schemas.labels import STATUS_LABELS
from tasks.intake.discover import Discovery
from tasks.intake.folder_problems import UnitProblem
from tasks.intake.job import Left
from tasks.intake.steps import FileOutcome
from tasks.ledger.timeliness import calendar_notice

REFUSED_SHOWN = 50
CORRECTED = {"accepted": "corrected", "accepted_with_warnings": "corrected_with_warnings"}
EXTRA = ("late", *CORRECTED.values())  # counted beside a file's status, not as one


@dataclass(frozen=True)
class Tally:
    """What a batch did, in counts: light enough to pass between Prefect tasks at any size of run."""
    by_unit: dict[str, dict[str, int]]              # unit → status (and "late") → files
    refused: tuple[tuple[str, str, str], ...] = ()  # (unit, file, why) of the first refused files
    guessed_years: tuple[int, ...] = ()             # due dates reckoned without the holiday calendar
    left: tuple[tuple[str, str, str], ...] = ()     # (unit, file, why): a fault of ours kept them waiting


def tally(outcomes: list[FileOutcome], left: list[Left] | None = None) -> Tally:
    by_unit: dict[str, Counter] = {}
    for o in outcomes:
        by_unit.setdefault(o.unit, Counter())[o.status] += 1
        if o.late:
            by_unit[o.unit]["late"] += 1
        if o.corrected and o.status in CORRECTED:  # counted apart too: the line says 已更正, as receipts do
            by_unit[o.unit][CORRECTED[o.status]] += 1
    refused = tuple((o.unit, o.name, "；".join(f.message for f in o.findings if f.level == "error")[:200])
                    for o in outcomes if o.status == "rejected")[:REFUSED_SHOWN]
    guessed = tuple(sorted({o.calendar_guessed for o in outcomes if o.calendar_guessed}))
    return Tally({u: dict(c) for u, c in by_unit.items()}, refused, guessed,
                 tuple((x.dropped.unit, x.dropped.name, x.why) for x in left or ()))


@dataclass(frozen=True)
class IngestSummary:
    received: int
    by_status: dict[str, int]
    by_unit: dict[str, dict[str, int]]
    settling: int
    strays: tuple[str, ...]
    refused: tuple[tuple[str, str, str], ...] = ()
    guessed_years: tuple[int, ...] = ()
    blocked: tuple[UnitProblem, ...] = ()   # units whose folder could not be served: their files wait
    left: tuple[tuple[str, str, str], ...] = ()     # waiting in the inbox for a fault of ours to pass
    future_dated: tuple[str, ...] = ()              # modified "in the future": judged by the wall clock
    corrected: dict[str, int] = field(default_factory=dict)  # of the accepted, how many were corrections

    def line(self) -> str:
        """The run in one line, and once, when it came up, the holiday calendar's notice."""
        shown = dict(self.by_status)
        for status, key in CORRECTED.items():  # a correction is said apart from a first return
            if self.corrected.get(key):
                shown[status] = shown.get(status, 0) - self.corrected[key]
                shown[key] = self.corrected[key]
        parts = [f"{STATUS_LABELS.get(k, k)} {v}" for k, v in sorted(shown.items()) if v]
        notice = calendar_notice(self.guessed_years)
        return (f"收到 {self.received} 个文件：" + ("，".join(parts) if parts else "无")
                + (f"；{self.settling} 个仍在写入，下次处理" if self.settling else "")
                + (f"；{len(self.strays)} 个不在已登记单位文件夹中，未处理" if self.strays else "")
                + (f"；{len(self.blocked)} 个单位的文件夹有问题，其文件暂不处理（"
                   + "、".join(p.unit for p in self.blocked) + "，详见 township status）" if self.blocked else "")
                + (f"；{len(self.future_dated)} 个文件的修改时间晚于现在（按收到的时间处理）" if self.future_dated else "")
                + (f"；{len(self.left)} 个文件因本机故障暂未处理，仍在收件箱，下次运行再处理（{self.left[0][2]}）"
                   if self.left else "")
                + (f"\n{notice}" if notice else ""))


def summarize(tallies: list[Tally], discovery: Discovery) -> IngestSummary:
    by_unit: dict[str, Counter] = {}
    for t in tallies:
        for unit, counts in t.by_unit.items():
            by_unit.setdefault(unit, Counter()).update(counts)
    by_status: Counter = Counter()
    corrected: Counter = Counter()
    for counts in by_unit.values():
        by_status.update({k: v for k, v in counts.items() if k not in EXTRA})
        corrected.update({k: v for k, v in counts.items() if k in CORRECTED.values()})
    refused = tuple(r for t in tallies for r in t.refused)[:REFUSED_SHOWN]
    guessed = tuple(sorted({y for t in tallies for y in t.guessed_years}))
    return IngestSummary(sum(by_status.values()), dict(by_status), {u: dict(c) for u, c in by_unit.items()},
                         len(discovery.settling), discovery.strays, refused, guessed, discovery.blocked,
                         tuple(x for t in tallies for x in t.left), discovery.future_dated, dict(corrected))
