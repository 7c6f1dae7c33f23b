"""Real parts that fail and come back (issue 13): a full disk, a lost ledger, a file dated in the future,
the ledger's backup. Each is made for real: a small tmpfs filled up, a deleted township.db, `touch` into
2030, SQLite's online backup taken while another connection writes."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest_returns import run_ingest
from flows.sequences.steps import retry_delays
from tasks.intake.take_stock import find_new, reconcile_home
from tests.faults import ledger_rows, waiting_in_inbox
from tests.helpers import NOW, VILLAGE, drop, make_home

runner = CliRunner()
BIN = Path(sys.executable).parent


def _set(home_root: Path, key: str, value: str) -> None:
    toml = home_root / "township.toml"
    lines = [line for line in toml.read_text(encoding="utf-8").splitlines() if not line.startswith(f"{key} ")]
    lines.insert(1, f"{key} = {value}")
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_wait_for_a_fault_of_ours_is_bounded_by_the_setting():
    assert retry_delays(60) == [2, 4, 8, 16, 30] and sum(retry_delays(60)) <= 60
    assert retry_delays(3) == [2] and retry_delays(0) == []


@contextmanager
def small_disk(folder: Path, size: str = "8m") -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler.bin"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def _cli(args: list[str], api: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env.update(PREFECT_API_URL=api, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return subprocess.run([str(BIN / "township"), *args], env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)


@pytest.mark.slow
def test_a_full_disk_is_a_chinese_message_and_a_clean_stop(prefect_server, tmp_path):
    """The home on a small tmpfs, filled up: `township ingest` says so in Chinese (no traceback), exits
    1, and leaves the return in the inbox with no row, no receipt, no half-written file; once there is
    room again, the next run accepts it, once."""
    from prefect.settings import PREFECT_API_URL

    with small_disk(tmp_path / "disk") as disk:
        home = make_home(disk / "home")
        _set(home.root, "fault_wait_s", "3")
        reconcile_home(home)
        drop(home, values={"DISPUTE": 7})
        filler = _fill(disk)
        done = _cli(["ingest", "--home", str(home.root)], PREFECT_API_URL.value())
        said = done.stdout + done.stderr
        assert done.returncode == 1, said[-3000:]
        assert "磁盘空间不足" in said and "Traceback" not in said, said[-3000:]
        assert len(waiting_in_inbox(home)) == 1
        assert not list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))
        assert not [p for p in home.root.rglob("*.tmp")]
        filler.unlink()
        assert ledger_rows(home) == []  # (read once there is room: SQLite cannot even open it on a full disk)
        done = _cli(["ingest", "--home", str(home.root)], PREFECT_API_URL.value())
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        assert [(r.status, r.stage) for r in ledger_rows(home)] == [("accepted", "done")]
        assert waiting_in_inbox(home) == []


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_lost_ledger_is_never_made_again_in_silence(prefect_server, home, how):
    drop(home, "2024-02.xlsx", period="2024-02")
    assert run_ingest(home=str(home.root), as_of=NOW).by_status == {"accepted": 1}
    db = home.root / "township.db"
    if how == "deleted":
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
    else:
        db.write_bytes(b"")
    waiting = drop(home, "2024-03.xlsx", period="2024-03")
    state = run_ingest(home=str(home.root), as_of=NOW, return_state=True)
    assert state.is_failed() and "账本" in state.message and "备份" in state.message
    assert waiting.exists()
    assert (not db.exists()) if how == "deleted" else db.stat().st_size == 0  # nothing made anew
    result = runner.invoke(app, ["status", "--home", str(home.root)])
    assert result.exit_code == 1 and "账本" in result.output
    assert (not db.exists()) if how == "deleted" else db.stat().st_size == 0


def test_a_new_home_still_gets_its_ledger(prefect_server, home):
    drop(home)
    assert run_ingest(home=str(home.root), as_of=NOW).by_status == {"accepted": 1}


def test_a_file_dated_in_the_future_is_taken_by_our_clock_and_listed(prefect_server, home):
    """Saved on a PC whose clock runs years ahead: its mtime says 2030. Settling is judged by our wall
    clock (its ctime, set by our kernel), so it is ingested, and the run lists it."""
    path = drop(home)
    future = time.time() + 5 * 365 * 86400
    os.utime(path, (future, future))
    found = find_new(home, NOW)
    assert [d.name for d in found.ready] == [path.name] and found.future_dated == (f"{VILLAGE}/{path.name}",)
    summary = run_ingest(home=str(home.root), as_of=NOW)
    assert summary.by_status == {"accepted": 1} and summary.future_dated == (f"{VILLAGE}/{path.name}",)
    assert "修改时间晚于现在" in summary.line()


def test_backup_copies_every_row_while_another_connection_writes(home, tmp_path):
    from tasks.intake.pool import ingest_batch

    for month in (1, 2, 3):
        drop(home, f"2024-0{month}.xlsx", period=f"2024-0{month}")
    reconcile_home(home)
    ingest_batch(home, list(find_new(home, NOW, wall=time.time() + 120).ready), NOW)
    db = home.root / "township.db"
    assert Path(f"{db}-wal").stat().st_size > 0  # rows a plain copy of township.db could miss
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a run writing meanwhile: the backup reads what is committed
    try:
        result = runner.invoke(app, ["backup", "--home", str(home.root), "--out", str(tmp_path / "copy.db")])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(tmp_path / "copy.db")
    assert not Path(f"{tmp_path / 'copy.db'}-wal").exists()
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM submissions WHERE status = 'accepted'").fetchone()[0] == 3
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    again = runner.invoke(app, ["backup", "--home", str(home.root), "--out", str(tmp_path / "copy.db")])
    assert again.exit_code == 2 and "不会覆盖" in again.output  # never overwritten
    default = runner.invoke(app, ["backup", "--home", str(home.root)])
    assert default.exit_code == 0 and Path(default.output.strip().splitlines()[-1]).parent == home.outbox


def test_backup_of_a_postgresql_ledger_points_to_pg_dump(home):
    from tests.pg import use_database

    use_database(home.root, "postgresql+psycopg://postgres@127.0.0.1:5432/none")
    result = runner.invoke(app, ["backup", "--home", str(home.root)])
    assert result.exit_code == 2 and "pg_dump" in result.output
