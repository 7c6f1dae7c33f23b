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


def breakdown(total: int, by_unit: dict[str, int], names: dict[str, str],
              as_of: dict[str, str] | None = None) -> str:
    """'73 = 下汤镇司法所 12 + 下汤村 9 + …', largest first, then in registry order; beyond MAX_UNITS
    the rest are summed as one term, so the equation still holds. A stock's terms say the month of each
    unit's latest value (`as_of`): '15 = 下汤村 5（12月） + …'."""
    order = {code: i for i, code in enumerate(names)}
    parts = sorted(((c, v) for c, v in by_unit.items() if v), key=lambda cv: (-cv[1], order.get(cv[0], 1e9)))
    if not parts:
        return f"{total}"
    when = {u: f"（{int(p[5:])}月）" if len(p) == 7 else f"（{p}）" for u, p in (as_of or {}).items()}
    terms = [f"{names.get(c, c)} {v}{when.get(c, '')}" for c, v in parts[:MAX_UNITS]]
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
    if figures.is_stock(ind.code):  # a count held, not done: each unit's latest month, never the months' sum
        head = (f"{ind.name}：{year}年期末数{total}{ind.unit}（期末数指标：各单位最近一个月填报的数相加，"
                f"不是各月相加），正文表述为“{stated}”")
        whence = f"来源：{len(units)}个单位各自最近一个月的已接收月报表（文件名后括号内为该文件填报数）"
    else:
        head = f"{ind.name}：{year}年合计{total}{ind.unit}，正文表述为“{stated}”"
        whence = f"来源：{len(units)}个单位的{len(files)}份已接收月报表（文件名后括号内为该文件填报数）"
    shares = breakdown(total, figures.by_unit.get(ind.code, {}), names, figures.as_of.get(ind.code))
    return "\n".join([head, shares, whence, *source_lines(sources, names)])


def change_note(ind: Indicator, current: int, previous: int, year: int, phrase: str) -> str:
    pct = (current - previous) * 100 / previous
    what = "期末数" if ind.kind == "stock" else "合计"  # a stock compared end to end, as its figure is made
    return (f"同比：{year}年{ind.name}{what}{current}{ind.unit}，{year - 1}年{what}{previous}{ind.unit}；"
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
