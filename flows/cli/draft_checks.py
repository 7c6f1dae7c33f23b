"""What `township report` checks around rendering: the template's placeholders before (or, with
`--check-template`, instead of) rendering — each problem naming its paragraph in Chinese, a broken one
stopping with exit 2 — and, after it, whether the year's returns are all in."""
from __future__ import annotations

import typer
from rich.markup import escape

from flows.cli.app import console, err
from tasks.home import Home


def checked_or_exit(home: Home, name: str | None, check_only: bool) -> str:
    """The template's name, resolved: `report` without --template renders the home's default, or the only
    template of a home whose templates are all named; several of those: listed, exit 2."""
    from tasks.drafts.annual import TemplateMissing, checked_template
    from tasks.drafts.render import TemplateProblem

    try:
        path, check = checked_template(home, name)
    except (TemplateMissing, TemplateProblem) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from exc
    if not check_only:
        return path.stem
    if check.problems:
        err.print(f"[red]模板 {escape(path.name)} 有{len(check.problems)}处问题：[/red]")
        for problem in check.problems:
            err.print(escape(problem.line()), soft_wrap=True)
        raise typer.Exit(2)
    used = len(check.codes) + len(check.words)
    console.print(f"模板 {path} 检查通过：{len(check.codes)} 个指标占位符，共 {used} 种占位符。",
                  soft_wrap=True, highlight=False, markup=False)
    raise typer.Exit(0)


def completeness(home: Home, year: int) -> int:
    """Say when the draft rests on part of the year (the draft's 待完善事项 lists who and which months);
    exit code 1 when not one return of the year is stored: every figure of that draft is ××. Expected
    are the registered units' returns of the months already due (issue 24), not a December to come."""
    from tasks.drafts.open_items import due_by
    from tasks.home import township_today
    from tasks.ledger.aggregate import figures_for
    from tasks.ledger.migrate import read_ledger
    from tasks.returns.periods import months_of

    with read_ledger(home.database_url, home.archive) as engine:
        held = figures_for(engine, months_of(str(year)), home.catalog.stocks).unit_months
    from schemas.registry_time import expected_pairs

    due = due_by(year, township_today(home), home.settings)
    owed = set(expected_pairs(home.registry, due))  # only due months, and only those each unit existed
    stored = len(owed & set(held))
    expected = len(owed)
    if not due:
        err.print(f"[yellow]注意：{year}年截至今天还没有到期的月报表（库中 {len(held)} 份）；"
                  "草稿数字只含已接收的报表。[/yellow]", soft_wrap=True)
    elif stored < expected:
        err.print(f"[yellow]注意：{year}年截至今天应有 {expected} 份月报表，库中只有 {stored} 份；缺报的单位和月份已列入"
                  "草稿的“待完善事项”，定稿前请催报后重新生成。[/yellow]", soft_wrap=True)
    return 0 if held else 1
