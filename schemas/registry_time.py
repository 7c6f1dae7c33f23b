"""The registry in time (issue 28): a unit exists from its `from` month to its `until` month; a merged
unit's months belong to it and its successor answers for the months after. One notion, `active_in`,
decides who is expected, chased and listed for a month — everywhere.

Like DHIS2's organisation units with opening and closing dates: returns stay with the unit that
reported them; nothing is moved when the township is reorganised."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# schemas/registry.py imports this module (it checks a registry's timeline while loading it), so its
# models are only named here, never imported: one direction, no import cycle (tests/test_layout.py).
Registry = Any  # schemas.registry.Registry
Unit = Any      # schemas.registry.Unit


def active_in(unit: Unit, period: str) -> bool:
    """Whether `unit` exists in `period` (YYYY-MM): from its `from` to its `until`, both included."""
    return (unit.from_ is None or unit.from_ <= period) and (unit.until is None or period <= unit.until)


def active_units(registry: Registry, period: str) -> list[Unit]:
    return [u for u in registry.units if active_in(u, period)]


def expected_pairs(registry: Registry, months: Iterable[str]) -> list[tuple[str, str]]:
    """(unit, month) for every month a unit exists: the returns a township owes."""
    months = list(months)
    return [(u.code, m) for u in registry.units for m in months if active_in(u, m)]


def existed_in_year(unit: Unit, year: int) -> bool:
    return any(active_in(unit, f"{year}-{m:02d}") for m in range(1, 13))


def next_month(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y + m // 12}-{m % 12 + 1:02d}"


def month_words(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:7])}月"


def successor(registry: Registry, code: str) -> Unit | None:
    """Who reports for `code` after it closed: its merged_into, or the unit renamed from it."""
    units = registry.by_code()
    unit = units.get(code)
    if unit is not None and unit.merged_into:
        return units.get(unit.merged_into)
    return next((u for u in registry.units if u.renamed_from == code), None)


def predecessors(registry: Registry, code: str) -> list[str]:
    """Every unit whose months are `code`'s history: merged into it or renamed to it, transitively."""
    out: list[str] = []
    todo = [code]
    while todo:
        current = todo.pop()
        units = registry.by_code()
        direct = [u.code for u in registry.units if u.merged_into == current and u.code not in out]
        renamed = units[current].renamed_from if current in units else None
        direct += [renamed] if renamed and renamed not in out and renamed != code else []
        out += direct
        todo += direct
    return out


def name_in(unit: Unit, period: str) -> str:
    """The unit's name in `period`: the first `names:` entry still valid then, else its current name."""
    for old in sorted(unit.names, key=lambda n: n.until):
        if period <= old.until:
            return old.name
    return unit.name


def folder_closed(unit: Unit, today_month: str) -> bool:
    """A closed unit's folder takes its last month's return (and its corrections) through the month after
    `until` (June's return is due in July); from the month after that on, nothing."""
    return unit.until is not None and today_month > next_month(unit.until)


def absent_notice(registry: Registry, code: str, period: str, today_month: str = "") -> str:
    """What a closed (or not yet opened) unit's folder answers a return for `period` that reaches it in
    `today_month`; '' when the unit takes it."""
    unit = registry.by_code().get(code)
    if unit is None or (active_in(unit, period) and not folder_closed(unit, today_month)):
        return ""
    if unit.from_ is not None and period < unit.from_:
        return f"本单位自{month_words(unit.from_)}起报送，{month_words(period)}不在本单位的报送期内，请核对报告期"
    assert unit.until is not None
    after = month_words(next_month(unit.until))
    heir = successor(registry, code)
    if heir is not None and unit.merged_into:
        return f"本单位自{after}起并入{heir.name}，请由{heir.name}报送"
    if heir is not None:
        return f"本单位自{after}起更名为{heir.name}（代码 {heir.code}），请在{heir.name}的文件夹报送"
    return f"本单位已于{month_words(unit.until)}后撤销，{month_words(period)}起不再报送"


