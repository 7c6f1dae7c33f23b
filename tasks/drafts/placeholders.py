"""The placeholders of a draft template, checked before anything is rendered.

Staff edit templates in Word or WPS: a placeholder may end up split across runs (docxtpl joins those),
lose a brace, or name an indicator the catalog no longer has. Each problem is a value naming its
paragraph in Chinese (第14段“今年举办防溺亡现场会…”), never a traceback (DESIGN §7). Every part of the
file is read as Jinja will read it too (jinja_guard): a block that is not one of ours, anywhere, is a
problem that stops rendering.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tasks.drafts.accepted import accept_revisions
from tasks.drafts.jinja_guard import foreign

WORDS = ("township", "county", "year", "next_year", "last_year", "date", "this_year", "town_word", "county_word")
LITERAL = re.compile(r"\{\{\s*(?:'[^'\\]*'|\"[^\"\\]*\")\s*\}\}")  # {{ '{' }}: a brace the report had
WHOLE = re.compile(r"\{\{([^{}]*)\}\}|\{%([^{}]*)%\}")
HALF = re.compile(r"\{\{|\}\}|\{%|%\}|\{\s*[fy]\.\w+\s*\}")
NAMED = re.compile(r"^\s*(?:([fy])\.([A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*))\s*$")


@dataclass(frozen=True)
class PlaceholderProblem:
    where: str          # 第14段 (the body's paragraphs, blank ones counted), or 第14段后的表格
    opening: str        # the paragraph's first words
    placeholder: str    # as written
    message: str
    broken: bool        # True: cannot be rendered at all; False: renders as a visible mark

    def line(self) -> str:
        return f"{self.where}“{self.opening}”：{self.message}"


@dataclass(frozen=True)
class TemplateCheck:
    problems: tuple[PlaceholderProblem, ...] = ()
    codes: frozenset[str] = frozenset()     # indicator codes the template states (f.CODE / y.CODE)
    words: frozenset[str] = frozenset()     # other names used
    unknown_codes: dict[str, str] = field(default_factory=dict)   # code → what is wrong with it
    unknown_words: dict[str, str] = field(default_factory=dict)
    texts: tuple[tuple[str, str], ...] = ()  # (where, text) of the template's paragraphs, as written

    @property
    def broken(self) -> list[PlaceholderProblem]:
        return [p for p in self.problems if p.broken]


def labelled(doc) -> list[tuple[str, Paragraph]]:
    """Every paragraph of the body in order, named as staff find it: 第N段 counts the body's paragraphs,
    blank ones included (a .txt report's line N); a table's paragraphs are 第N段后的表格."""
    out: list[tuple[str, Paragraph]] = []
    number = 0
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            number += 1
            out.append((f"第{number}段", Paragraph(child, doc._body)))
        elif child.tag == qn("w:tbl"):
            out += [(f"第{number}段后的表格", Paragraph(p, doc._body)) for p in child.iter(qn("w:p"))]
    return out


def opening(text: str, n: int = 16) -> str:
    text = text.strip()
    return text[:n] + ("…" if len(text) > n else "")


def check_template(path: Path, codes: set[str]) -> TemplateCheck:
    """Read the .docx and check each placeholder of the body against the known words and the catalog's
    codes; then every part for Jinja that is not ours (one problem a paragraph with a broken placeholder).
    Read as rendering reads it: its tracked changes accepted first (accepted.py), as render_draft does."""
    doc = docx.Document(str(path))
    accept_revisions(doc)
    places = labelled(doc)
    check = check_texts([(where, p.text) for where, p in places], codes)
    broken = {p.where for p in check.broken}
    others = [PlaceholderProblem(f.where, f.opening, f.block.text, f.message, True)
              for f in foreign(doc, {p._p: (where, p.text) for where, p in places}, WORDS)
              if not (f.block.kind == "syntax" and f.where in broken)]
    return replace(check, problems=check.problems + tuple(others))


def check_texts(texts: list[tuple[str, str]], codes: set[str]) -> TemplateCheck:
    problems: list[PlaceholderProblem] = []
    used: set[str] = set()
    words: set[str] = set()
    unknown_codes: dict[str, str] = {}
    unknown_words: dict[str, str] = {}
    for where, text in texts:
        here = opening(text)
        text = LITERAL.sub("", text)
        for m in WHOLE.finditer(text):
            whole, named = m.group(0), NAMED.match(m.group(1) or "")
            if m.group(2) is not None or named is None:
                continue  # a statement or another expression: not ours, named by jinja_guard (check_template)
            if named.group(2):
                code = named.group(2)
                if code in codes:
                    used.add(code)
                    continue
                hint = difflib.get_close_matches(code.upper(), sorted(codes), n=1)
                problem = PlaceholderProblem(where, here, whole, f"{whole} 中的指标代码 {code} 不在指标目录中"
                                  + (f"（是否应为 {hint[0]}？）" if hint else ""), False)
                problems.append(problem)
                unknown_codes.setdefault(code, problem.message)
            elif named.group(3) in WORDS:
                words.add(named.group(3))
            else:
                word = named.group(3)
                extra = "（“每月一次”现由指标目录声明：改为 {{ f.LECTURE }}）" if word == "lecture" else ""
                problem = PlaceholderProblem(where, here, whole, f"{whole} 不是已知的占位符{extra}；可用："
                                  + "、".join(WORDS) + "、f.指标代码、y.指标代码", False)
                problems.append(problem)
                unknown_words.setdefault(word, problem.message)
        rest = WHOLE.sub("", text)
        for m in HALF.finditer(rest):
            problems.append(PlaceholderProblem(where, here, m.group(0), f"“{_around(rest, m)}”中的占位符不完整："
                                    "左右各需两个花括号，如 {{ f.DISPUTE }}", True))
    return TemplateCheck(tuple(problems), frozenset(used), frozenset(words), unknown_codes, unknown_words,
                         tuple(texts))


def _around(text: str, m: re.Match) -> str:
    return text[max(m.start() - 8, 0):m.end() + 12].strip()
