"""Options several commands share, checked where they are parsed: a bad value is a Chinese message and
exit 2 before any work starts."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.edge import Refusal


def _period(value: str | None) -> str | None:
    from tasks.returns.periods import PeriodSpecError, canonical_period

    if value is None:
        return None
    try:
        return canonical_period(value)
    except PeriodSpecError as exc:
        raise typer.BadParameter(str(exc)) from None


PeriodOpt = Annotated[str | None, typer.Option(metavar="报告期", callback=_period,
                                                  help="2024-03（或 2024年3月）、2024-Q1 或 2024")]


def known_unit(home, code: str) -> None:
    if code not in home.registry.by_code():
        raise Refusal(f"单位代码 {code} 不在 units.yaml 中：请核对代码，或先在 {home.root / 'units.yaml'} 中登记该单位")


def known_units(home, codes: list[str] | None) -> None:
    for code in codes or ():
        known_unit(home, code)


def _out_file(value: Path | None) -> Path | None:
    """`--out` names a file in a folder that exists: a typo in a path never creates folders anywhere
    (and a directory or a device is not a file to write)."""
    if value is None:
        return None
    path = value.expanduser().absolute()
    if not path.parent.is_dir():
        raise typer.BadParameter(f"文件夹“{path.parent}”不存在：--out 不会新建文件夹，请先建好它或换一个路径")
    if path.is_dir() or (path.exists() and not path.is_file()):
        raise typer.BadParameter(f"“{path}”不是普通文件：--out 请写一个文件名")
    return path


def out_option(help: str):
    """The type of a command's `--out FILE` (checked by `_out_file` where it is parsed)."""
    return Annotated[Path | None, typer.Option(metavar="文件", help=help, callback=_out_file)]
