"""The decision carried out, shared by the Prefect flow and `township signoff`.

Order, so a crash anywhere leaves a state the next attempt completes: the final copy (and its PDF) is
written under a fresh name first; then one conditional update records the decision with its hash.
Before the update the files are strays and the version is still undecided (deciding again makes new
ones); after it the decision stands. Delivery comes last and is recorded when done (`township signoff`
on a signed, undelivered year sends it again).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from tasks.adoption.bounded import ReportRefused, open_docx
from tasks.delivery.outbox import dated_paths
from tasks.delivery.pdf import ConversionError, convert
from tasks.drafts.render import save_atomic
from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, record_decision, version_by_id
from tasks.signoff.decision import Decision, Problem
from tasks.signoff.figures import in_final
from tasks.signoff.final_copy import full_text, make_final, unfilled
from tasks.signoff.versions import sha256_of, utc_naive

NO_PDF = "未找到 LibreOffice（soffice），定稿未生成 PDF；Word 定稿已生成。"


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
    opinion recorded. A version decided already is left as it is (`decided_now` False)."""
    with open_ledger(home.database_url) as engine:
        current = version_by_id(engine, version_id)
        if not current.undecided:
            return Outcome(current, False)
        at = utc_naive(now)
        if not decision.approve:
            won = record_decision(engine, version_id, state="rejected", decided_by=decision.by, decided_at=at,
                                  opinion=decision.opinion)
            return Outcome(version_by_id(engine, version_id), won)
        on = now.astimezone(ZoneInfo(home.settings.schedules.timezone)).date()
        made = write_final(home, current, decision, on, soffice)
        if isinstance(made, Problem):
            return made
        final, pdf, figures, notes = made
        won = record_decision(engine, version_id, state="signed", decided_by=decision.by, decided_at=at,
                              opinion=decision.opinion or None,
                              signed_from=str(decision.edited or current.draft_path),
                              final_path=str(final), final_sha256=sha256_of(final),
                              pdf_path=str(pdf) if pdf else None,
                              figures=json.dumps(figures, ensure_ascii=False))
        if not won:  # decided meanwhile by the other path: these files are nobody's
            for path in (final, pdf):
                if path:
                    path.unlink(missing_ok=True)
        return Outcome(version_by_id(engine, version_id), won, notes if won else ())


def final_stem(version: ReportVersion) -> str:
    """The draft's title with 定稿 for 草稿: 2024年法治政府建设情况报告（定稿） (a draft named by its
    template, or written to --out, keeps its title)."""
    name = Path(version.draft_path).name
    title = name.split("（草稿）")[0] if "（草稿）" in name else f"{version.year}年法治政府建设情况报告"
    return f"{title}（定稿）"


def write_final(home: Home, version: ReportVersion, decision: Decision, on: dt.date,
                soffice: str | None) -> tuple[Path, Path | None, dict, tuple[str, ...]] | Problem:
    """The final .docx (and its PDF beside it, when LibreOffice is installed) under fresh dated names."""
    source = decision.edited or Path(version.draft_path)
    try:
        doc = open_docx(source, home.settings.limits)  # pre-checked, then parsed by a limited child first
    except ReportRefused as exc:  # too large, a zip bomb, a DTD, malformed XML, out of time or memory
        return Problem(exc.said("修改稿" if decision.edited else "草稿"))
    except Exception as exc:  # noqa: BLE001 — a damaged file is the reviewer's to mend, said in words
        what = "修改稿" if decision.edited else "草稿"
        return Problem(f"{what}“{source.name}”无法打开（{type(exc).__name__}），请用 Word/WPS 另存为 .docx 后重试")
    title = f"{home.registry.township.name}关于{version.year}年法治政府建设情况的报告"
    cleaned = make_final(doc, on, title)
    blanks = unfilled(doc)
    if blanks:
        what = "修改稿" if decision.edited else "草稿"
        return Problem(f"{what}中还有{len(blanks)}处未填的数字或占位符（××、【缺指标…】），如“{blanks[0]}…”：请在 Word/WPS "
                       f"中填好或删去这些句子，把修改稿放入 outbox/审定/ 后再审定（township signoff --file 修改稿.docx）")
    notes = [] if cleaned.dated else ["定稿中未找到落款日期（如“2024年12月20日”），请手工填写签发日期。"]
    stem = final_stem(version)
    docx_path, pdf_path = dated_paths(home.outbox, on, (stem, ".docx"), (stem, ".pdf"))
    save_atomic(doc, docx_path)
    figures = in_final(version.figures, full_text(doc))
    pdf: Path | None = None
    if soffice is None:
        notes.append(NO_PDF)
    else:
        try:
            pdf = convert(docx_path, "pdf", soffice, out=pdf_path)
        except ConversionError as exc:
            notes.append(f"{exc}；Word 定稿已生成。")
    return docx_path, pdf, figures, tuple(notes)
