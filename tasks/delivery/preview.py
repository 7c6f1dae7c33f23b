"""The draft as a leader reads it in a PDF (issue 24): a PDF shows no Word comments, so the preview
opens with a page of the draft's 待完善事项 (what staff must still do, the returns missing, the previous
opinion) before the text. Only the preview: the .docx itself is never changed."""
from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

TODO_HEAD = "待完善事项"
PAGE_TITLE = "审阅说明（草稿预览，不属于报告正文）"


def todo_of(doc) -> list[str]:
    """The draft's 待完善事项 (the comment on its title), line by line; [] when it has none."""
    try:
        texts = [c.text for c in doc.comments]
    except (AttributeError, KeyError, ValueError):
        return []
    return next((t.splitlines() for t in texts if t.startswith(TODO_HEAD)), [])


def with_todo_page(draft: Path, out: Path) -> Path:
    """A copy of `draft` at `out` whose first page lists its 待完善事项 (as it is when it has none)."""
    doc = docx.Document(str(draft))
    lines = todo_of(doc)
    if lines:
        first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
        head = first.insert_paragraph_before(PAGE_TITLE, style="Normal")
        for run in head.runs:
            run.bold = True
        for line in lines:
            first.insert_paragraph_before(line, style="Normal")
        first.insert_paragraph_before("", style="Normal").add_run().add_break(WD_BREAK.PAGE)
    doc.save(str(out))
    return out
