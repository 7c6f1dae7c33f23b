"""One-shot commands without a Prefect server (issue 12): the flows' sequences run with plain steps,
said in one line; nothing starts Prefect's temporary server; the steps keep the flows' retries."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli.recording import PLAIN
from flows.sequences.steps import PlainSteps
from tasks.errors import TerminalError, TransientError
from tests.helpers import VILLAGE, drop


def township(*args: str, prefect_home: Path, api: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(prefect_home)
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run([str(Path(sys.executable).with_name("township")), *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_ingest_report_and_summary_run_without_a_server_and_say_so(home, tmp_path):
    dropped = drop(home)
    prefect_home = tmp_path / "prefect"
    done = township("ingest", "--home", str(home.root), prefect_home=prefect_home)
    assert done.returncode == 0, done.stderr
    assert PLAIN in done.stderr and "Traceback" not in done.stderr
    assert "接收 1" in done.stdout or "1 个文件" in done.stdout, done.stdout
    assert not dropped.exists() and list((home.unit_inbox(VILLAGE) / "回执").iterdir())
    report = township("report", "--home", str(home.root), "--year", "2024", prefect_home=prefect_home)
    assert report.returncode in (0, 1) and PLAIN in report.stderr   # 1: the year holds one return of 36
    assert Path(report.stdout.strip().splitlines()[0]).suffix == ".docx"
    summary = township("summary", "--home", str(home.root), "--period", "2024-03", prefect_home=prefect_home)
    assert summary.returncode == 0 and PLAIN in summary.stderr
    assert Path(summary.stdout.strip().splitlines()[-1]).exists()
    # No temporary server was started: Prefect never made its database under PREFECT_HOME.
    assert not list(prefect_home.rglob("*.db"))


def test_an_unreachable_prefect_api_is_said_and_the_run_goes_on(home, tmp_path):
    drop(home)
    done = township("ingest", "--home", str(home.root), prefect_home=tmp_path / "prefect",
                    api="http://127.0.0.1:9/api")
    assert done.returncode == 0, done.stderr
    assert "PREFECT_API_URL=http://127.0.0.1:9/api 无法访问" in done.stderr and PLAIN in done.stderr


def test_plain_steps_wait_out_a_fault_of_ours_and_keep_the_last_result():
    tries: list[int] = []

    def flaky() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise TransientError("账本数据库正被占用")
        return "done"

    assert PlainSteps().call("step", flaky, delays=[0, 0, 0]) == "done" and len(tries) == 3

    kept: list[int] = []

    def keeps_back() -> list[str]:
        kept.append(1)
        return ["2024-03.xlsx"]  # a file a fault of ours kept back, every time

    result = PlainSteps().call("batch", keeps_back, delays=[0, 0], again=lambda left: "暂未处理" if left else "")
    assert result == ["2024-03.xlsx"] and len(kept) == 3   # tried, tried again twice, then the result stands


def test_plain_steps_do_not_retry_what_a_retry_cannot_mend():
    tries: list[int] = []

    def broken() -> None:
        tries.append(1)
        raise TerminalError("账本丢失")

    with pytest.raises(TerminalError):
        PlainSteps().call("step", broken, delays=[0, 0])
    assert len(tries) == 1


def test_a_server_named_in_the_prefect_profile_is_looked_for_too(home, tmp_path):
    """Prefect reads the active profile as well as the environment: a server named there and gone is
    said, and the run goes on plainly."""
    prefect_home = tmp_path / "prefect"
    prefect_home.mkdir()
    (prefect_home / "profiles.toml").write_text(
        'active = "office"\n[profiles.office]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n', encoding="utf-8")
    drop(home)
    done = township("ingest", "--home", str(home.root), prefect_home=prefect_home)
    assert done.returncode == 0, done.stderr
    assert "PREFECT_API_URL=http://127.0.0.1:9/api 无法访问" in done.stderr and PLAIN in done.stderr
