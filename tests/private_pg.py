"""A PostgreSQL server of the test's own (initdb in a temporary folder, its own port), so a test can
restart it, stop it and start it again without touching the shared server on 5432."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.procs import free_port


@dataclass
class Cluster:
    data: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres connect_timeout=3"

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return _as_postgres(["pg_ctl", "-D", str(self.data), "-l", str(self.log), *args], check=check)

    def start(self) -> None:
        self.ctl("-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}", "-w", "start")

    def stop(self, mode: str = "fast", wait: bool = True) -> None:
        self.ctl("-m", mode, "-w" if wait else "-W", "stop")


def _as_postgres(cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["runuser", "-u", "postgres", "--", *cmd], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)}: {done.stdout}{done.stderr}")
    return done


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    if os.geteuid() != 0 or not shutil.which("initdb") or not shutil.which("runuser"):
        pytest.skip("a private PostgreSQL server needs root, initdb and runuser")
    root = Path(tempfile.mkdtemp(prefix="township-pg-"))
    os.chmod(root, 0o755)
    shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(root / "data", free_port(), root / "server.log")
    done = _as_postgres(["initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres"], check=False)
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"initdb failed: {done.stderr.strip()[-300:]}")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)
