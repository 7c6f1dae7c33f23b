"""待完善事项: what staff must still do before the draft can be signed, listed at the top.

Boilerplate the data cannot supply is highlighted in the template ([plate] lines); whatever a staff
member highlights in their own template counts too. The list goes into a comment on the title, so the
draft's own text stays exactly the reference's wording.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from docx.enum.text import WD_COLOR_INDEX
from docx.text.paragraph import Paragraph

from tasks.drafts.provenance import add_note

HEADING_STYLES = {"Heading 1": 1, "Heading 2": 2}
CARRIED = "上年报告中的数字（未由本年数据生成，请核实或改写）"
PLACEHOLDER = re.compile(r"\{\{.*?\}\}")


def highlighted(paragraph: Paragraph) -> bool:
    return any(r.font.highlight_color not in (None, WD_COLOR_INDEX.AUTO) and r.text.strip()
               for r in paragraph.runs)


def boilerplate(paragraphs: list[Paragraph]) -> list[tuple[str, str]]:
    """(where, opening words) of each highlighted paragraph; where is '开头', '一', '二（三）' …"""
    h1 = h2 = ""
    found: list[tuple[str, str]] = []
    for p in paragraphs:
        level = HEADING_STYLES.get(p.style.name if p.style is not None else "")
        text = p.text.strip()
        if level == 1:
            h1, h2 = text.split("、", 1)[0], ""
        elif level == 2:
            h2 = text[: text.find("）") + 1] if "）" in text else text[:4]
        elif text and highlighted(p):
            opening = text[:16] + ("…" if len(text) > 16 else "")
            found.append((f"{h1}{h2}" or "开头", opening))
    return found


def todo_text(places: list[tuple[str, str]], extra: list[str], first: list[str] | None = None) -> str:
    items = list(first or [])
    items += [f"【{where}】“{opening}”：模板套话，请结合本年实际修改后取消黄色底纹" for where, opening in places]
    items += extra
    lines = [f"待完善事项（共{len(items)}项）："] + [f"{i}. {item}" for i, item in enumerate(items, start=1)]
    return "\n".join(lines)


def add_todo(doc, extra: list[str], places: list[tuple[str, str]] | None = None,
             first: list[str] | None = None) -> int:
    """Anchor the list on the first line of the title; returns the number of items. `places`: the
    boilerplate paragraphs, when found before other highlights were added. `first` leads the list (a
    reviewer's opinion on the previous draft)."""
    paragraphs = doc.paragraphs
    places = boilerplate(paragraphs) if places is None else places
    title = next((p for p in paragraphs if p.text.strip()), None)
    lead = list(first or [])
    if title is None or not (places or extra or lead):
        return 0
    add_note(doc, title, todo_text(places, extra, lead))
    return len(lead) + len(places) + len(extra)


def literals_path(template: Path) -> Path:
    """Beside an adopted template: the numbers adopt kept as printed (tasks/adoption/carried.py)."""
    return template.with_name(f"{template.stem}.literals.json")


def carried_over(template: Path, texts: list[tuple[str, str]]) -> list[str]:
    """A to-do item for each number the template still holds as last year's report printed it, named by
    its paragraph in the template as it is now (`texts`: the check's (where, text)); one staff removed
    or rewrote is not listed. The sidecar is data: read as JSON, never run."""
    path = literals_path(template)
    if not path.is_file():
        return []
    try:
        records = json.loads(path.read_text(encoding="utf-8"))["literals"]
        records = [(str(r["where"]), str(r.get("place") or r["where"]), str(r["text"]), str(r["paragraph"]))
                   for r in records]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{path.name} 无法读取（{type(exc).__name__}），上年报告中保留原文的数字未能列出：请重新运行 township adopt。"]
    items: list[str] = []
    for where, place, number, paragraph in records:
        hits = [(w, t) for w, t in texts if number and number in t]
        if not hits:
            continue  # no longer in the template: staff removed or rewrote it
        hit = next((h for h in hits if h == (where, paragraph)), None) or next(
            (h for h in hits if h[0] == where), None) or next((h for h in hits if h[1] == paragraph), hits[0])
        shown = place if hit[0] == where else hit[0]
        words = PLACEHOLDER.sub("…", hit[1]).strip()
        item = f"{shown}“{words[:16]}{'…' if len(words) > 16 else ''}”中的“{number}”：{CARRIED}"
        if item not in items:
            items.append(item)
    return items
