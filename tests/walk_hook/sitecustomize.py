"""Loaded at start-up by every Python process of a traced run (tests/walk_trace.py puts this folder on
PYTHONPATH): the reading children fork from a forkserver that Python starts afresh, so only a hook
installed at start-up reaches them. It notes, once per process, each project module whose functions
run — module and class bodies (imports) aside — with the time, into the file named by $WALK_TRACE.
Off until `start()` in the traced process (its imports are not the walk); on in every forked child."""
from __future__ import annotations

import os
import sys
import threading
import time

TRACE = os.environ.get("WALK_TRACE", "")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
OPTIMIZED = 0x1  # CO_OPTIMIZED: a function's code; module and class bodies run at import lack it
_seen: set[object] = set()
_on = [False]


def _note(frame, event, _arg):
    if not _on[0] or event != "call":
        return
    code = frame.f_code
    if code in _seen:
        return
    _seen.add(code)
    path = code.co_filename
    if not (code.co_flags & OPTIMIZED) or not path.startswith(ROOT) or os.sep + ".venv" + os.sep in path:
        return
    module = path[len(ROOT):]
    if module.startswith(("flows/", "tasks/", "schemas/", "templates/")):
        with open(TRACE, "a", encoding="utf-8") as fh:  # one line per new function: appends never interleave
            fh.write(f"{time.monotonic_ns()}\t{os.getpid()}\t{module}\t{code.co_name}\n")


def start() -> None:
    _on[0] = True


def _in_child() -> None:
    _seen.clear()  # the child's own first calls are noted again, with its pid
    _on[0] = True  # a reading child (forked from the forkserver, which never starts itself)


if TRACE:
    sys.setprofile(_note)
    threading.setprofile(_note)
    os.register_at_fork(after_in_child=_in_child)
