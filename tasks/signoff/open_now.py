"""The open items of a version, read from where they are: the ledger (returns stored, the previous
decision), the text put forward (highlights, blanks) and the draft's own 待完善事项 (numbers carried
over from last year's report). The grouping and counting is tasks/drafts/open_items.py's."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tasks.drafts.open_items import OpenItems, due_by, open_items
from tasks.drafts.todo import CARRIED, boilerplate
from tasks.home import Home
from tasks.ledger.migrate import open_ledger
from tasks.ledger.reports import ReportVersion, versions
from tasks.ledger.tables import STORED, submissions
from tasks.signoff.blanks import UNFILLED, unfilled

CARRIED_NUMBER = re.compile(r"中的“([^”]+)”：" + re.escape(CARRIED))
TODO_HEAD = "待完善事项"


def marks_of(doc) -> tuple[list[str], list[str]]:
    """(boilerplate still highlighted, carried-over items of the draft's 待完善事项) of a document as put
    forward, before the final copy strips highlights and comments. A highlighted sentence that holds a
    blank is a blank (refused on its own), not boilerplate."""
    plates = [f"【{where}】“{opening}”" for where, opening in boilerplate(doc.paragraphs)
              if not UNFILLED.search(opening)]
    return plates, carried_items(doc)


def carried_items(doc) -> list[str]:
    """The draft's to-do lines saying a number is last year's (tasks/drafts/todo.py `carried_over`)."""
    try:
        texts = [c.text for c in doc.comments]
    except (AttributeError, KeyError, ValueError):
        return []
    todo = next((t for t in texts if t.startswith(TODO_HEAD)), "")
    return [re.sub(r"^\d+\.\s*", "", line) for line in todo.splitlines() if CARRIED in line]


def still_carried(items: list[str], final_text: str) -> list[str]:
    """Only the carried-over numbers the signed text still holds: one staff rewrote is not open."""
    kept = []
    for item in items:
        m = CARRIED_NUMBER.search(item)
        if m is None or m[1] in final_text:
            kept.append(item.replace("：" + CARRIED, ""))
    return kept


def last_opinion(all_versions: list[ReportVersion], version: ReportVersion) -> str:
    """The 退回 opinion this version answers, when the decision before it sent the draft back."""
    decided = [v for v in all_versions if v.decided_at is not None and v.version < version.version]
    if not decided or decided[-1].state != "rejected":
        return ""
    last = decided[-1]
    return f"第{last.version}稿经{last.decided_by}退回修改：{last.opinion}"


def open_for(home: Home, version: ReportVersion, as_of: dt.date, plates: list[str] = (),
             carried: list[str] = (), blanks: list[str] = ()) -> OpenItems:
    """Missing returns (units registered, months due by `as_of`) and the previous opinion, from the
    ledger; the rest as found in the text by the caller."""
    due = due_by(version.year, as_of, home.settings)
    units = [(u.code, u.name) for u in home.registry.units]
    with open_ledger(home.database_url) as engine:
        all_versions = versions(engine, version.year)
        with engine.connect() as conn:
            stored = {(r.unit, r.period) for r in conn.execute(
                select(submissions.c.unit, submissions.c.period).where(
                    submissions.c.period.in_(due), submissions.c.status.in_(STORED)))} if due else set()
    return open_items(version.year, units, stored, due, last_opinion(all_versions, version),
                      plates, carried, blanks)


def open_of_draft(home: Home, version: ReportVersion, as_of: dt.date) -> OpenItems:
    """A draft's open items before anyone signs it (the Prefect form, the review mail). Only the draft as
    rendered is read — its sha256 the ledger's, so our own file, parsed directly (~0.1 s, not a limited
    child's ~3 s); one changed in outbox/ since gives the ledger's part only (sign-off refuses it anyway)."""
    import docx

    from tasks.signoff.final_copy import full_text
    from tasks.signoff.integrity import draft_problem

    plates: list[str] = []
    carried: list[str] = []
    blanks: list[str] = []
    if draft_problem(version) is None:
        doc = docx.Document(version.draft_path)
        plates, found = marks_of(doc)
        carried = still_carried(found, full_text(doc))
        blanks = [b.words() for b in unfilled(doc)]
    return open_for(home, version, as_of, plates, carried, blanks)
