"""A demo home: ~15 units and a year of returns whose yearly totals are the reference report's
(DESIGN §5), made through the template code, with the quirks real clerks add."""
from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass
from pathlib import Path

from schemas.registry import Registry, Township, Unit
from tasks.home import Home, init_home, open_home
from tasks.returns.blank import ReturnContent, write_return

REFERENCE_TOTALS = {  # DESIGN §5; LECTURE is once a month; ANTI_FRAUD is not in the reference text
    "LECTURE": 12, "TRAINING": 12, "DISPUTE": 73, "LEGAL_AID": 23, "DROWNING_MEETING": 1,
    "WARNING_SIGN": 214, "PUBLICITY_EVENT": 107, "DISPLAY_BOARD": 128, "LEAFLET": 7260,
    "LAW_BOOK": 4150, "CONSTITUTION_BROCHURE": 630, "ANTI_FRAUD": 46, "NORMATIVE_DOC": 3,
}

DEMO_REGISTRY = Registry(
    township=Township(code="410423105", name="下汤镇", county="鲁山县"),
    units=(
        Unit(code="410423105001", name="下汤镇党政综合办公室", kind="office", contact="赵明", phone="0375-5012001"),
        Unit(code="410423105002", name="下汤镇司法所", kind="office", contact="李娜", phone="0375-5012002"),
        Unit(code="410423105003", name="下汤镇综治中心", kind="office", contact="孙伟", phone="0375-5012003"),
        *(Unit(code=f"410423105{200 + i}", name=name, kind="community" if name.endswith("社区") else "village",
               contact=contact, phone=f"138037502{i:02d}")
          for i, (name, contact) in enumerate((
              ("下汤社区", "王建军"), ("下汤村", "张秀英"), ("松垛村", "刘洋"), ("林楼村", "陈静"),
              ("太山庙村", "杨帆"), ("社楼村", "黄磊"), ("岳庄村", "周敏"), ("红石崖村", "吴刚"),
              ("龙王庙村", "郑丽"), ("寺沟村", "冯涛"), ("四道河村", "何平"), ("中汤村", "高峰")), start=1)),
    ),
)
OFFICE, JUSTICE, SECURITY = (u.code for u in DEMO_REGISTRY.units[:3])
VILLAGES = tuple(u.code for u in DEMO_REGISTRY.units[3:])
# Who reports what: the office lectures and files normative documents, the justice office trains;
# the rest comes from the villages (and the justice office for disputes and legal aid).
REPORTERS = {
    "LECTURE": (OFFICE,), "TRAINING": (JUSTICE,), "NORMATIVE_DOC": (OFFICE,), "DROWNING_MEETING": (SECURITY,),
    "DISPUTE": (JUSTICE, *VILLAGES), "LEGAL_AID": (JUSTICE,), "CONSTITUTION_BROCHURE": (OFFICE, JUSTICE),
}
NOTES = ("组织“法律明白人”入户讲解《民法典》", "联合派出所开展反诈宣传进集市", "在河道坑塘新增警示牌并拉设防护网",
         "邀请律师开展“一村一堂普法课”", "利用村广播每日播放普法内容", "调解邻里宅基地纠纷，当场化解")


@dataclass(frozen=True)
class Cell:
    value: object
    note: str = ""


