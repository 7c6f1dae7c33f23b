"""A reviewer's decision on a draft (审定结果), from the Prefect UI's form or from `township signoff`,
checked before anything is done with it. A decision that cannot be carried out is a `Problem`: a
value with a Chinese message saying what to mend, never an exception thrown through the layers."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

APPROVE, REJECT = "通过", "退回修改"
REVIEW_DIR = "审定"   # outbox/审定/: where staff drop the file they edited in Word/WPS


@dataclass(frozen=True)
class Decision:
    approve: bool
    by: str
    opinion: str = ""
    edited: Path | None = None   # the staff's edited .docx; None: the draft itself is signed
    confirm_figures: bool = False  # the signer has seen the 修改稿's figures that differ from the ledger's
    accept_open: bool = False      # the signer knows the returns missing / the opinion unanswered (issue 24)
    keep_appendix: bool = False    # 附表 and 附图 stay in the final copy (the 附录 never does)

    @property
    def result(self) -> str:
        return APPROVE if self.approve else REJECT

    def as_input(self) -> dict[str, str]:
        """The same decision as the Prefect UI's form would send it (to resume a waiting run)."""
        return {"result": self.result, "by": self.by, "opinion": self.opinion,
                "edited_file": str(self.edited) if self.edited else ""}


@dataclass(frozen=True)
class Problem:
    message: str
    code: int = 2    # 2: the reviewer's to mend; 1: the machine's (a full disk)


def review_dir(outbox: Path) -> Path:
    return outbox / REVIEW_DIR


def check_decision(result: str, by: str, opinion: str, edited: str, outbox: Path,
                   cwd: Path | None = None, confirm_figures: bool = False, accept_open: bool = False,
                   keep_appendix: bool = False) -> Decision | Problem:
    """`edited`: a name in outbox/审定/, or (from the command line, `cwd` given) a path of the operator's.
    `confirm_figures`: the signer confirms the 修改稿's figures listed as differing from the ledger's."""
    by, opinion, edited = by.strip(), opinion.strip(), edited.strip()
    if result not in (APPROVE, REJECT):
        return Problem(f"审定结果应为“{APPROVE}”或“{REJECT}”，收到“{result}”")
    if not by:
        return Problem("请填写审定人姓名")
    if result == REJECT:
        if not opinion:
            return Problem("退回修改时请填写意见：写明要改什么，下一稿的待完善事项会列在第一条")
        return Decision(False, by, opinion)
    if not edited:
        return Decision(True, by, opinion, accept_open=accept_open, keep_appendix=keep_appendix)
    path = find_edited(edited, outbox, cwd)
    if isinstance(path, Problem):
        return path
    return Decision(True, by, opinion, path, confirm_figures, accept_open, keep_appendix)


def find_edited(name: str, outbox: Path, cwd: Path | None) -> Path | Problem:
    """From the UI's form (no `cwd`) only a file in outbox/审定/: the form is no way to read the machine's
    other files. From the command line, any path of the operator's."""
    folder = review_dir(outbox)
    given = Path(name).expanduser()
    if cwd is None and not (folder / given).resolve().is_relative_to(folder.resolve()):
        return Problem(f"修改稿须放在 {folder} 中，“修改稿”一栏只填文件名")
    candidates = [given] if given.is_absolute() else [folder / given] + ([cwd / given] if cwd else [])
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        where = "、".join(str(p) for p in candidates)
        present = sorted(p.name for p in folder.glob("*.docx")) if folder.is_dir() else []
        hint = f"；{folder} 中现有：{'、'.join(present)}" if present else f"；请把修改稿放入 {folder}"
        return Problem(f"找不到修改稿“{name}”（查找了 {where}）{hint}")
    if not _is_docx(path):
        return Problem(f"修改稿“{path.name}”不是 Word 文档（.docx）：请在 Word/WPS 中“另存为”Word 文档（*.docx）后重新提交")
    return path.resolve()


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def edited_files(outbox: Path) -> list[str]:
    """What staff have dropped for review, newest first: offered in the Prefect UI's form."""
    folder = review_dir(outbox)
    if not folder.is_dir():
        return []
    files = [p for p in folder.glob("*.docx") if not p.name.startswith(("~$", ".~"))]
    return [p.name for p in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)]
