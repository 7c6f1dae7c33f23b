"""What the operator (and the clerk) is told about a unit's folder that cannot be served now: a value
with its place, never an exception through the run. Its files wait; every other unit goes on."""
from __future__ import annotations

import errno
from dataclasses import dataclass

from tasks.home import RECEIPT_DIR

PAUSED = "本单位的文件暂不处理，其他单位照常"


@dataclass(frozen=True, slots=True)
class UnitProblem:
    """Why a unit's folder cannot be served now."""
    unit: str
    place: str       # inbox/<unit>/回执
    message: str     # what is wrong and what to do


def receipt_problem(unit: str, place: str, exc: OSError) -> UnitProblem:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EEXIST):
        why = f"“{RECEIPT_DIR}”不是普通文件夹（是文件或链接），回执无法写出；请删除它，系统会重新建立"
    else:
        why = f"无法写出回执（{exc.strerror or type(exc).__name__}）；请检查“{RECEIPT_DIR}”文件夹"
    return UnitProblem(unit, place, f"{why}。{PAUSED}")


def open_problem(unit: str, place: str, exc: OSError) -> UnitProblem:
    return UnitProblem(unit, place, f"单位文件夹无法打开（{exc.strerror or type(exc).__name__}）。{PAUSED}")


def stopped(unit: str, place: str, why: str) -> UnitProblem:
    return UnitProblem(unit, place, f"{why}。{PAUSED}")
