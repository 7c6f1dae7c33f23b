"""A return for a month its unit did not exist (issue 28): a closed unit's folder answers where to
report now (本单位自2025年7月起并入××村，请由××村报送); a new unit's, from which month it reports.
The file is refused like any other (archived, receipt in 回执/), so no return is lost or misfiled."""
from __future__ import annotations

import datetime as dt

from schemas.catalog import label_key
from schemas.findings import Finding, finding
from schemas.registry import Registry
from schemas.registry_time import absent_notice, active_in, folder_closed, month_words, name_in
from tasks.returns.read import RawReturn


def unit_time_findings(registry: Registry, folder: str, period: str | None, ret: RawReturn,
                       today: dt.date, found: list[Finding], declared: str = "") -> list[Finding]:
    """`found` as the registry's time sees it: a former name typed in a month it was the name is no
    warning; a month the unit did not exist (or a folder closed since) is refused, saying where to report;
    a successor's return for a merged unit's month (its code in 单位代码) is that unit's, taken here."""
    unit = registry.by_code().get(folder)
    if period is None or unit is None:
        return found
    if for_predecessor(registry, folder, declared, period, f"{today:%Y-%m}"):
        place = cell.place if (cell := ret.fields.get("unit_code")) else f"{ret.sheet}!D2"
        name = registry.by_code()[declared].name
        return [f for f in found if f.code != "E_UNIT_MISMATCH"] + [
            finding("I_FOR_PREDECESSOR", place, value=name, parsed=month_words(period))]
    then = label_key(name_in(unit, period))
    found = [f for f in found if not (f.code == "W_UNIT_NAME_DIFFERS" and label_key(f.value) == then)]
    return found + _absent(registry, folder, period, ret, today)


def _absent(registry: Registry, folder: str, period: str, ret: RawReturn, today: dt.date) -> list[Finding]:
    notice = absent_notice(registry, folder, period, f"{today:%Y-%m}")
    if not notice:
        return []
    cell = ret.fields.get("period")
    place = cell.place if cell else f"{ret.sheet}!F2"
    unit = registry.by_code()[folder]
    if unit.from_ is not None and period < unit.from_:
        return [finding("E_UNIT_NOT_YET", place, value=period, detail=notice)]
    return [finding("E_UNIT_CLOSED", place, value=period, detail=notice, expected=folder)]


def for_predecessor(registry: Registry, folder: str, declared: str, period: str, today_month: str) -> bool:
    """A return through `folder` for `declared`'s `period`: `declared` merged (or renamed) into the folder's
    unit, the month one of its own and not one of the successor's (whose own month it would collide with),
    and its own folder closed by now (one way in for a month at a time: its versions never race)."""
    units = registry.by_code()
    if declared == folder or declared not in units or folder not in units:
        return False
    return (declared in registry.history_of(folder) and active_in(units[declared], period)
            and not active_in(units[folder], period) and folder_closed(units[declared], today_month))
