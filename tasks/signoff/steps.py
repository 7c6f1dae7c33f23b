"""The decision carried out, shared by the Prefect flow and `township signoff`.

Order, so a crash anywhere leaves a state the next attempt completes: the text is checked (the draft's
hash, no DTD, no blank, a 修改稿's figures against the ledger's); the final copy and its PDF are written
under hidden names in outbox/ (tasks/signoff/staging.py); one conditional update records the decision
with their hashes; only then do the files take their 定稿 names. Before the update the hidden files are
strays (the next sign-off removes them) and the version is still undecided; after it the decision
stands, and a run killed before the renaming is completed by the next look at the version. Delivery
comes last and is recorded when done (`township signoff` on a signed, undelivered year sends it again).
"""
from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from tasks.delivery.outbox import dated_paths
from tasks.delivery.pdf import ConversionError, convert
from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, record_decision, version_by_id, versions
from tasks.signoff.acceptance import acceptance, unaccepted
from tasks.signoff.appendices import add_completeness
from tasks.signoff.decision import Decision, Problem
from tasks.signoff.open_now import open_for
from tasks.signoff.signable import Signable, signable
from tasks.signoff.staging import Staged, complete, publish, stage, sweep, sync, write_durably
from tasks.signoff.versions import sha256_of, utc_naive

NO_PDF = "未找到 LibreOffice（soffice），定稿未生成 PDF；Word 定稿已生成。"
OS_WORDS = {errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "所在磁盘是只读的",
            errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限"}
NEARLY_FULL = 16 << 20   # bytes: less free space than this in outbox/'s disk is where a write ran out


@dataclass(frozen=True)
class Outcome:
    version: ReportVersion          # as the ledger holds it after this step
    decided_now: bool               # False: it had been decided already (in the UI or from the command line)
    notes: tuple[str, ...] = ()     # what the operator should know (no PDF, no date line found)

    def files(self) -> list[Path]:
        v = self.version
        return [Path(p) for p in (v.final_path, v.pdf_path) if p]


def decide(home: Home, version_id: int, decision: Decision, now: dt.datetime,
           soffice: str | None) -> Outcome | Problem:
    """通过: the final copy, recorded with its hash, signer, time and the figures it states. 退回修改: the
    opinion recorded. A version decided already is left as it is (`decided_now` False), its files named
    if a killed run left them hidden."""
    with open_ledger(home.database_url) as engine:
        current = version_by_id(engine, version_id)
        if not current.undecided:
            named = complete(current)
            return Outcome(current, False, (f"定稿文件已补全：{'、'.join(p.name for p in named)}",) if named else ())
        at = utc_naive(now)
        if not decision.approve:
            won = record_decision(engine, version_id, state="rejected", decided_by=decision.by, decided_at=at,
                                  opinion=decision.opinion)
            return Outcome(version_by_id(engine, version_id), won)
        on = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
        title = f"{home.registry.township.name}关于{current.year}年法治政府建设情况的报告"
        checked = signable(current, decision, on, title, home.settings.limits)
        if isinstance(checked, Problem):
            return checked
        items = open_for(home, current, on, list(checked.plates), list(checked.carried))
        if items.needs_acceptance and not decision.accept_open:
            return Problem(unaccepted(current, items))
        if items.gaps:  # gaps accepted: the signed copy says how complete the year was
            add_completeness(checked.doc, items.completeness())
        sweep(home.outbox, {v.final_sha256 for v in versions(engine) if v.state == "signed" and v.final_path
                            and v.final_sha256 and not Path(v.final_path).exists()})
        made = write_final(home, current, checked, on, soffice)
        if isinstance(made, Problem):
            return made
        staged, final, pdf, notes = made
        try:
            won = record_decision(engine, version_id, state="signed", decided_by=decision.by, decided_at=at,
                                  opinion=decision.opinion or None,
                                  signed_from=str(decision.edited or current.draft_path),
                                  final_path=str(final), final_sha256=sha256_of(staged.docx),
                                  pdf_path=str(pdf) if pdf else None,
                                  pdf_sha256=sha256_of(staged.pdf) if pdf else None,
                                  figures=json.dumps(checked.figures, ensure_ascii=False),
                                  **acceptance(items, decision, checked.removed))
        except BaseException:
            staged.release()  # kept: if the update did land, the next look names them; if not, a sweep removes them
            raise
        if not won:  # decided meanwhile by the other path: these files are nobody's
            staged.discard()
            return Outcome(version_by_id(engine, version_id), False)
        try:
            publish(staged, final, pdf)
        except OSError as exc:
            staged.release()
            notes += (f"定稿已签发并记入台账，但未能改名为“{final.name}”（{exc.strerror or exc}）；"
                      f"再运行一次 township signoff --year {current.year} 即补全。",)
        return Outcome(version_by_id(engine, version_id), True, notes)


def final_stem(version: ReportVersion) -> str:
    """The draft's title with 定稿 for 草稿: 2024年法治政府建设情况报告（定稿） (a draft named by its
    template, or written to --out, keeps its title)."""
    name = Path(version.draft_path).name
    title = name.split("（草稿）")[0] if "（草稿）" in name else f"{version.year}年法治政府建设情况报告"
    return f"{title}（定稿）"


def write_final(home: Home, version: ReportVersion, checked: Signable, on: dt.date,
                soffice: str | None) -> tuple[Staged, Path, Path | None, tuple[str, ...]] | Problem:
    """The final .docx (and its PDF, when LibreOffice is installed) written under hidden names; returned
    with the dated names they are to take. Nothing is left in outbox/ when writing fails."""
    notes = list(checked.notes)
    stem = final_stem(version)
    docx_path, pdf_path = dated_paths(home.outbox, on, (stem, ".docx"), (stem, ".pdf"))
    staged: Staged | None = None
    try:
        staged = stage(home.outbox)
        buffer = io.BytesIO()
        checked.doc.save(buffer)
        write_durably(staged.docx, buffer.getvalue())
        pdf: Path | None = None
        if soffice is None:
            notes.append(NO_PDF)
        else:
            try:
                sync(convert(staged.docx, "pdf", soffice, out=staged.pdf))
                pdf = pdf_path
            except ConversionError as exc:
                staged.pdf.unlink(missing_ok=True)
                if full := full_folder(home.outbox):  # LibreOffice met a full disk: the true cause
                    raise OSError(errno.ENOSPC, "磁盘已满", str(full)) from exc
                notes.append(f"{str(exc).replace(staged.docx.name, docx_path.name)}；Word 定稿已生成。")
    except OSError as exc:
        if staged is not None:
            staged.discard()
        return Problem(not_written(exc, home.outbox), code=1)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    return staged, docx_path, pdf, tuple(notes)


def not_written(exc: OSError, outbox: Path) -> str:
    """One line, the true cause: 磁盘已满 (which disk), not the traceback of whichever write met it."""
    cause = OS_WORDS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
    named = Path(exc.filename) if exc.filename else outbox
    where = named if named.is_dir() else named.parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # a copy names its source, not the disk that was full
        where = full_folder(outbox) or where
    return f"定稿未能写入（{where}：{cause}），未签发，也未留下任何文件；请腾出空间或改正权限后重新审定"


def full_folder(outbox: Path) -> Path | None:
    """outbox/, or the temporary folder LibreOffice and the PDF pass through, when nearly full."""
    folders = [outbox, *(Path(d) for d in (os.environ.get("TMPDIR"), tempfile.gettempdir()) if d)]
    for folder in folders:
        try:
            if shutil.disk_usage(folder).free < NEARLY_FULL:
                return folder
        except OSError:
            continue
    return None