def distribute(year: int, rng: random.Random) -> dict[tuple[str, str], dict[str, int]]:
    """(unit, period) → indicator → count, summing exactly to REFERENCE_TOTALS."""
    periods = [f"{year}-{m:02d}" for m in range(1, 13)]
    grid: dict[tuple[str, str], dict[str, int]] = {(u.code, p): {} for u in DEMO_REGISTRY.units for p in periods}
    for code, total in REFERENCE_TOTALS.items():
        reporters = REPORTERS.get(code, VILLAGES)
        if code in ("LECTURE", "TRAINING"):
            for p in periods:
                grid[(reporters[0], p)][code] = total // 12
            continue
        if code == "DROWNING_MEETING":
            grid[(reporters[0], f"{year}-06")][code] = total
            continue
        if code == "NORMATIVE_DOC":
            for p in (f"{year}-03", f"{year}-07", f"{year}-11"):
                grid[(reporters[0], p)][code] = 1
            continue
        keys = [(u, p) for u in reporters for p in periods]
        chunks = min(total, len(keys) * 3)
        share = [total // chunks] * chunks
        for i in range(total - sum(share)):
            share[i] += 1
        for amount in share:
            key = rng.choice(keys)
            grid[key][code] = grid[key].get(code, 0) + amount
    return grid


def typed(value: int, rng: random.Random, unit: str) -> object:
    """What a clerk types for a count: mostly a number, sometimes 12次, １２, 7,000 — all still exact."""
    roll = rng.random()
    if roll < 0.03 and value >= 1000:
        return f"{value:,}"
    if roll < 0.05:
        return f"{value}{unit}"
    if roll < 0.06:
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return value


OWN_REPORT = Path(__file__).with_name("reference_report_2024.txt")  # ../shared/reference, as published
OWN_REPORT_NAME = "下汤镇2024年法治政府建设情况的报告.docx"


def write_own_report(root: Path) -> Path:
    """下汤镇's own 2024 report as a Word file in the demo home: what `township adopt` starts from."""
    from tasks.adoption.source import document_from_lines

    path = root / OWN_REPORT_NAME
    document_from_lines(OWN_REPORT.read_text(encoding="utf-8").splitlines()).save(str(path))
    return path


def make_demo(root: Path, year: int = 2024, seed: int = 2024) -> tuple[Home, int]:
    """Create the demo home, with the township's own 2024 report beside it, and drop a year of returns
    (plus a refused slip, a correction and a duplicate) into the inbox. Returns the home and the
    number of files dropped."""
    home = init_home(root, DEMO_REGISTRY)
    write_own_report(root)
    toml = root / "township.toml"  # the demo ingests what it just wrote: nothing is still being copied
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 30", "settle_seconds = 0"),
                    encoding="utf-8")
    home = open_home(root)
    rng = random.Random(seed)
    units = home.registry.by_code()
    units_of = {i.code: i.unit for i in home.catalog.indicators}
    dropped = 0
    for (code, period), counts in sorted(distribute(year, rng).items()):
        values = {ind: typed(counts.get(ind, 0), rng, units_of[ind]) if counts.get(ind) else
                  (0 if rng.random() < 0.5 else None) for ind in units_of}
        notes = {ind: rng.choice(NOTES) for ind in counts if rng.random() < 0.04}
        month_end = dt.date(int(period[:4]), int(period[5:]), 28) + dt.timedelta(days=4)
        filed = month_end.replace(day=1) + dt.timedelta(days=rng.randint(0, 6))
        content = ReturnContent(township=home.registry.township.name, unit=units[code], period=period,
                                filled_by=units[code].contact, phone=units[code].phone,
                                filed_on=f"{filed:%Y-%m-%d}", values=values, notes=notes)
        path = home.unit_inbox(code) / f"{period}月报表.xlsx"
        if code == VILLAGES[1] and period == f"{year}-05":
            # A slip first (approximate figure, refused), then the corrected return the next day.
            wrong = dict(values, DISPUTE="约5")
            _drop(write_return(home.unit_inbox(code) / f"{period}月报表（初稿）.xlsx", home.catalog,
                               ReturnContent(**{**content.__dict__, "values": wrong})), filed)
            dropped += 1
            filed += dt.timedelta(days=1)
        _drop(write_return(path, home.catalog, content), filed)
        dropped += 1
        if code == VILLAGES[3] and period == f"{year}-09":
            # Sent with a typo, accepted — then corrected: the new version supersedes the first.
            slip = dict(values, PUBLICITY_EVENT=counts.get("PUBLICITY_EVENT", 0) + 5)
            first = write_return(home.unit_inbox(code) / f"{period}月报表-旧.xlsx", home.catalog,
                                 ReturnContent(**{**content.__dict__, "values": slip}))
            _drop(first, filed - dt.timedelta(days=1))
            dropped += 1
        if code == VILLAGES[2] and period == f"{year}-08":  # the same file sent twice
            copy = path.with_name(f"{period}月报表(1).xlsx")
            copy.write_bytes(path.read_bytes())
            _drop(copy, filed + dt.timedelta(hours=2))
            dropped += 1
    _seen_when_filed(home)
    return home, dropped


def _seen_when_filed(home: Home) -> None:
    """A year simulated in a moment: each file arrived on the day its clerk filed it (its mtime, below),
    so the ledger remembers it as seen then — as an ingest watching the inbox all year would have.
    Lateness is judged by arrival (migration 0003), never by a file's own mtime."""
    import time

    from tasks.intake.discover import discover
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.sightings import note_sightings

    by_moment: dict[float, list[tuple[str, str]]] = {}
    for d in discover(home.inbox, set(home.registry.by_code()), time.time(), 0.0).ready:
        by_moment.setdefault(d.mtime, []).append((d.unit, d.name))
    with open_ledger(home.database_url) as engine:
        for moment, pairs in sorted(by_moment.items()):
            note_sightings(engine, pairs, dt.datetime.fromtimestamp(moment, dt.UTC))


def _drop(path: Path, filed: dt.date) -> None:
    """Give the file the mtime of the day the clerk filed it (`_seen_when_filed` makes it its arrival)."""
    moment = dt.datetime(filed.year, filed.month, filed.day, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    os.utime(path, (moment.timestamp(), moment.timestamp()))
