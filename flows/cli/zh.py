"""Typer's own words in Chinese: the CLI speaks one language, its help and its usage errors included.

Typer (0.29) carries its own copy of Click whose messages are plain English, not marked for gettext;
so a usage error is told again here from its parts (which option, which value, what was wrong), the
help panels' titles (constants made at Typer's import) are set once at the CLI's start, and the usage
line and the --help option are worded by the classes in `flows/cli/edge.py`."""
from __future__ import annotations

import re

from typer._click import exceptions as cx

USAGE = "用法："
HELP_OPTION = "显示本帮助并退出。"
PANELS = {"DEPRECATED_STRING": "（已弃用）", "DEFAULT_STRING": "[默认：{}]", "ENVVAR_STRING": "[环境变量：{}]",
          "REQUIRED_LONG_STRING": "[必填]", "ARGUMENTS_PANEL_TITLE": "参数", "OPTIONS_PANEL_TITLE": "选项",
          "COMMANDS_PANEL_TITLE": "命令", "ERRORS_PANEL_TITLE": "错误", "ABORTED_TEXT": "已中止。",
          "RICH_HELP": "查看帮助：[blue]{command_path} {help_option}[/]"}
CORE_WORDS = {"required": "必填", "Arguments": "参数", "Options": "选项", "Commands": "命令",
              "Missing command.": "缺少命令。", "(dynamic)": "（动态）", "Aborted!": "已中止。",
              "default: {default}": "默认：{default}", "env var: {var}": "环境变量：{var}",
              "No such command {name!r}.": "没有命令“{name}”。"}

# A bad value's English reason (from Typer's coercion or Click's types) → Chinese.
REASONS = (
    (r"greater than or equal to (\S+)", "不能小于 {0}"), (r"less than or equal to (\S+)", "不能大于 {0}"),
    (r"greater than (\S+)", "应大于 {0}"), (r"less than (\S+)", "应小于 {0}"),
    (r"valid integer", "应为整数"), (r"valid (?:number|float)", "应为数字"), (r"valid boolean", "应为是/否"),
    (r"'(.*)' does not exist", "“{0}”不存在"), (r"'(.*)' is a directory", "“{0}”是目录，这里要一个文件"),
    (r"'(.*)' is a file", "“{0}”是文件，这里要一个目录"), (r"'(.*)' is not readable", "“{0}”无法读取（没有权限）"),
    (r"'(.*)' is not writable", "“{0}”无法写入（没有权限）"), (r"is not one of (.*)", "只能是 {0} 之一"),
)
# The type column of the help: a switch needs none; the others in Chinese.
TYPES = {"<bool>": "", "<file>": "<文件>", "<path>": "<路径>", "<int>": "<整数>", "<str>": "<文本>",
         "<float>": "<数字>", "<list[str]>": "<文本>…"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def install() -> None:
    """Idempotent; changes only Typer's words, in this process. The help and error panels' words are set
    by `panels()` when help or an error is about to be drawn: typer.rich_utils imports most of rich
    (markdown, syntax, tracebacks: ~0.15 s) that a command's own answer never needs."""
    import typer.core

    typer.core._ = lambda text: CORE_WORDS.get(text, text)
    parameter = typer.core._TyperParameter
    if not getattr(parameter.display_type, "chinese", False):
        english = parameter.display_type

        def display_type(self, ctx) -> str:
            shown = english(self, ctx)
            return TYPES.get(shown, shown)

        display_type.chinese = True
        parameter.display_type = display_type


def panels() -> None:
    """Typer's panel titles and notes in Chinese (idempotent)."""
    import typer.rich_utils

    for constant, words in PANELS.items():
        setattr(typer.rich_utils, constant, words)


def reason(message: str) -> str:
    if CJK.search(message):
        return message  # ours already (a callback's BadParameter)
    for pattern, words in REASONS:
        if m := re.search(pattern, message):
            return words.format(*m.groups())
    return "取值无效"


def _hint(exc: cx.BadParameter) -> str:
    if exc.param_hint:
        return exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    param = exc.param
    if param is None:
        return "参数"
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    return " / ".join(opts) if opts else (getattr(param, "metavar", None) or param.name or "参数")


def usage_error(exc: cx.ClickException) -> cx.ClickException:
    """The same error, told in Chinese; it keeps its context, so the usage line and help hint follow."""
    if isinstance(exc, cx.NoArgsIsHelpError) or not isinstance(exc, cx.UsageError):
        return exc
    ctx = exc.ctx
    text = exc.message
    if isinstance(exc, cx.MissingParameter):
        kind = "参数" if getattr(exc.param, "param_type_name", "") == "argument" else "选项"
        said = f"缺少{kind} {_hint(exc)}"
    elif isinstance(exc, cx.BadParameter):
        said = f"{_hint(exc)} 的值无效：{reason(text)}"
    elif isinstance(exc, cx.NoSuchOption):
        said = f"没有选项 {exc.option_name}" + (f"，是否想用 {'、'.join(sorted(exc.possibilities))}？"
                                              if exc.possibilities else "")
    elif isinstance(exc, cx.BadOptionUsage) and "does not take a value" in text:
        said = f"选项 {exc.option_name} 是开关，后面不能跟值"
    elif isinstance(exc, cx.BadOptionUsage) and "requires" in text:
        said = f"选项 {exc.option_name} 后面需要一个值"
    elif m := re.search(r"extra argument\(?s?\)? \((.*)\)", text):
        said = f"多余的参数：{m[1]}"
    elif CJK.search(text):
        said = re.sub(r"\. Did you mean (.*)\?", lambda m: f"是否想用 {m[1]}？", text).replace("'", "")
    else:
        said = "命令行用法有误"
    return cx.UsageError(said + "（township --help 列出全部命令）" if "命令" in said and "没有" in said else said, ctx)
