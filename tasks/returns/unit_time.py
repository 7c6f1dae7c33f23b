"""A return for a month its unit did not exist (issue 28): a closed unit's folder answers where to
report now (本单位自2025年7月起并入××村，请由××村报送); a new unit's, from which month it reports.
The file is refused like any other (archived, receipt in 回执/), so no return is lost or misfiled."""
from __future__ import annotations

import datetime as dt

from schemas.catalog import label_key
from schemas.findings import Finding, finding
from schemas.registry import Registry
from schemas.registry_time import absent_notice, name_in
from tasks.returns.read import RawReturn


def unit_time_findings(registry: Registry, folder: str, period: str | None, ret: RawReturn,
                       today: dt.date, found: list[Finding]) -> list[Finding]:
    """`found` as the registry's time sees it: a former name typed in a month it was the name is no
    warning; a month the unit did not exist (or a folder closed since) is refused, saying where to report."""
    unit = registry.by_code().get(folder)
    if period is None or unit is None:
        return found
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
    return [finding("E_UNIT_CLOSED", place, value=period, detail=notice)]
