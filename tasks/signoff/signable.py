"""Whether the text put forward may be signed, and the final copy made of it (not yet written): the draft
is the one rendered (its hash), no file declares a DTD, nothing is left blank anywhere in the document,
and a 修改稿 that states other figures than the ledger's is signed only when the signer confirmed each.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from schemas.settings import Limits
from tasks.adoption.bounded import ReportRefused, open_docx
from tasks.ledger.reports import ReportVersion
from tasks.signoff.blanks import unfilled
from tasks.signoff.decision import REVIEW_DIR, Decision, Problem
from tasks.signoff.edited_figures import Changed, compare
from tasks.signoff.figures import in_final
from tasks.signoff.final_copy import full_text, make_final
from tasks.signoff.appendices import strip_appendices
from tasks.signoff.integrity import draft_problem
from tasks.signoff.open_now import carried_items, marks_of, still_carried

CONFIRM_FLAG = "--confirm-figures"


@dataclass(frozen=True)
class Signable:
    doc: object                 # the final copy, in memory
    figures: dict[str, dict]    # as the final text states them (recorded with the decision)
    notes: tuple[str, ...]
    plates: tuple[str, ...] = ()      # boilerplate still highlighted in the text put forward
    carried: tuple[str, ...] = ()     # numbers of last year's report the final text still holds
    removed: tuple[str, ...] = ()     # appendices taken out (附录; 附表, 附图 unless kept)


def what_of(decision: Decision) -> str:
    return "修改稿" if decision.edited else "草稿"


def signable(version: ReportVersion, decision: Decision, on: dt.date, title: str,
             limits: Limits) -> Signable | Problem:
    draft = Path(version.draft_path)
    problem = draft_problem(version)
    if problem:
        return problem
    source = decision.edited or draft
    try:  # each pre-checked, then parsed by a limited child first (a hostile 修改稿 costs only that child)
        doc = open_docx(source, limits)
        reference = open_docx(draft, limits) if decision.edited else None
    except ReportRefused as exc:  # too large, a zip bomb, malformed XML, out of time or memory
        return Problem(exc.said(what_of(decision) if exc.name == source.name else "草稿"))
    except Exception as exc:  # noqa: BLE001 — a damaged file is the reviewer's to mend, said in words
        return Problem(f"{what_of(decision)}“{source.name}”无法打开（{type(exc).__name__}），请用 Word/WPS 另存为 .docx 后重试")
    plates, carried = marks_of(doc)
    if reference is not None:  # the 修改稿 may have lost the comments: the draft's own 待完善事项 counts
        carried = carried or carried_items(reference)
    cleaned = make_final(doc, on, title)
    removed = strip_appendices(doc, keep_tables=decision.keep_appendix)
    blanks = unfilled(doc)
    if blanks:
        shown = "；".join(b.words() for b in blanks[:5]) + ("……" if len(blanks) > 5 else "")
        return Problem(f"{what_of(decision)}中还有{len(blanks)}处未填的数字或占位符（××、【缺指标…】）：{shown}。请在 Word/WPS "
                       f"中填好或删去这些句子，把修改稿放入 outbox/{REVIEW_DIR}/ 后再审定（township signoff --file 修改稿.docx）")
    if reference is None:
        figures = in_final(version.figures, full_text(doc))
    else:
        figures, changed = compare(reference, doc, version.figures)
        if changed and not decision.confirm_figures:
            return Problem(unconfirmed(source, changed))
    notes = (*cleaned.remote,) + (() if cleaned.dated else ("定稿中未找到落款日期（如“2024年12月20日”），请手工填写签发日期。",))
    return Signable(doc, figures, notes, tuple(plates), tuple(still_carried(carried, full_text(doc))), removed)


def unconfirmed(source: Path, changed: list[Changed]) -> str:
    """The figures a 修改稿 states otherwise than the ledger, one line each, and how to confirm them."""
    lines = "\n".join(f"  {i}. {c.line()}" for i, c in enumerate(changed, start=1))
    return (f"修改稿“{source.name}”中有{len(changed)}个数字与台账不同（草稿中的数字由台账算出），须审定人逐项确认：\n"
            f"{lines}\n核实无误后加 {CONFIRM_FLAG} 重新审定即签发（这些数字记入台账，以后收到更正的报表仍与之核对）；"
            "否则请改正修改稿")
