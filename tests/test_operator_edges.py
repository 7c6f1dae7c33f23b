"""What an operator's command meets at the edge of the machine (issue 22, item 9): a FIFO given to
`check`, an `--out` into a folder that does not exist, a clerk's link in 模板/, a read-only ledger and a
full disk — each one Chinese line with its true cause, no traceback, nothing written where it should
not be, no temporary file left behind."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.faults import ledger_rows
from tests.helpers import OTHER, VILLAGE, drop
from tests.test_real_parts import small_disk

runner = CliRunner()
BIN = Path(sys.executable).parent


def _township(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    return subprocess.run([str(BIN / "township"), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=env, check=False)


def test_check_refuses_a_fifo_instead_of_waiting_on_it(home, tmp_path):
    fifo = tmp_path / "下汤村-2024-03.xlsx"
    os.mkfifo(fifo)  # nobody ever writes to it: a `check` that waits on it times out here
    done = _township("check", str(fifo), "--unit", VILLAGE, "--home", str(home.root), timeout=30)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "不是普通文件" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_check_reads_a_link_to_a_return_as_the_return(home, tmp_path):
    good = drop(home)
    link = tmp_path / "link.xlsx"
    link.symlink_to(good)
    result = runner.invoke(app, ["check", str(link), "--unit", VILLAGE, "--home", str(home.root)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", [["template", "--unit", VILLAGE, "--period", "2024-03"],
                                     ["report", "--year", "2024"], ["backup"]])
def test_out_never_creates_folders(home, tmp_path, command):
    target = tmp_path / "no" / "such" / "folder" / "file.out"
    result = runner.invoke(app, [*command, "--home", str(home.root), "--out", str(target)])
    assert result.exit_code == 2, result.output
    assert "不会新建文件夹" in result.output
    assert not (tmp_path / "no").exists()


def test_out_into_an_existing_folder_writes_the_file_and_nothing_else(home, tmp_path):
    target = tmp_path / "下汤村-2024-03.xlsx"
    result = runner.invoke(app, ["template", "--unit", VILLAGE, "--period", "2024-03", "--home", str(home.root),
                                 "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0 and result.output.strip().endswith(target.name)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [target.name]  # no temp left


def test_a_link_in_a_clerks_template_folder_is_never_followed(home, tmp_path):
    """模板/ of one unit is a link to a folder elsewhere, and in another unit's 模板/ the template's own
    name is a link to a file elsewhere: `template --all` writes neither place, says which unit it
    skipped, still serves every other unit, and exits 1."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("不可改动", encoding="utf-8")
    folder = home.template_dir(VILLAGE)
    if folder.exists():
        folder.rmdir()
    folder.symlink_to(elsewhere, target_is_directory=True)
    other = home.template_dir(OTHER)
    other.mkdir(exist_ok=True)
    (other / "2024-03月报表模板.xlsx").symlink_to(victim)

    result = runner.invoke(app, ["template", "--all", "--period", "2024-03", "--home", str(home.root)])
    assert result.exit_code == 1, result.output
    assert list(elsewhere.iterdir()) == []
    assert victim.read_text(encoding="utf-8") == "不可改动"
    replaced = other / "2024-03月报表模板.xlsx"
    assert not replaced.is_symlink() and replaced.stat().st_size > 1000
    assert f"（{VILLAGE}）的 模板/ 无法写入" in result.output
    written = [line for line in result.output.splitlines() if line.endswith("月报表模板.xlsx")]
    assert len(written) == len(home.registry.units) - 1
    assert not [p for p in home.inbox.rglob("*.tmp")]


def _chattr(flag: str, *paths: Path) -> bool:
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, check=False)
    return done.returncode == 0


def test_a_read_only_ledger_is_said_once_with_its_cause(home):
    if os.geteuid() != 0:
        pytest.skip("chattr +i needs root")
    drop(home, "2024-02.xlsx", period="2024-02")
    assert _township("ingest", "--home", str(home.root)).returncode == 0
    drop(home, "2024-03.xlsx", period="2024-03")
    db = home.root / "township.db"
    files = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    if not _chattr("+i", *files):
        pytest.skip("this file system has no immutable flag (chattr +i)")
    try:
        done = [_township(cmd, *args, "--home", str(home.root))
                for cmd, *args in (("ingest",), ("report", "--year", "2024"))]
    finally:
        _chattr("-i", *files)
    for run in done:
        said = run.stdout + run.stderr
        assert run.returncode == 1, said
        assert "账本数据库只读" in said, said
        assert "Traceback" not in said and "请确认数据库已启动" not in said, said
    assert [r.period for r in ledger_rows(home)] == ["2024-02"]


def _fill_up(disk: Path) -> Path:
    """Every byte of the disk taken (unbuffered writes: nothing is left to fail at close)."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


@pytest.mark.slow
def test_a_full_disk_leaves_no_half_file_of_a_summary_or_a_template(home, tmp_path):
    """outbox/ and the blank return's folder on a small tmpfs, filled up (the ledger elsewhere, so
    closing it frees nothing there): one line that says the disk is full, exit 1, no file half-written."""
    with small_disk(tmp_path / "disk", "16m") as disk:
        toml = home.root / "township.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('outbox = "outbox"', f'outbox = "{disk}/outbox"'),
                        encoding="utf-8")
        drop(home, period="2024-03")
        assert _township("ingest", "--home", str(home.root)).returncode == 0
        (disk / "outbox").mkdir(exist_ok=True)
        filler = _fill_up(disk)
        summary = _township("summary", "--period", "2024-03", "--home", str(home.root))
        blank = _township("template", "--unit", VILLAGE, "--period", "2024-04", "--home", str(home.root),
                          "--out", str(disk / "blank.xlsx"))
        for run in (summary, blank):
            said = run.stdout + run.stderr
            assert run.returncode == 1, said
            assert "磁盘" in said and "Traceback" not in said and "Exception ignored" not in said, said
        assert sorted(p.name for p in disk.rglob("*")) == ["filler.bin", "outbox"]
        filler.unlink()
        assert _township("summary", "--period", "2024-03", "--home", str(home.root)).returncode == 0
        assert len(list((disk / "outbox").glob("*汇总*.xlsx"))) == 1


def test_an_empty_argument_is_a_slip_not_the_current_directory(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", ""])
    assert result.exit_code == 2 and "请写出新实例的目录" in result.output
    assert not (tmp_path / "township.toml").exists()
    result = runner.invoke(app, ["template", "--unit", "", "--home", str(home.root)])
    assert result.exit_code == 2 and "不在 units.yaml 中" in result.output
    assert not list(tmp_path.glob("*.xlsx"))
