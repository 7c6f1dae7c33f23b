"""The annual draft: the template's wording with each figure computed from the year's returns, each
figure commented with where it came from, the to-do list on the title, and the appendices."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import SecurityError

from schemas.catalog import Catalog
from schemas.registry import Registry
from tasks.delivery.outbox import write_atomic
from tasks.drafts.accepted import accept_revisions
from tasks.drafts.appendix import add_chart, add_notes, add_unit_table
from tasks.drafts.chart import ChartImage
from tasks.drafts.docx_safety import strip_remote
from tasks.drafts.draft_page import dress_as_draft
from tasks.drafts.highlight import highlight_sentence
from tasks.drafts.jinja_guard import sandboxed
from tasks.drafts.page_layout import signature_indents
from tasks.drafts.placeholders import TemplateCheck, labelled, opening
from tasks.drafts.provenance import add_note, attach_comments, change_note, mark
from tasks.drafts.statements import Statement
from tasks.drafts.todo import add_todo, boilerplate
from tasks.drafts.wording import change_phrase
from tasks.errors import TerminalError
from tasks.ledger.aggregate import Figures


class TemplateProblem(TerminalError):
    """A template that cannot be rendered: each line names its paragraph, in Chinese."""

    def __init__(self, template: Path, lines: list[str]):
        self.template, self.lines = template, lines
        super().__init__(f"模板 {template.name} 有{len(lines)}处错误，未生成草稿：\n" + "\n".join(lines))


@dataclass(frozen=True)
class DraftContext:
    township: str
    county: str
    year: int
    date: str                      # 2024年12月20日 — Arabic numerals (GB/T 9704)
    figures: dict[str, str]        # indicator or derived code → stated figure ("70余起", "每月一次", "××场")
    words: dict[str, str] = field(default_factory=dict)    # this_year, town_word, county_word (+ unknown names)
    changes: dict[str, str] = field(default_factory=dict)  # code → "（较上年增长12%）", "" when not comparable
    notes: dict[str, str] = field(default_factory=dict)    # "f.CODE" / "y.CODE" / word → comment
    empty: dict[str, str] = field(default_factory=dict)    # key → why nothing true could be stated there

    def as_dict(self) -> dict[str, object]:
        """Values for the template; each commented value carries its invisible marker."""
        def marked(key: str, text: str) -> str:
            return mark(key, text) if key in self.notes else text
        return {"township": self.township, "county": self.county, "year": self.year,
                "next_year": self.year + 1, "last_year": self.year - 1, "date": self.date,
                **{k: marked(k, v) for k, v in self.words.items()},
                "f": {c: marked(f"f.{c}", v) for c, v in self.figures.items()},
                "y": {c: marked(f"y.{c}", v) for c, v in self.changes.items()}}


def draft_context(stated: dict[str, Statement], catalog: Catalog, registry: Registry, year: int, on: dt.date,
                  words: dict[str, str], check: TemplateCheck = TemplateCheck(),
                  previous: dict[str, Statement] | None = None) -> DraftContext:
    """`previous`: last year's statements, only when last year is as complete as this one."""
    figures = {code: s.text for code, s in stated.items()}
    notes = {f"f.{code}": s.note for code, s in stated.items()}
    empty = {f"f.{code}": s.empty for code, s in stated.items() if s.empty}
    changes: dict[str, str] = {}
    for ind in catalog.indicators:
        now, before = stated[ind.code], (previous or {}).get(ind.code)
        changes[ind.code] = change_phrase(now.total, before.total) if before and not now.empty else ""
        if changes[ind.code] and before:
            notes[f"y.{ind.code}"] = change_note(ind, now.total, before.total, year, changes[ind.code])
    words = {"this_year": "今年" if year == on.year else f"{year}年", **words}
    for code, line in check.unknown_codes.items():  # catalog drift: visible in the text, listed for staff
        figures[code] = f"【缺指标{code}】"
        notes[f"f.{code}"] = empty[f"f.{code}"] = line
    for word, line in check.unknown_words.items():
        words[word] = f"【未知占位符{word}】"
        notes[word] = empty[word] = line
    return DraftContext(township=registry.township.name, county=registry.township.county, year=year,
                        date=f"{on.year}年{on.month}月{on.day}日", figures=figures, words=words,
                        changes=changes, notes=notes, empty=empty)


