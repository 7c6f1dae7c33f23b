"""The `township` app and what every command shares: the consoles, the --home option, opening a home.
Faults become a Chinese message and an exit code at the edge (`flows/cli/edge.py`), Click's and Typer's
own words are Chinese too (`flows/cli/zh.py`)."""
from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from flows.cli import zh
from flows.cli.edge import TownshipCommand, TownshipGroup
from flows.prefect_env import configure_prefect
from tasks.home import open_home, resolve_home
from tasks.returns.clerk_text import for_terminal


class TownshipTyper(typer.Typer):
    """The `township` process: builds only the command it runs, and ends without tidying up.

    Typer turns every registered command's signature into Click parameters before running one (~10 ms
    for fourteen); the command named on the line is the only one a run needs (none named — `--help`,
    a typo — builds them all, for the list and the suggestions). At the end, `gc.freeze()` spares the
    interpreter's closing collections over objects that die with the process anyway (~30 ms), and a
    quick command skips the teardown altogether (ENDS_AT_ONCE).
    Tests invoke the Click command (CliRunner), not this: their process keeps collecting as usual."""

    def __call__(self, *args, **kwargs):
        word = _first_word(sys.argv[1:])
        every = self.registered_commands
        named = [c for c in every if _name(c) == word]
        self.registered_commands = named or every
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as end:
            if word in ENDS_AT_ONCE:
                _end_now(end)
            raise
        finally:
            self.registered_commands = every
            gc.freeze()


# The quick commands people wait on: they start no flow, thread or child that outlives them, and write
# nothing but their output. Their exit handlers run and their output is flushed; the interpreter's
# teardown of every module it loaded (~10 ms of a 0.2 s `check`) is skipped.
ENDS_AT_ONCE = frozenset({"check", "status"})


def _end_now(end: SystemExit) -> NoReturn:
    import atexit
    import os

    code = end.code
    if code is not None and not isinstance(code, int):  # SystemExit("message"): said, exit 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def _name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _first_word(argv: list[str]) -> str | None:
    """The command on a `township [-v] COMMAND …` line (the group's options are flags: no values)."""
    return next((word for word in argv if not word.startswith("-")), None)


zh.install()
app = TownshipTyper(help="乡镇月报表流水线：收表、校验、入库、回执、催报、汇总，年底生成法治政府建设情况报告草稿。",
                    cls=TownshipGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                    options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
# emoji=False: ":name:" in what a command prints stays as written (and rich's table of ~4,000 emoji
# names, ~3.5 ms, is never loaded).
console = Console(emoji=False)
err = Console(stderr=True, emoji=False)

HomeOpt = Annotated[Path | None, typer.Option("--home", metavar="目录",
                                                 help="实例目录（默认 $TOWNSHIP_HOME，再默认当前目录）")]


def command(**kwargs):
    """`app.command` with the usage line in Chinese."""
    return app.command(cls=TownshipCommand, options_metavar="[选项]", **kwargs)


# Commands that never start a flow: they skip Prefect's settings (reading its profiles, the settings
# files of the working directory and certifi's bundle: ~4 ms, and tomllib and certifi's imports).
WITHOUT_PREFECT = frozenset({"init", "template", "check", "status", "adopt", "export", "user"})


@app.callback()
def _main(ctx: typer.Context,
          verbose: Annotated[bool, typer.Option("--verbose", "-v", help="显示 Prefect 日志；出错时显示详细信息")] = False
          ) -> None:
    if ctx.invoked_subcommand not in WITHOUT_PREFECT:
        configure_prefect(verbose)


def shown(text: str, lines: bool = False) -> Text:
    """Text that may hold a clerk's words, for the console: plain (a `[/]` is not markup) and without
    terminal escapes (a file name cannot colour, link or move the operator's terminal)."""
    return Text(for_terminal(str(text), lines))


def home_or_exit(home: Path | None):
    """The home to work in; a missing or broken one is answered at the edge (exit 2)."""
    return open_home(resolve_home(home))
