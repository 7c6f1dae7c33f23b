"""What is still open in a draft when it is put forward for 审定 (issue 24): the returns missing (only
months already due, only units registered), the previous draft's 退回 opinion, boilerplate nobody
rewrote, numbers carried over from last year's report, blanks — grouped and counted, so whoever signs
knows what they sign. Values in, values out: the ledger, the documents and the clock are read by the
caller (tasks/signoff/open_now.py).

Missing data and an unanswered opinion must be acknowledged (`township signoff --accept-open`) and are
recorded with the decision; blanks still refuse (tasks/signoff/signable.py); boilerplate and carried-over
numbers are shown and counted, the signer's to judge.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MONTHS_SHOWN = 6     # a unit missing more months than this is summed up, not listed month by month
ITEMS_SHOWN = 8      # per group, in a message; the record keeps them all
LITTLE = 0.5         # fewer than half the returns due: the year has little data (mail subjects say so)

GROUPS = {"missing": "缺报的月报表", "opinion": "上一稿的退回意见", "boilerplate": "未改写的模板套话（黄色底纹）",
          "carried": "沿用上年报告的数字", "blanks": "未填的数字或占位符"}
ACKNOWLEDGED = ("missing", "opinion")   # what `--accept-open` must acknowledge


def months_due(year: int, as_of: dt.date, due: Callable[[str], dt.date]) -> list[str]:
    """The year's months whose return was due by `as_of` (`due`: a month's due date): a return not yet
    due is not missing, nor one whose due day is today (the notice says 前报送（含）). A sign-off on 26
    December counts January to November at most."""
    return [m for m in (f"{year}-{n:02d}" for n in range(1, 13)) if due(m) < as_of]


def due_by(year: int, as_of: dt.date, settings) -> list[str]:
    """`months_due` by the home's rule: N working days after the month, the PRC calendar's 调休 included."""
    from tasks.ledger.timeliness import due_date

    return months_due(year, as_of, lambda m: due_date(m, settings.due_working_days, settings.calendar).due)


@dataclass(frozen=True)
class Gap:
    unit: str                  # the unit's name
    months: tuple[str, ...]    # 2024-03 …, each due and not received

    def words(self, due_count: int) -> str:
        if len(self.months) == due_count:
            return f"{self.unit}（应报{due_count}个月，均未报）"
        shown = "、".join(f"{int(m[5:])}月" for m in self.months[:MONTHS_SHOWN])
        more = f"等{len(self.months)}个月" if len(self.months) > MONTHS_SHOWN else ""
        return f"{self.unit}缺{shown}{more}"


@dataclass(frozen=True)
class OpenItems:
    year: int
    expected: int                        # 应报: registered units × months due
    received: int                        # 已收: of those, returns stored
    due_months: tuple[str, ...] = ()
    gaps: tuple[Gap, ...] = ()
    opinion: str = ""                    # the previous draft's 退回 opinion, as the draft opens with it
    boilerplate: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    blanks: tuple[str, ...] = ()

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Group → its items (each a line a reader can find again), only the groups with any."""
        months = len(self.due_months)
        found = {"missing": tuple(g.words(months) for g in self.gaps),
                 "opinion": (self.opinion,) if self.opinion else (),
                 "boilerplate": self.boilerplate, "carried": self.carried, "blanks": self.blanks}
        return {k: v for k, v in found.items() if v}

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.groups().items()}

    @property
    def total(self) -> int:
        return sum(self.counts().values())

    @property
    def needs_acceptance(self) -> bool:
        return any(k in self.groups() for k in ACKNOWLEDGED)

    @property
    def thin(self) -> str:
        """'' for a year with enough data; else how the mail's subject says it: 无数据 / 数据不全."""
        if self.expected and not self.received:
            return "无数据"
        return "数据不全" if self.expected and self.received < self.expected * LITTLE else ""

    def completeness(self) -> str:
        """应报/已收 and who was missing: the sentence the signed copy and its record carry."""
        if not self.expected:
            return f"截至签发时{self.year}年尚无到期的月报表。"
        line = f"本报告数据来自各单位月报表：{self.year}年截至签发时应报{self.expected}份，已收{self.received}份"
        if not self.gaps:
            return line + "。"
        return line + "；未报：" + "；".join(g.words(len(self.due_months)) for g in self.gaps) + "。"

    def summary(self) -> str:
        """One line of counts: 待完善事项共5项：缺报的月报表2项、上一稿的退回意见1项 …"""
        counts = self.counts()
        if not counts:
            return "待完善事项：无"
        return f"待完善事项共{self.total}项：" + "、".join(f"{GROUPS[k]}{n}项" for k, n in counts.items())

    def lines(self) -> list[str]:
        """The grouped list, as the CLI, the Prefect form and the mail show it."""
        out = [self.summary(), f"（{self.year}年应报{self.expected}份月报表，已收{self.received}份）"]
        for key, items in self.groups().items():
            out.append(f"{GROUPS[key]}（{len(items)}项）：")
            out += [f"  - {item}" for item in items[:ITEMS_SHOWN]]
            if len(items) > ITEMS_SHOWN:
                out.append(f"  - …另{len(items) - ITEMS_SHOWN}项")
        return out

    def as_json(self) -> dict:
        return {"expected": self.expected, "received": self.received, "counts": self.counts(),
                "groups": {k: list(v) for k, v in self.groups().items()}, "completeness": self.completeness()}


def open_items(year: int, units: Iterable[tuple[str, str]], stored: set[tuple[str, str]], due: list[str],
               opinion: str = "", boilerplate: Iterable[str] = (), carried: Iterable[str] = (),
               blanks: Iterable[str] = ()) -> OpenItems:
    """`units`: (code, name) of the units registered for the year; `stored`: (unit code, month) of the
    returns in the ledger; `due`: the months already due (`months_due`)."""
    units = list(units)
    gaps = tuple(Gap(name, tuple(m for m in due if (code, m) not in stored)) for code, name in units)
    gaps = tuple(g for g in gaps if g.months)
    received = sum(1 for code, _ in units for m in due if (code, m) in stored)
    return OpenItems(year, len(units) * len(due), received, tuple(due), gaps, opinion.strip(),
                     tuple(boilerplate), tuple(carried), tuple(blanks))

