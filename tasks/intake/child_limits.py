"""What a reading child is held to, and how its end is told: shared by the kept pool of the ingest
(`isolate.py`, pebble) and the one plain fork of a dry run (`forked.py`), so both hold a file to the
same bounds. Nothing here imports more than the standard library."""
from __future__ import annotations

import ctypes
import gc
import resource
import signal

PR_SET_PDEATHSIG = 1


GC_ALLOCATIONS = 50_000  # objects allocated between young collections (Python's default: 700)


def limit_child(memory_mb: int) -> None:
    """In a child: die with the parent, and cap the address space at its size now + memory_mb."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    # The fork server's preloaded modules are never garbage: out of every collection's scan. A job holds
    # hundreds of read grids until its receipts, and with the default thresholds the collector walked
    # them again every 700 allocations: judging a file cost ~15% more (/tmp/batch/splitgc.py).
    gc.freeze()
    gc.set_threshold(GC_ALLOCATIONS, 20, 100)
    vm = vm_size_bytes()
    if vm:
        cap = vm + memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def vm_size_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Failed:
    """A job the child could not finish: why, in a few Chinese words, and what ended it. kind: "alarm"
    (the per-file read alarm: a reader hung on the file), "memory" (the file's reader outgrew its cap),
    "crash" (the child died: a reader's abort, or a kill from outside), "timeout" (the whole job's
    backstop), "error" (an exception of ours). Only the first three can be the file's doing."""
    __slots__ = ("reason", "kind")

    def __init__(self, reason: str, kind: str = "error") -> None:
        self.reason = reason
        self.kind = kind

    @property
    def ours(self) -> bool:
        """A fault of the program or its surroundings, never a reason to refuse the file."""
        return self.kind in ("timeout", "error")

    def __repr__(self) -> str:
        return f"Failed({self.reason!r}, {self.kind!r})"


def signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            pass
    return f"exit {code}"


def died(exitcode: int | None) -> Failed:
    """A child that ended without an answer: by the read alarm (a hanging reader) or otherwise."""
    if exitcode == -signal.SIGALRM:
        return Failed("读取超时", "alarm")  # the per-file alarm ended a hanging reader
    return Failed(f"读取进程异常退出（{signal_name(exitcode)}）", "crash")
