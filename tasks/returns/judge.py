"""Judging a file's bytes: pre-checks first, then read and validate. Pure: bytes in, a verdict out.

What a reader may touch, it touches only after the pre-checks (`tasks/returns/guard.py`) have bounded
it; run it in a limited child (`tasks/intake/isolate.py`) all the same, since a reader may still die.
"""
from __future__ import annotations

from schemas.settings import Limits
from tasks.returns.guard import precheck
from tasks.returns.sniff import open_zip, sniff
from tasks.returns.validate import Context
from tasks.returns.verdict import Verdict, check_bytes, refused


def judge(data: bytes, ctx: Context, limits: Limits) -> Verdict:
    """Pre-checks, then read and validate: what a reader may touch, it touches only after these."""
    opened = open_zip(data)  # sniff and pre-checks share one parse of the zip's directory
    try:
        kind = sniff(data, opened)
        if not kind.readable:
            return check_bytes(data, ctx, sniffed=kind)  # refused with its own reason by the reader
        pre = precheck(data, kind.kind, limits, opened)
    finally:
        if opened is not None:
            opened.close()
    return refused(kind, pre.problem) if pre.problem else check_bytes(data, ctx, pre.marks, kind)

