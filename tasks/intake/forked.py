"""One file judged in a plain forked child, for a dry run (`township check`): the same bounds as the
ingest's kept pool (`child_limits.py`: address-space cap, the per-file read alarm, death with the
parent) without its cost — a pool starts a fork server, a fresh interpreter that imports the whole
ingest (~1–5 s here); a fork of this small process costs milliseconds and already holds the reader.

Only for a process without threads (a CLI command): a fork copies one thread, so a lock another
thread held would stay locked in the child forever. The ingest, inside Prefect's threads, keeps its
fork server (isolate.py).
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import time

from schemas.settings import Limits
from tasks.intake.child_limits import Failed, died, limit_child
from tasks.returns.judge import judge
from tasks.returns.sniff import sniff
from tasks.returns.validate import Context
from tasks.returns.verdict import Verdict, refused

OUT_OF_MEMORY = 3   # the child's exit codes when it could not answer
OUR_ERROR = 4
BACKSTOP_S = 5.0    # past the child's own alarm, before the parent kills it (an alarm cannot be missed twice)


def judge_forked(data: bytes, ctx: Context, limits: Limits) -> Verdict:
    """`judge` in a forked, limited child: a file that kills, hangs or outgrows the reader is refused
    with the reason, never this process's end. A process running threads (a test session, a server)
    gets the ingest's fork server instead: the same limits, a safe parent."""
    if _threads() > 1:
        from tasks.intake.isolate import judge_isolated

        return judge_isolated(data, ctx, limits)
    result = run_forked(judge, (data, ctx, limits), limits)
    return refused(sniff(data), result.reason) if isinstance(result, Failed) else result


def run_forked(fn, args: tuple, limits: Limits):
    """fn(*args) in a forked child held to `limits`; its pickled result, or Failed."""
    if _threads() > 1:
        raise RuntimeError("run_forked needs a single-threaded process")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, fn, args, limits)
    os.close(write_end)
    try:
        payload = _read_all(read_end, time.monotonic() + limits.read_timeout_s + BACKSTOP_S)
    finally:
        os.close(read_end)
    if payload is None:  # the backstop: the child neither answered nor ended in time
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and payload:
        return pickle.loads(payload)
    if payload is None:
        return Failed("读取超时", "timeout")
    if code == OUT_OF_MEMORY:
        return Failed("读取时内存超限", "memory")
    if code == OUR_ERROR:
        return Failed("检查程序出错", "error")
    return died(code)


def _child(write_end: int, fn, args: tuple, limits: Limits) -> None:
    code = OUR_ERROR
    try:
        limit_child(limits.read_memory_mb)
        signal.setitimer(signal.ITIMER_REAL, limits.read_timeout_s)  # default action: the child ends
        payload = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
        signal.setitimer(signal.ITIMER_REAL, 0)
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view):]
        code = 0
    except MemoryError:
        code = OUT_OF_MEMORY
    except BaseException:  # noqa: BLE001 — said by the exit code; the parent words it
        code = OUR_ERROR
    finally:
        os._exit(code)  # no atexit, no flushing the parent's buffers twice


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, until it closes the pipe; None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1
