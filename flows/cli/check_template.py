"""`township report --template NAME --check-template`: a template's placeholders checked before (or
instead of) rendering; each problem names its paragraph in Chinese, and a broken one stops with exit 2."""
from __future__ import annotations

import typer
from rich.markup import escape

from flows.cli.app import console, err
from tasks.home import Home


def checked_or_exit(home: Home, name: str | None, check_only: bool) -> None:
    from tasks.drafts.annual import TemplateMissing, checked_template
    from tasks.drafts.render import TemplateProblem

    try:
        path, check = checked_template(home, name)
    except (TemplateMissing, TemplateProblem) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    if not check_only:
        return
    if check.problems:
        err.print(f"[red]模板 {escape(path.name)} 有{len(check.problems)}处问题：[/red]")
        for problem in check.problems:
            err.print(escape(problem.line()), soft_wrap=True)
        raise typer.Exit(2)
    used = len(check.codes) + len(check.words)
    console.print(f"模板 {path} 检查通过：{len(check.codes)} 个指标占位符，共 {used} 种占位符。",
                  soft_wrap=True, highlight=False, markup=False)
    raise typer.Exit(0)
