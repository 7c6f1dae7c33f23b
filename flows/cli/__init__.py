"""The `township` command (DESIGN §6): `app` with every command registered, in the order `--help` lists them."""
# ruff: noqa: I001  (importing a module registers its commands: this order is the order of `--help`)
from __future__ import annotations

import sys

# Said before any import that needs Linux (fcntl, resource, prctl, syncfs, the forkserver), rather than
# failing in one of them with a traceback.
if not sys.platform.startswith("linux"):
    sys.stderr.write("township 只能在 Linux 上运行（它用到 Linux 的文件锁、进程限制和同步写盘）。\n"
                     "Windows 办公室：请在局域网内的一台 Linux 电脑上运行，或在 WSL2 中运行并挂载共享盘"
                     "（见 README “Platform”一节）。\n")
    raise SystemExit(2)

import gc

# A command's imports build a few hundred thousand objects that all live until the process ends. The
# collector's passes over them find nothing to free: none while importing, and the survivors frozen
# (kept out of every later pass, as a forking server does before it forks): ~40 ms of a 0.25 s `check`.
_collecting = gc.isenabled()
gc.disable()
try:
    from flows.cli import returns, runs, signoff, samples, adopt, ops, export, console  # noqa: F401
    from flows.cli.app import app
finally:
    gc.freeze()
    if _collecting:
        gc.enable()

__all__ = ["app"]