@dataclass(frozen=True)
class Extras:
    """What goes around the wording: the appendices' data and the to-do items found on the way."""
    figures: Figures
    catalog: Catalog
    names: dict[str, str]          # unit code → name, registry order
    chart: ChartImage | None = None  # the monthly trend
    todo: tuple[str, ...] = ()
    review: tuple[str, ...] = ()   # the last decision's opinion: first of the to-do items


def render_draft(template: Path, context: DraftContext, extras: Extras):
    """docxtpl renders the wording (in the sandbox: the template was checked, and still nothing in it can
    reach Python); python-docx then removes remote content, adds comments, appendices and the to-do list.
    The template's tracked changes are accepted before Jinja reads it, as the check read it: a placeholder
    retyped with 修订 on renders once, and the draft carries no revision mark."""
    tpl = DocxTemplate(str(template))
    tpl.init_docx()
    accept_revisions(tpl.docx)
    try:
        tpl.render(context.as_dict(), jinja_env=sandboxed(), autoescape=True)
    except SecurityError as exc:
        raise TemplateProblem(template, [f"模板含有不允许的操作（{exc}），已拒绝生成草稿：模板中只能有 "
                                         "{{ f.指标代码 }}、{{ year }} 这样的占位符"]) from exc
    except JinjaError as exc:  # the checks found nothing, yet Jinja refuses: say so, still without a traceback
        raise TemplateProblem(template, [f"模板无法解析（{type(exc).__name__}: {exc}），"
                                         "请检查花括号和 {% %} 语句是否成对"]) from exc
    buf = io.BytesIO()
    tpl.save(buf)
    buf.seek(0)
    doc = docx.Document(buf)
    remote = strip_remote(doc)
    plates = boilerplate(doc.paragraphs)  # before the empty figures' sentences are highlighted too
    places = labelled(doc)  # kept alive: lxml hands out the same element objects only while one is held
    numbered = {p._p: where for where, p in places}
    empties = []
    for key, run in attach_comments(doc, context.notes):
        if key in context.empty:
            paragraph = run._parent
            sentence = highlight_sentence(paragraph, run)
            empties.append(f"{numbered.get(paragraph._p, '')}“{opening(sentence, 24)}”：{context.empty[key]}。请核实或删去此句，"
                           "再取消黄色底纹。")
    signature_indents(doc)
    dress_as_draft(doc)  # whatever the template's page: A4, "— N —", 草稿 (the appendices inherit them)
    title = add_unit_table(doc, extras.figures, extras.catalog, extras.names, context.year)
    stocks = "；标“期末数”的指标取各单位最近一个月的数，不逐月相加" if extras.figures.stocks else ""
    add_note(doc, title, f"附表数据：{context.year}年各单位已接收月报表（不含退回、重复和已被更正的版本）"
                         f"逐项相加{stocks}；合计行即正文各项数字的精确值。")
    if extras.chart:
        add_chart(doc, extras.chart.png, extras.chart.title, extras.chart.note)
    add_notes(doc, extras.figures.notes, extras.catalog, extras.names, context.year,
              new_section=extras.chart is None)
    add_todo(doc, [*empties, *extras.todo, *remote, "文末附表、附图、附录为起草参考材料，定稿时按需保留或删除。"], plates,
             first=list(extras.review))
    return doc


def save_atomic(doc, out: Path) -> Path:
    """A reader (or a crash) never sees half a draft: saved in memory (a full disk then fails a plain
    write, not python-docx's zip), written under a hidden name nobody can guess, then renamed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomic(out, buffer.getvalue())
