"""Builders for the sign-off tests: a home with stored returns, a real SMTP server on loopback, a staff
member's edited copy of a draft, and what a reader checks in a final copy."""
from __future__ import annotations

import datetime as dt
import email
import socket
import zipfile
from contextlib import contextmanager
from email import policy
from pathlib import Path

import docx
from aiosmtpd.controller import Controller
from docx.oxml.ns import qn

from tasks.home import Home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tests.helpers import NOW, OTHER, VILLAGE, drop, make_home


def ingest_now(home: Home) -> None:
    """The plain ingest steps (no Prefect): what the dropped files hold is in the ledger."""
    reconcile_home(home)
    ingest_batch(home, list(find_new(home, NOW).ready), NOW)


def ingested_home(root: Path, values: dict[str, int], settle_seconds: int = 0) -> Home:
    """A home whose 2024 ledger holds `values` (下汤村, March: every other indicator 1, so the draft has
    no figure left blank) and one more return (松垛村, April)."""
    home = make_home(root, settle_seconds=settle_seconds)
    drop(home, values={**{i.code: 1 for i in home.catalog.indicators}, "TRAINING": 12, **values})
    drop(home, name="松垛村-2024-04.xlsx", unit=OTHER, period="2024-04", values={"LEAFLET": 7260})
    ingest_now(home)
    return home


SIGN_NOW = dt.datetime(2024, 12, 26, 2, 0, tzinfo=dt.UTC)


def drafted(root: Path) -> tuple[Home, Path]:
    """A home whose 2024 draft is rendered and recorded by the plain steps (no Prefect)."""
    from tasks.drafts.annual import render_annual
    from tasks.signoff.versions import record_draft

    home = ingested_home(root, {"DISPUTE": 73})
    version = record_draft(home, 2024, render_annual(home, 2024, None, SIGN_NOW.date()), SIGN_NOW)
    return home, Path(version.draft_path)


def ledger(home: Home):
    """The year's one version, as the ledger holds it now."""
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions

    with open_ledger(home.database_url) as engine:
        [v] = versions(engine, 2024)
    return v


def correct(home: Home, values: dict[str, int]) -> None:
    """下汤村 sends its March return again with other values: a correction that supersedes the first."""
    every = {i.code: 1 for i in home.catalog.indicators}
    drop(home, name="2024-03月报表-更正.xlsx", unit=VILLAGE, values={**every, "TRAINING": 12, **values})


class Mailbox:
    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


@contextmanager
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; yields (mailbox, port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def configure_mail(home: Home, port: int, reviewers: list[str] | None = None) -> None:
    toml = home.root / "township.toml"
    names = ", ".join(f'"{r}"' for r in reviewers or [])
    toml.write_text(toml.read_text(encoding="utf-8") + f"""
[delivery]
smtp_host = "127.0.0.1"
smtp_port = {port}
sender = "township@xiatang.example"
recipients = ["leader@xiatang.example"]
reviewers = [{names}]
""", encoding="utf-8")


def attachments(raw: bytes) -> dict[str, bytes]:
    msg = email.message_from_bytes(raw, policy=policy.default)
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def edited_copy(draft: Path, dest: Path, sentence: str) -> Path:
    """What a staff member does in Word: a sentence of their own at the end of the paragraph on disputes,
    a comment of their own, saved as .docx in outbox/审定/."""
    doc = docx.Document(str(draft))
    target = next(p for p in doc.paragraphs if "矛盾纠纷" in p.text)
    run = target.add_run(sentence)
    doc.add_comment(run, text="新增内容，请领导过目", author="办公室", initials="BG")
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(dest))
    return dest


def comment_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if "comment" in n.lower()]


def comment_marks(doc) -> int:
    body = doc.element.body
    return sum(1 for tag in ("w:commentReference", "w:commentRangeStart") for _ in body.iter(qn(tag)))


def has_highlight(doc) -> bool:
    return any(True for _ in doc.element.body.iter(qn("w:highlight")))


def header_texts(doc) -> list[str]:
    texts = []
    for s in doc.sections:
        for hf in (s.header, s.even_page_header, s.first_page_header):
            texts += [p.text for p in hf.paragraphs]
    return texts
