"""Options several commands share, checked where they are parsed: a bad value is a Chinese message and
exit 2 before any work starts."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from flows.cli.edge import Refusal


def _period(value: Optional[str]) -> Optional[str]:
    from tasks.returns.periods import PeriodSpecError, canonical_period

    if value is None:
        return None
    try:
        return canonical_period(value)
    except PeriodSpecError as exc:
        raise typer.BadParameter(str(exc)) from None


PeriodOpt = Annotated[Optional[str], typer.Option(metavar="报告期", callback=_period,
                                                  help="2024-03（或 2024年3月）、2024-Q1 或 2024")]


def known_unit(home, code: str) -> None:
    if code not in home.registry.by_code():
        raise Refusal(f"单位代码 {code} 不在 units.yaml 中：请核对代码，或先在 {home.root / 'units.yaml'} 中登记该单位")


def known_units(home, codes: list[str] | None) -> None:
    for code in codes or ():
        known_unit(home, code)
