"""What is signed is what was drafted, and what is sent is what was signed: the files' hashes against
the ledger's (a .docx declaring a DTD is refused on opening: tasks/adoption/bounded.py).
"""
from __future__ import annotations

from pathlib import Path

from tasks.ledger.reports import ReportVersion
from tasks.signoff.decision import REVIEW_DIR, DecisionProblem
from tasks.signoff.versions import file_sha256


def draft_problem(version: ReportVersion) -> DecisionProblem | None:
    """The draft as rendered, or why it cannot be signed (nor serve to check a 修改稿's figures): staff
    who edit it in outbox/ must save their copy as a 修改稿 and give it with --file."""
    draft = Path(version.draft_path)
    try:
        same = file_sha256(draft) == version.draft_sha256
    except FileNotFoundError:
        return DecisionProblem(f"找不到第{version.version}稿的草稿“{draft}”：请重新生成草稿（township report --year "
                       f"{version.year}）后再审定")
    if same:
        return None
    return DecisionProblem(f"草稿“{draft.name}”在生成后被改动过（与台账记录的 sha256 不符），不能据此签发。工作人员的修改请"
                   f"另存为修改稿放入 outbox/{REVIEW_DIR}/，以 township signoff --file 修改稿.docx 审定；草稿本身请"
                   f"重新生成（township report --year {version.year}），修改稿中的数字将与新草稿逐项核对")


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
        if file_sha256(path) != recorded:
            return (f"{what}“{path.name}”在签发后被改动过（与台账记录的 sha256 不符），未发送邮件。签发的文件不能改；"
                    f"如确需修改，请重新打开：township report --year {version.year} --reopen \"原因\"")
    return None
