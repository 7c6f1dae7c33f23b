"""Every command given a bad argument or a broken home answers in Chinese, with what to do and exit 2 —
never a traceback, never Typer's or Click's English; the help speaks Chinese too; tables wrap, never cut."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.helpers import VILLAGE, drop

runner = CliRunner()
ENGLISH = re.compile(r"Traceback|Error|Usage|Invalid|Missing|No such|Try '|Options|Commands|Arguments|"
                     r"Show this|default:|required\]|does not|is not|must be|should be|Input ")
CJK = re.compile(r"[\u4e00-\u9fff]")


def answered(args: list[str], code: int = 2, env: dict | None = None) -> str:
    result = runner.invoke(app, args, terminal_width=100, env=env)
    out = result.output
    assert result.exit_code == code, (args, result.exit_code, out)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert CJK.search(out) and not ENGLISH.search(out), (args, out)
    return re.sub(r"[\s│╭╮╰╯─]+", "", out)  # the message, whatever the panel's line breaks


@pytest.fixture
def broken(home):
    toml = home.root / "township.toml"
    original = toml.read_text(encoding="utf-8")

    def write(text: str) -> str:
        toml.write_text(text, encoding="utf-8")
        return str(home.root)
    yield write
    toml.write_text(original, encoding="utf-8")


def test_bad_arguments_of_every_command(home, tmp_path):
    h = ["--home", str(home.root)]
    good = drop(home)
    (tmp_path / "not-demo").mkdir()
    (tmp_path / "not-demo" / "x.txt").write_text("x")
    cases = [
        (["ingest", "--unit", "999", *h], "单位代码999不在units.yaml中"),
        (["status", "--period", "2024-13", *h], "报告期“2024-13”无法识别"),
        (["status", "--period", "2024-Q5", *h], "报告期“2024-Q5”无法识别"),
        (["summary", "--period", "三月", *h], "报告期“三月”无法识别"),
        (["check", "nosuchfile.xlsx", *h], "“nosuchfile.xlsx”不存在"),
        (["check", str(tmp_path), *h], "是目录"),
        (["check", *h], "缺少参数文件"),
        (["check", str(good), "--unit", "999", *h], "单位代码999不在units.yaml中"),
        (["report", "--year", "24", *h], "--year的值无效：不能小于2000"),
        (["report", "--year", "二〇二四", *h], "--year的值无效：应为整数"),
        (["template", "--unit", "999", *h], "单位代码999不在units.yaml中"),
        (["template", "--period", "2024", *h], "请写一个月份"),
        (["init", "/proc/x"], "“/proc/x”不存在"),
        (["status", "--home", str(tmp_path / "nowhere")], "townshipinit"),
        (["serve", "--port", "70000", *h], "--port的值无效：不能大于65535"),
        (["bench", "--files", "0"], "--files的值无效：不能小于1"),
        (["demo", str(tmp_path / "not-demo")], "不是演示目录"),
        (["statu"], "没有命令“statu”。是否想用status？"),
        (["status", "--hom", "x"], "没有选项--hom，是否想用--home？"),
        (["status", "--json=3", *h], "--json是开关"),
        (["ingest", "--unit"], "--unit后面需要一个值"),
        (["status", "extra", *h], "多余的参数：extra"),
    ]
    for args, words in cases:
        assert words in answered(args), args
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    assert "PREFECT_API_URL" in answered(["deploy", *h], env={**env, "PREFECT_API_URL": ""})


def test_a_broken_home_is_answered_with_the_file_and_line(broken):
    from schemas.settings import DEFAULT_SETTINGS_TOML

    root = broken(DEFAULT_SETTINGS_TOML.replace("settle_seconds = 30", "settle_second = 0"))
    for command in (["status"], ["ingest"], ["report"], ["summary"], ["template"]):
        said = answered([*command, "--home", root])
        assert "township.toml第7行" in said and "settle_seconds" in said, command
    broken(DEFAULT_SETTINGS_TOML.replace("max_cells = 200000", "max_cells = 200000\nsmtp_host = \"x\""))
    assert "[limits]中没有“smtp_host”这一项：它应写在[delivery]表中" in answered(["status", "--home", root])
    broken(DEFAULT_SETTINGS_TOML.replace('inbox = "inbox"', "inbox = 收件箱"))
    assert "township.toml第4行" in answered(["ingest", "--home", root])
    broken(DEFAULT_SETTINGS_TOML.replace("read_timeout_s = 5", "read_timeout_s = \"五秒\""))
    assert "应为数字" in answered(["check", f"{root}/units.yaml", "--home", root])


def test_a_negative_file_limit_stops_the_ingest_before_any_return_is_refused(broken, home):
    """`max_file_mb = -1` made every good return 文件异常; now the ingest stops at once, naming the line."""
    from schemas.settings import DEFAULT_SETTINGS_TOML

    drop(home)
    text = DEFAULT_SETTINGS_TOML.replace("max_file_mb = 20", "max_file_mb = -1")
    root = broken(text)
    line = next(n for n, raw in enumerate(text.splitlines(), start=1) if "max_file_mb = -1" in raw)
    said = answered(["ingest", "--home", root])
    assert f"township.toml第{line}行（limits.max_file_mb）：应大于0" in said
    assert not list((home.root / "archive").rglob("*.xlsx")) and len(list(home.unit_inbox(VILLAGE).glob("*.xlsx"))) == 1


def test_a_broken_registry_names_its_line(home):
    units = home.root / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("kind: office", "kind: bureau"), encoding="utf-8")
    said = answered(["status", "--home", str(home.root)])
    assert "units.yaml第" in said and "只能是" in said


def test_a_chinese_month_is_a_period(home):
    result = runner.invoke(app, ["status", "--home", str(home.root), "--json", "--period", "2024年3月"])
    assert result.exit_code == 0, result.output
    assert [m["period"] for m in json.loads(result.output)["missing"]] == ["2024-03"]


def test_the_help_speaks_chinese_and_keeps_brackets():
    listed = runner.invoke(app, ["--help"], terminal_width=200).output
    commands = [m[1] for line in listed.splitlines() if (m := re.match(r"│ ([a-z]+) ", line))]
    assert len(commands) >= 11
    for args in [["--help"], *[[c, "--help"] for c in commands]]:
        out = runner.invoke(app, args, terminal_width=200).output
        assert "用法：" in out and "显示本帮助并退出" in out and not ENGLISH.search(out), (args, out)
        assert not re.search(r"<[a-z]", out), (args, out)  # no <bool>, <file>, <path> type labels
    assert "[delivery]" in runner.invoke(app, ["report", "--help"], terminal_width=200).output
    assert "[delivery]" in runner.invoke(app, ["summary", "--help"], terminal_width=200).output


def test_check_json(home):
    bad = drop(home, name="bad.xlsx", edits={"E8": "约5"})
    result = runner.invoke(app, ["check", str(bad), "--home", str(home.root), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False and data["unit"] == VILLAGE and data["period"] == "2024-03"
    [approx] = [f for f in data["findings"] if f["code"] == "E_APPROX"]
    assert (approx["place"], approx["value"]) == ("报表!E8", "约5")


def test_long_messages_wrap_in_tables_and_are_never_cut(home):
    bad = drop(home, name="bad.xlsx", edits={"E8": "约5", "E9": "大约七十多起吧（具体数字待村委会统计后补报）"})
    out = runner.invoke(app, ["check", str(bad), "--home", str(home.root)], terminal_width=80).output
    assert "…" not in out
    message_column = "".join(line.split("│")[3].strip() for line in out.splitlines() if line.startswith("│"))
    assert "“大约七十多起吧（具体数字待村委会统计后补报）”是约数，请填写准确数字" in message_column


def test_the_installed_command_answers_without_a_traceback(home):
    township = Path(sys.executable).with_name("township")
    done = subprocess.run([str(township), "ingest", "--home", str(home.root), "--unit", "999"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr + done.stdout
    assert "单位代码 999 不在 units.yaml 中" in done.stderr
