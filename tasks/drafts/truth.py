"""What a draft must admit before anyone signs it (DESIGN §7): units and months missing from the year,
a last year too thin to compare with, indicators with data that no sentence states, words that name
another township's circumstances or another year. Each finding is a line of the 待完善事项."""
from __future__ import annotations

import re

from schemas.registry import Registry
from schemas.registry_time import active_in
from tasks.ledger.aggregate import Figures

MONTHS_SHOWN = 6  # a unit missing more months than this is summed up, not listed month by month
RELATIVE_YEAR = re.compile("今年|去年|明年|本年度|上年度")


def missing_returns(figures: Figures, registry: Registry, year: int, due: list[str] | None = None) -> list[str]:
    """'本年尚无月报表：林楼村、岳庄村', '下汤村缺3月、4月的月报表' …; nothing when the year is complete.
    `due`: the months whose return is due by now (a December not yet due is not missing); all twelve
    when not given."""
    months = [f"{year}-{m:02d}" for m in range(1, 13)] if due is None else due
    silent, gaps = [], []
    for unit in registry.units:
        owed = [m for m in months if active_in(unit, m)]  # a merged or new unit owes its own months only
        all_year = all(active_in(unit, f"{year}-{n:02d}") for n in range(1, 13))
        lacking = [m for m in owed if (unit.code, m) not in figures.unit_months]
        if owed and len(lacking) == len(owed):
            span = "" if all_year else f"（应报{int(owed[0][5:])}—{int(owed[-1][5:])}月）"
            silent.append(unit.name + span)
        elif lacking:
            shown = "、".join(f"{int(m[5:])}月" for m in lacking[:MONTHS_SHOWN])
            more = f"等{len(lacking)}个月" if len(lacking) > MONTHS_SHOWN else ""
            gaps.append(f"{unit.name}缺{shown}{more}")
    items = []
    if silent:
        items.append(f"{year}年全年没有收到这些单位的月报表：{'、'.join(silent)}。正文数字不含这些单位，"
                     "请催报后重新生成。")
    if gaps:
        items.append(f"{year}年缺报的月报表：{'；'.join(gaps)}。正文数字只含已接收的月份，请催报后重新生成。")
    return items


def comparable(previous: Figures, current: Figures) -> bool:
    """Year over year only against a last year at least as complete (stored unit-months) as this one:
    1 return of 36 against 180 would make every figure '增长'."""
    return bool(previous.unit_months) and len(previous.unit_months) >= len(current.unit_months)


def comparison_note(previous: Figures, current: Figures, year: int) -> list[str]:
    if not previous.unit_months:
        return [f"库中没有{year - 1}年的月报表，正文未作同比（较上年增长/下降）；导入上年报表后重新生成即可。"]
    if comparable(previous, current):
        return []
    return [f"库中{year - 1}年只有{len(previous.unit_months)}份月报表（{year}年{len(current.unit_months)}份），"
            "两年数据不可比，正文未作同比。"]


def unstated(codes_with_data: list[tuple[str, str, int, str]], stated: set[str]) -> list[str]:
    """Indicators (code, name, total, unit) with data in the ledger that no sentence of the template states."""
    return [f"指标“{name}”（{code}）本年合计{total}{unit}，但正文没有句子写到它（只见于附表）：请在模板中补写，"
            "或从指标目录删去。" for code, name, total, unit in codes_with_data if code not in stated and total]


def place_words(registry: Registry) -> tuple[dict[str, str], list[str]]:
    """镇/乡/街道 and 县/区/市 as the home's names say, for templates that write 依法治{{ town_word }},
    {{ county_word }}委; a name that says neither is stated as 镇/县 and marked for staff."""
    town, county = registry.township.name, registry.township.county
    todo = []
    town_word = next((w for w in ("街道", "乡", "镇") if town.endswith(w)), "")
    if not town_word:
        town_word = "镇"
        todo.append(f"乡镇名称“{town}”看不出是镇、乡还是街道，正文按“镇”写（如“全镇”），请核实。")
    county_word = county[-1] if county[-1:] in ("县", "区", "市", "旗") else ""
    if not county_word:
        county_word = "县"
        todo.append(f"县级名称“{county or '（未填）'}”看不出是县、区还是市，正文按“县委、县政府”写，请核实。")
    return {"town_word": town_word, "county_word": county_word}, todo


def dated_words(texts: list[tuple[str, str]], year: int, this_year: int) -> list[str]:
    """A template's literal 今年/去年 is true only in the year it speaks of: in a draft of another year
    each paragraph (where, text) holding one is listed."""
    if year == this_year:
        return []
    hits = [(where, m.group(0), t) for where, t in texts for m in [RELATIVE_YEAR.search(t)] if m]
    return [f"{where}“{t.strip()[:16]}…”写有“{word}”，而本稿是{year}年度的报告（生成于{this_year}年），请核实。"
            for where, word, t in hits]
