"""`township user add` and `township console` as an operator types them: Chinese answers, exit code 2 for
what the operator must mend, and no console open to the network while nobody can log in."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from flows.cli import app
from flows.console.serve import refusal
from flows.console.users import check_password, users_path

runner = CliRunner()


def test_user_add_from_an_environment_variable(home, monkeypatch):
    monkeypatch.setenv("LEADER_PW", "zhenzhang-2024")
    result = runner.invoke(app, ["user", "add", "张镇长", "--role", "leader", "--home", str(home.root),
                                 "--password-env", "LEADER_PW"])
    assert result.exit_code == 0, result.output
    assert "已添加用户 张镇长（领导）" in result.output
    stored = json.loads(users_path(home.root).read_text(encoding="utf-8"))["users"]["张镇长"]
    assert stored["role"] == "leader" and "zhenzhang-2024" not in stored["hash"]
    assert check_password(home.root, "张镇长", "zhenzhang-2024").leader
    assert users_path(home.root).stat().st_mode & 0o077 == 0   # only its owner reads the hashes


def test_user_add_asks_for_the_password_twice(home):
    result = runner.invoke(app, ["user", "add", "wang", "--role", "operator", "--home", str(home.root)],
                           input="mima-123456\nmima-123456\n")
    assert result.exit_code == 0, result.output
    assert check_password(home.root, "wang", "mima-123456").role == "operator"
    differ = runner.invoke(app, ["user", "add", "li", "--role", "operator", "--home", str(home.root)],
                           input="mima-123456\nmima-654321\n")
    assert differ.exit_code == 2 and "不一致" in differ.output


def test_user_add_refuses_bad_input_in_chinese(home, monkeypatch):
    monkeypatch.setenv("PW", "short")
    base = ["user", "add", "wang", "--home", str(home.root), "--password-env"]
    for args, said in (([*base, "PW", "--role", "admin"], "operator（操作员）或 leader"),
                       ([*base, "PW", "--role", "operator"], "密码至少"),
                       ([*base, "NO_SUCH_VAR", "--role", "operator"], "未设置")):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and said in result.output, result.output
        assert "Traceback" not in result.output
    assert not users_path(home.root).exists()


def test_console_refuses_the_network_without_users(home, monkeypatch):
    assert refusal(home.root, "127.0.0.1") == "" and refusal(home.root, "localhost") == ""
    assert "拒绝启动" in refusal(home.root, "0.0.0.0")
    result = runner.invoke(app, ["console", "--home", str(home.root), "--host", "0.0.0.0", "--port", "8421"])
    assert result.exit_code == 2 and "还没有任何用户" in result.output
    serve = runner.invoke(app, ["serve", "--home", str(home.root), "--console-host", "0.0.0.0"])
    assert serve.exit_code == 2 and "还没有任何用户" in serve.output   # refused before Prefect starts
    monkeypatch.setenv("PW", "long-enough-1")
    runner.invoke(app, ["user", "add", "wang", "--role", "operator", "--home", str(home.root), "--password-env", "PW"])
    assert refusal(home.root, "0.0.0.0") == ""
