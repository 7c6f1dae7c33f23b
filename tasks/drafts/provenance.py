"""Where each figure of the draft came from, as Word comments a leader can read beside the number.

Rendering puts an invisible marker around every computed figure (private-use characters, which no
clerk or template types); afterwards `attach_comments` splits the run at the marker, strips it and
anchors a comment on exactly the figure's characters. Staff keep plain `{{ f.DISPUTE }}` placeholders
in the template: the markers come with the values, not with the wording.
"""
from __future__ import annotations

import re
from copy import deepcopy

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from schemas.catalog import Indicator
from tasks.ledger.aggregate import Figures, Source
from tasks.returns.clerk_text import for_xml

START, SEP, END = "\ue000", "\ue001", "\ue002"
MARKED = re.compile(f"{START}([^{SEP}]*){SEP}([^{END}]*){END}")
AUTHOR, INITIALS = "乡镇报表系统", "XT"


def mark(key: str, text: str) -> str:
    return f"{START}{key}{SEP}{text}{END}" if text else text


MAX_UNITS = 30  # a county's comment lists its 30 largest contributors; 附表 has every unit


def breakdown(total: int, by_unit: dict[str, int], names: dict[str, str]) -> str:
    """'73 = 下汤镇司法所 12 + 下汤村 9 + …', largest first, then in registry order; beyond MAX_UNITS
    the rest are summed as one term, so the equation still holds."""
    order = {code: i for i, code in enumerate(names)}
    parts = sorted(((c, v) for c, v in by_unit.items() if v), key=lambda cv: (-cv[1], order.get(cv[0], 1e9)))
    if not parts:
        return f"{total}"
    terms = [f"{names.get(c, c)} {v}" for c, v in parts[:MAX_UNITS]]
    if len(parts) > MAX_UNITS:
        terms.append(f"其余{len(parts) - MAX_UNITS}个单位 {sum(v for _, v in parts[MAX_UNITS:])}")
    return f"{total} = " + " + ".join(terms)


def source_lines(sources: list[Source], names: dict[str, str]) -> list[str]:
    """One line per unit: the files behind its share, each with the count it contributed."""
    per_unit: dict[str, list[str]] = {}
    for s in sources:
        label = s.file if s.period in s.file else f"{s.period} {s.file}"
        per_unit.setdefault(s.unit, []).append(f"{label}（{s.value}）")
    order = {code: i for i, code in enumerate(names)}
    lines = [f"{names.get(u, u)}：" + "、".join(files)
             for u, files in sorted(per_unit.items(), key=lambda kv: order.get(kv[0], 1e9))]
    if len(lines) > MAX_UNITS:
        lines = [*lines[:MAX_UNITS], f"……另有{len(lines) - MAX_UNITS}个单位的文件，见附表及各单位月报表"]
    return lines


def figure_note(ind: Indicator, figures: Figures, names: dict[str, str], year: int, stated: str) -> str:
    total = figures.total(ind.code)
    if not total:
        return f"{ind.name}：{year}年各单位均未填报（合计0{ind.unit}）。请核实是否漏报，再修改正文。"
    sources = figures.sources.get(ind.code, [])
    files = {(s.unit, s.file) for s in sources}
    units = {s.unit for s in sources}
    return "\n".join([f"{ind.name}：{year}年合计{total}{ind.unit}，正文表述为“{stated}”",
                      breakdown(total, figures.by_unit.get(ind.code, {}), names),
                      f"来源：{len(units)}个单位的{len(files)}份已接收月报表（文件名后括号内为该文件填报数）",
                      *source_lines(sources, names)])


def change_note(ind: Indicator, current: int, previous: int, year: int, phrase: str) -> str:
    pct = (current - previous) * 100 / previous
    return (f"同比：{year}年{ind.name}合计{current}{ind.unit}，{year - 1}年合计{previous}{ind.unit}；"
            f"（{current} − {previous}）÷ {previous} = {pct:+.1f}%，表述为“{phrase.strip('（）')}”")


def split_marked(paragraph: Paragraph) -> list[tuple[str, Run]]:
    """Split every run holding markers into plain runs (same formatting); return (key, figure run)."""
    found: list[tuple[str, Run]] = []
    for r in list(paragraph._p.iter(qn("w:r"))):
        run = Run(r, paragraph)
        text = run.text
        if START not in text:
            continue
        pos = 0
        for m in MARKED.finditer(text):
            _insert_before(r, paragraph, text[pos:m.start()])
            figure = _insert_before(r, paragraph, m.group(2))
            if figure is not None:
                found.append((m.group(1), figure))
            pos = m.end()
        _insert_before(r, paragraph, text[pos:])
        r.getparent().remove(r)
    return found


def _insert_before(r, paragraph: Paragraph, text: str) -> Run | None:
    text = text.replace(START, "").replace(SEP, "").replace(END, "")  # a stray half-marker: drop it
    if not text:
        return None
    new = deepcopy(r)
    r.addprevious(new)
    run = Run(new, paragraph)
    run.text = text
    return run


def attach_comments(doc, notes: dict[str, str]) -> list[tuple[str, Run]]:
    """Anchor `notes[key]` on each marked figure; returns (key, the figure's run), in document order."""
    commented: list[tuple[str, Run]] = []
    for p in list(doc.element.body.iter(qn("w:p"))):
        paragraph = Paragraph(p, doc._body)
        for key, run in split_marked(paragraph):
            if key in notes:  # notes name clerks' files: for_xml drops what XML cannot hold (a BEL)
                doc.add_comment(run, text=for_xml(notes[key]), author=AUTHOR, initials=INITIALS)
                commented.append((key, run))
    return commented


def add_note(doc, paragraph: Paragraph, text: str) -> None:
    """A comment on a whole paragraph (e.g. the title: the list of things staff must still do)."""
    runs = [r for r in paragraph.runs if r.text]
    if runs:
        doc.add_comment(runs, text=for_xml(text), author=AUTHOR, initials=INITIALS)
