"""What is signed is what was drafted, and what is sent is what was signed: the files' hashes against
the ledger's, and no .docx whose XML declares a DTD (an entity could swell or fetch on opening).
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from tasks.ledger.reports import ReportVersion
from tasks.returns.guard import dtd_in_any_part
from tasks.signoff.decision import REVIEW_DIR, Problem
from tasks.signoff.versions import sha256_of


def draft_problem(version: ReportVersion) -> Problem | None:
    """The draft as rendered, or why it cannot be signed (nor serve to check a 修改稿's figures): staff
    who edit it in outbox/ must save their copy as a 修改稿 and give it with --file."""
    draft = Path(version.draft_path)
    try:
        same = sha256_of(draft) == version.draft_sha256
    except FileNotFoundError:
        return Problem(f"找不到第{version.version}稿的草稿“{draft}”：请重新生成草稿（township report --year "
                       f"{version.year}）后再审定")
    if same:
        return None
    return Problem(f"草稿“{draft.name}”在生成后被改动过（与台账记录的 sha256 不符），不能据此签发。工作人员的修改请"
                   f"另存为修改稿放入 outbox/{REVIEW_DIR}/，以 township signoff --file 修改稿.docx 审定；草稿本身请"
                   f"重新生成（township report --year {version.year}），修改稿中的数字将与新草稿逐项核对")


def dtd_problem(path: Path, what: str) -> Problem | None:
    """A .docx whose XML declares a DTD or an entity is refused, as returns are (tasks/returns/guard.py):
    Word and WPS never write one; LibreOffice would expand it while making the PDF."""
    try:
        with zipfile.ZipFile(path) as zf:
            part = dtd_in_any_part(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        return Problem(f"{what}“{path.name}”无法打开（{type(exc).__name__}），请用 Word/WPS 另存为 .docx 后重试")
    if part is None:
        return None
    return Problem(f"{what}“{path.name}”含有不允许的 XML 声明（{part} 中有 <!DOCTYPE 或 <!ENTITY），不予签发："
                   "Word/WPS 保存的文件不会有这种内容，请在 Word/WPS 中打开后“另存为”新的 .docx 再提交")


def delivery_problem(version: ReportVersion) -> str | None:
    """The final copy (and its PDF) byte for byte as signed, or why nothing may be sent."""
    checks = [(version.final_path, version.final_sha256, "定稿")]
    if version.pdf_path:
        checks.append((version.pdf_path, version.pdf_sha256, "定稿 PDF"))
    for name, recorded, what in checks:
        path = Path(name or "")
        if not name or not path.is_file():
            return f"{what}“{path.name}”不在 outbox/ 中（被移走或删除了？），未发送邮件：签发的文件须原样留在 outbox/ 中"
        if recorded is None:
            return f"{what}“{path.name}”签发时未记录 sha256，无法核对，未发送邮件"
        if sha256_of(path) != recorded:
            return (f"{what}“{path.name}”在签发后被改动过（与台账记录的 sha256 不符），未发送邮件。签发的文件不能改；"
                    f"如确需修改，请重新打开：township report --year {version.year} --reopen \"原因\"")
    return None
