"""The values validation works with: the context a return is judged in, a stored value, and the
checked return (tasks/returns/validate.py makes it; tasks/returns/table_checks.py checks its table)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schemas.catalog import Catalog
from schemas.findings import Finding
from schemas.registry import Registry
from tasks.returns.read import Cell


@dataclass(frozen=True, slots=True)
class Value:
    indicator: str
    value: int
    raw: str
    place: str
    note: str = ""


@dataclass(frozen=True)
class Checked:
    """A validated return: what will be stored if no finding is an error."""
    unit: str                 # the folder's unit: identity comes from where the file was dropped
    declared_unit: str        # what the file says
    period: str | None
    values: tuple[Value, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


@dataclass(frozen=True)
class Context:
    folder: str
    registry: Registry
    catalog: Catalog
    today: dt.date
    max_count: int = 1_000_000
    # The indicators the return is asked for (those some template of the home states): only their absence
    # is worth a warning. None: every indicator of the catalog (a home whose templates cannot be read).
    asked: frozenset[str] | None = None


def text_of(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    v = cell.value
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a unit code typed into a number cell
    return str(v).strip()
