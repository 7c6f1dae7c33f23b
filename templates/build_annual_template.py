"""Build annual_report.docx — the Word template staff edit — from annual_report.txt and the GB/T 9704
layout. Run it after changing the wording: `python -m templates.build_annual_template`.

Staff can equally edit the .docx in Word or WPS directly; placeholders ({{ f.DISPUTE }} …) must stay
whole inside one run of text, which Word keeps when a placeholder is typed in one go.
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_COLOR_INDEX

from tasks.drafts.page_layout import blank_document, draft_mark, page_numbers
from templates import ANNUAL_REPORT, TEMPLATES_DIR

WORDING = TEMPLATES_DIR / "annual_report.txt"
STYLES = {"title": "公文标题", "h1": "Heading 1", "h2": "Heading 2", "body": "Normal", "plate": "Normal",
          "sign": "落款"}


def parse_wording(text: str) -> list[tuple[str, str]]:
    lines = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        tag, _, rest = line.partition("]")
        lines.append((tag.lstrip("["), rest))
    return lines


def build(out: Path = ANNUAL_REPORT) -> Path:
    doc = blank_document()
    previous = ""
    for kind, text in parse_wording(WORDING.read_text(encoding="utf-8")):
        if (kind == "sign" and "{{ date }}" not in text) or (previous == "title" and kind != "title"):
            doc.add_paragraph("", style="Normal")  # GB/T 9704: a blank line after the title, before the signature
        previous = kind
        paragraph = doc.add_paragraph(style=STYLES[kind])
        run = paragraph.add_run(text)
        if kind == "plate":  # text the data cannot supply: highlighted for staff to review
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    page_numbers(doc)
    draft_mark(doc)
    doc.core_properties.title = "法治政府建设情况的报告（模板）"
    doc.core_properties.author = "township"
    doc.save(out)
    return out


if __name__ == "__main__":
    print(build())
