"""The CLI's edge: every fault a command meets becomes one Chinese message — what is wrong, where, what
to do — and an exit code (2: bad input, the operator's to mend; 1: the run could not be done; 130:
interrupted). Nothing reaches the operator as a traceback unless asked for with `township -v`.

Cheap to import: the libraries whose errors are told apart here are imported only when an error came.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass

from typer._click import exceptions as cx
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort, Exit

from flows.cli import zh

BAD_INPUT = 2


@dataclass(frozen=True)
class Answer:
    message: str
    code: int


class Refusal(Exception):
    """A command refusing what it was given (an unknown unit, a year of two digits): exit 2."""

    def __init__(self, message: str, code: int = BAD_INPUT):
        super().__init__(message)
        self.message = message
        self.code = code


OS_WORDS = {errno.ENOENT: "不存在（或其上级目录不存在）", errno.EACCES: "没有权限", errno.EPERM: "不允许这样操作",
            errno.EROFS: "所在磁盘是只读的", errno.ENOSPC: "磁盘已满", errno.ENOTDIR: "路径中有一段不是目录",
            errno.EISDIR: "是一个目录，不是文件", errno.EEXIST: "已存在", errno.ENAMETOOLONG: "名称太长"}


def answer_for(exc: BaseException) -> Answer:
    """The operator's message for any exception a command let through."""
    if isinstance(exc, Refusal):
        return Answer(exc.message, exc.code)
    if isinstance(exc, KeyboardInterrupt):
        return Answer("已中断。未完成的文件留在收件箱，下次运行会继续处理。", 130)
    kind = {c.__name__ for c in type(exc).__mro__}
    if kind & {"ContractError", "HomeError", "PeriodSpecError"}:
        return Answer(str(exc), BAD_INPUT)
    if isinstance(exc, OSError) and exc.errno in OS_WORDS:
        where = f"“{exc.filename}”" if exc.filename else "文件"
        code = BAD_INPUT if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG,
                                           errno.EEXIST) else 1
        return Answer(f"{where}{OS_WORDS[exc.errno]}，请检查路径和权限后重试。", code)
    if "ValidationError" in kind and hasattr(exc, "errors"):
        from schemas.problems import explain

        lines = [f"{'.'.join(map(str, e['loc']))}：{explain(e, {})}" for e in exc.errors()]
        return Answer("设置或参数有误：\n" + "\n".join(lines), BAD_INPUT)
    if kind & {"TOMLDecodeError", "YAMLError"}:
        return Answer("设置文件格式错误，请对照 township init 生成的示例检查。", BAD_INPUT)
    if kind & {"OperationalError", "DBAPIError", "ArgumentError"}:
        from tasks.errors import describe

        said = describe(exc)  # the true cause where it is known: read-only, full disk, locked …
        if not said.startswith("程序内部错误"):
            return Answer(said, 1)
        return Answer("无法使用数据库（township.toml 的 database_url）：请确认数据库已启动、地址正确，稍后重试。", 1)
    if "TownshipError" in kind:
        return Answer(str(exc), 1)
    return Answer(f"内部错误（{type(exc).__name__}）：{exc}\n请加 -v 重新运行（township -v …）查看详情，并告知管理员。", 1)


class Chinese:
    """Usage line, --help and usage errors in Chinese, for the group and each command alike."""

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=zh.USAGE)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = zh.HELP_OPTION
        return option

    def format_help(self, ctx, formatter) -> None:
        zh.panels()
        super().format_help(ctx, formatter)

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except cx.ClickException as exc:
            zh.panels()  # Typer draws the error's panel
            raise zh.usage_error(exc) from None


class TownshipCommand(Chinese, TyperCommand):
    pass


class TownshipGroup(Chinese, TyperGroup):
    """The `township` group: each command runs inside `answer_for`."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exit:
            raise
        except Abort:
            zh.panels()
            raise
        except cx.ClickException as exc:
            zh.panels()
            raise zh.usage_error(exc) from None
        except (Exception, KeyboardInterrupt) as exc:
            if ctx.params.get("verbose") and not isinstance(exc, (Refusal, KeyboardInterrupt)):
                raise
            answer = answer_for(exc)
            from rich.console import Console
            from rich.markup import escape

            Console(stderr=True, emoji=False).print(f"[red]{escape(answer.message)}[/red]", soft_wrap=True)
            raise Exit(answer.code) from None
