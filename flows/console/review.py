"""审定 in the console: the draft readable in the browser (its paragraphs, highlighted where staff must
still look), its open 待完善事项, and the decision — taken by the SAME code as `township signoff`
(tasks/signoff: check_decision, decide; then the waiting run resumed). `sign` is the one call into it."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tasks.home import Home
from tasks.signoff.decision import APPROVE, REJECT, DecisionProblem, review_dir

MAX_UPLOAD = 20 * 1024 * 1024   # a 修改稿 larger than this is no report (and no reason to fill the disk)
ITEM = re.compile(r"^\d+\.\s*(.+)$")


@dataclass(frozen=True)
class Para:
    text: str
    marked: bool     # highlighted in the draft: boilerplate or a figure staff must check
    heading: bool


def draft_view(path: Path) -> tuple[list[Para], list[str]]:
    """The draft's paragraphs and its 待完善事项 (a comment on the title: tasks/drafts/todo.py)."""
    from docx import Document

    from tasks.drafts.todo import highlighted

    doc = Document(str(path))
    paras = [Para(p.text, highlighted(p), (p.style.name if p.style is not None else "").startswith("Heading"))
             for p in doc.paragraphs if p.text.strip()]
    items: list[str] = []
    for comment in getattr(doc, "comments", []) or []:
        text = "\n".join(p.text for p in comment.paragraphs)
        if text.startswith("待完善事项"):
            items += [m[1] for line in text.splitlines() if (m := ITEM.match(line.strip()))]
    return paras, items


def save_upload(home: Home, data: bytes, now: dt.datetime) -> str | DecisionProblem:
    """A 修改稿 from the browser, kept in outbox/审定/ under a name the server chose; its name returned
    for `sign`. Its content is checked there (a .docx; no DTD, no blanks) as the command line's is."""
    if len(data) > MAX_UPLOAD:
        return DecisionProblem(f"修改稿超过 {MAX_UPLOAD // 1024 // 1024} MB，请检查是否插入了大图片")
    if not data:
        return DecisionProblem("没有收到修改稿文件，请重新选择")
    folder = review_dir(home.outbox)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"修改稿-网页上传-{now.strftime('%Y%m%d-%H%M%S-%f')}.docx"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return name


@dataclass(frozen=True)
class Signed:
    message: str
    files: list[Path]
    notes: tuple[str, ...] = ()


def open_groups(home: Home, version, on: dt.date) -> tuple[list[tuple[str, tuple[str, ...]]], bool, str]:
    """The draft's open items as `township signoff` and the Prefect form list them (tasks/signoff/
    open_now.py), grouped with their Chinese headings; whether 通过 must acknowledge them; 应报/已收."""
    from tasks.drafts.open_items import GROUPS
    from tasks.signoff.open_now import open_of_draft

    items = open_of_draft(home, version, on)
    return ([(GROUPS[k], v) for k, v in items.groups().items()], items.needs_acceptance,
            items.lines()[1] if items.expected else "")


def sign(home: Home, year: int, by: str, approve: bool, opinion: str, edited: str,
         confirm_figures: bool = False, accept_open: bool = False, keep_appendix: bool = False) -> Signed | DecisionProblem:
    """The decision as `township signoff` takes it (flows/cli/signoff.py): checked, carried out by
    tasks/signoff/steps.decide, the waiting Prefect run resumed. `edited`: a name in outbox/审定/;
    `accept_open`: the leader ticked that the missing returns / the last opinion are known (--accept-open)."""
    from tasks.delivery.pdf import find_soffice
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions
    from tasks.signoff.decision import check_decision
    from tasks.signoff.steps import decide

    with open_ledger(home.database_url) as engine:
        found = versions(engine, year)
    if not found or not found[-1].undecided:
        return DecisionProblem(f"{year}年没有待审定的报告草稿")
    latest = found[-1]
    decision = check_decision(APPROVE if approve else REJECT, by, opinion, edited, home.outbox,
                              confirm_figures=confirm_figures, accept_open=accept_open, keep_appendix=keep_appendix)
    if isinstance(decision, DecisionProblem):
        return decision
    outcome = decide(home, latest.id, decision, dt.datetime.now(dt.UTC), find_soffice())
    if isinstance(outcome, DecisionProblem):
        return outcome
    v = outcome.version
    resumed = ""
    if latest.state == "pending" and latest.flow_run_id:
        from flows.signoff import resume_waiting

        said = resume_waiting(latest.flow_run_id, os.environ.get("PREFECT_API_URL"))
        # Its words name Prefect and a run id (the CLI's operator's); a leader reads only the outcome.
        resumed = ("后台等待审定的运行已随之结束。" if said.startswith("已通知") else
                   "提示：后台等待审定的运行未能随之结束，不影响审定结果；请告知管理这台电脑的同事。" if said else "")
    if v.state == "rejected":
        message = f"已退回第{v.version}稿（{v.decided_by}）：{v.opinion}。下一稿的待完善事项第一条将列出此意见。"
    else:
        message = f"第{v.version}稿已审定签发（{v.decided_by}）。"
    from tasks.signoff.acceptance import recorded_lines

    recorded = " ".join(recorded_lines(v)) if v.state == "signed" else ""
    return Signed(" ".join(x for x in (message, recorded, resumed) if x), outcome.files(), outcome.notes)