def changes_in(registry: Registry, year: int) -> list[str]:
    """The registry's changes of `year`, one Chinese line each, in month order."""
    dated: list[tuple[str, str]] = []
    units = registry.by_code()
    merged: dict[tuple[str, str], list[str]] = {}
    for u in registry.units:
        if u.from_ and u.from_.startswith(f"{year}-") and not u.renamed_from:
            dated.append((u.from_, f"{month_words(u.from_)}起新设{u.name}（{u.code}）"))
        if u.renamed_from and u.from_ and u.from_.startswith(f"{year}-"):
            old = units.get(u.renamed_from)
            dated.append((u.from_, f"{month_words(u.from_)}起{old.name if old else u.renamed_from}更名为{u.name}"
                                   f"（代码 {u.code}）"))
        for old in u.names:
            start = next_month(old.until)
            if start.startswith(f"{year}-"):
                dated.append((start, f"{month_words(start)}起{old.name}更名为{u.name}"))
        if u.until and next_month(u.until).startswith(f"{year}-"):
            start = next_month(u.until)
            if u.merged_into:
                merged.setdefault((start, u.merged_into), []).append(u.name)
            elif not any(v.renamed_from == u.code for v in registry.units):
                dated.append((start, f"{month_words(start)}起{u.name}撤销（最后报送{month_words(u.until)}）"))
    for (start, heir), names in merged.items():
        target = units[heir].name if heir in units else heir
        dated.append((start, f"{month_words(start)}起{'、'.join(names)}并入{target}"))
    return [line for _, line in sorted(dated, key=lambda d: d[0])]  # month order; same month: as listed


def timeline_problems(registry: Registry) -> list[tuple[tuple[Any, ...], str]]:
    """(where in units.yaml, Chinese message) for each thing in the registry's time that cannot be:
    a code used twice, until before from, a successor missing or closed when it should take over, a
    cycle of merges or renames."""
    out: list[tuple[tuple[Any, ...], str]] = []
    first: dict[str, int] = {}
    for i, u in enumerate(registry.units):
        if u.code in first:
            out.append((("units", i, "code"), f"单位代码重复：{u.code} 已在第 {first[u.code] + 1} 个单位用过，"
                                              "每个单位的代码必须不同（一个单位并入或更名后，原代码也不能再给别的单位）"))
        first.setdefault(u.code, i)
    units = registry.by_code()
    heirs = _heirs(registry)
    for i, u in enumerate(registry.units):
        if u.from_ and u.until and u.until < u.from_:
            out.append((("units", i, "until"), f"until（{u.until}）早于 from（{u.from_}）：最后报送的月份不能早于开始报送的月份"))
        for key, target in (("merged_into", u.merged_into), ("renamed_from", u.renamed_from)):
            if target and target not in units:
                out.append((("units", i, key), f"{key}: {target} 不是名录中的单位代码：请写名录中已有单位的代码"))
        if u.merged_into and not u.until:
            out.append((("units", i, "merged_into"), "写了 merged_into 却没有 until：请写明本单位最后报送的月份（until）"))
        heir = units.get(u.merged_into or "")
        if heir is not None and u.until and heir.code != u.code and not active_in(heir, next_month(u.until)):
            out.append((("units", i, "merged_into"), f"并入的单位 {heir.name}（{heir.code}）在 "
                        f"{next_month(u.until)} 不存在（已关闭或尚未设立）：请改为接续报送的单位"))
        if _cycles(heirs, u.code):
            out.append((("units", i, "merged_into" if u.merged_into else "renamed_from"),
                        f"单位 {u.code} 的并入/更名关系形成循环：最终又回到本单位，请改正"))
    return out


def _heirs(registry: Registry) -> dict[str, str]:
    """code → who reports after it (merged_into, or the unit renamed from it), built once: a county's
    400 units checked one successor scan each took ~70 ms."""
    heirs = {u.renamed_from: u.code for u in registry.units if u.renamed_from}
    heirs.update({u.code: u.merged_into for u in registry.units if u.merged_into})
    return heirs


def _cycles(heirs: dict[str, str], code: str) -> bool:
    seen, current = set(), code
    while current is not None and current not in seen:
        seen.add(current)
        current = heirs.get(current)
        if current == code:
            return True
    return False


def year_names(registry: Registry, year: int) -> dict[str, str]:
    """The units that existed in `year`, in registry order, each as the year's 附表 names it: a unit
    merged that year marked (并入××村), a renamed one with its new name beside the old."""
    units = registry.by_code()
    out: dict[str, str] = {}
    for u in registry.units:
        if not existed_in_year(u, year):
            continue
        label = name_in(u, f"{year}-12")
        closing = u.until is not None and u.until < f"{year}-12"
        if closing and u.merged_into in units:
            label += f"（{month_words(next_month(u.until))}起并入{units[u.merged_into].name}）"
        elif closing and (heir := successor(registry, u.code)) is not None:
            label += f"（{month_words(next_month(u.until))}起更名为{heir.name}）"
        elif closing:
            label += f"（{month_words(u.until)}后撤销）"
        out[u.code] = label
    return out


def owner_of(registry: Registry, unit: str, declared: str | None) -> str:
    """Whose month a stored return is: the folder's unit's, or — sent by a successor for a unit merged
    into it (its code in 单位代码) — that unit's."""
    return declared if declared and declared != unit and declared in registry.history_of(unit) else unit
