"""`township user add` and `township console`: the office console's users, and the console alone
(`township serve` starts it too, beside Prefect)."""
from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from flows.cli.app import HomeOpt, app, command, console, home_or_exit
from flows.cli.edge import Refusal, TownshipCommand, TownshipGroup

user_app = typer.Typer(help="工作台（浏览器中的中文页面）的用户：操作员和领导。", cls=TownshipGroup,
                       no_args_is_help=True, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
app.add_typer(user_app, name="user")


@user_app.command("add", cls=TownshipCommand, options_metavar="[选项]")
def user_add(name: Annotated[str, typer.Argument(metavar="姓名", help="登录用的用户名")],
             role: Annotated[str, typer.Option("--role", metavar="角色",
                                               help="operator（操作员：除审定外都可做）或 leader（领导：查看一切并审定）")],
             home: HomeOpt = None,
             password_env: Annotated[str | None, typer.Option(
                 "--password-env", metavar="变量名", help="从这个环境变量读取密码（不给则在终端输入）")] = None,
             ) -> None:
    """添加工作台用户（已有同名用户则改为新的角色和密码）。密码只以 argon2 哈希保存在 <实例>/.console/users.json。

    示例：township user add 张镇长 --role leader --home ./xiatang
    """
    from flows.console.users import ROLES, UserError, add_user

    h = home_or_exit(home)
    if role not in ROLES:
        raise Refusal(f"--role 应为 operator（操作员）或 leader（领导），收到“{role}”")
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise Refusal(f"环境变量 {password_env} 未设置：请先设置它为密码，或去掉 --password-env 在终端输入")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != password:
            raise Refusal("两次输入的密码不一致，未添加")
    try:
        user = add_user(h.root, name, role, password)
    except UserError as exc:
        raise Refusal(str(exc)) from exc
    console.print(f"已添加用户 {user.name}（{user.role_label}）。", highlight=False, markup=False)


@command(name="console")
def console_cmd(home: HomeOpt = None,
                port: Annotated[int, typer.Option(metavar="端口", min=1, max=65535, help="工作台端口")] = 8420,
                host: Annotated[str, typer.Option(metavar="地址", help="工作台监听地址")] = "127.0.0.1") -> None:
    """只启动工作台（不启动 Prefect 服务；运行直接在本进程中进行）。通常用 township serve，它同时启动工作台。

    示例：township console --home ./xiatang --port 8420
    """
    from flows.console.serve import ConsoleRefused, console_server, console_url

    h = home_or_exit(home)
    try:
        server = console_server(h.root, host, port)
    except ConsoleRefused as exc:
        raise Refusal(str(exc)) from exc
    console.print(f"工作台：{console_url(host, port)}  （按 Ctrl-C 停止）", highlight=False, markup=False)
    server.run()
