"""Read and validate one file's bytes: the verdict `township check` prints and ingest stores."""
from __future__ import annotations

from dataclasses import dataclass

from schemas.findings import Finding, finding, worst_level
from tasks.returns.read import ReadResult, read_return
from tasks.returns.sniff import Sniffed
from tasks.returns.validate import Checked, Context, validate


@dataclass(frozen=True)
class Verdict:
    read: ReadResult
    checked: Checked | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.checked is not None and self.checked.ok and self.checked.period is not None

    @property
    def status(self) -> str:
        """accepted | accepted_with_warnings | rejected — before the ledger says duplicate or correction."""
        if not self.ok:
            return "rejected"
        return "accepted_with_warnings" if worst_level(list(self.findings)) == "warning" else "accepted"


OVERSIZE = Sniffed("other", "过大文件")  # judged on its size alone, never read


def refused(sniffed: Sniffed, why: str) -> Verdict:
    """A file no reader may touch (or that killed one): refused as 文件异常，无法读取."""
    bad = finding("E_UNREADABLE", detail=why)
    return Verdict(ReadResult(sniffed, None, (bad,)), None, (bad,))


def check_bytes(data: bytes, ctx: Context, marks: bool | None = None, sniffed: Sniffed | None = None) -> Verdict:
    result = read_return(data, marks=marks, sniffed=sniffed)
    checked = validate(result.ret, ctx) if result.ret else None
    return Verdict(result, checked, (*result.findings, *(checked.findings if checked else ())))
