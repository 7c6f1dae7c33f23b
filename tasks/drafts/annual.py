"""The annual draft as one step: load (template, figures of the year and the year before) → compose
(tasks/drafts/compose.py, pure) → the rendered .docx in outbox/."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tasks.delivery.outbox import dated_path, free_path
from tasks.drafts.compose import DraftInputs, compose
from tasks.drafts.draft_page import report_title, title_stem
from tasks.drafts.open_items import due_by
from tasks.drafts.placeholders import TemplateCheck, check_template
from tasks.drafts.render import TemplateProblem, render_draft, save_atomic
from tasks.drafts.stated import stated_by_home
from tasks.drafts.statements import Statement
from tasks.drafts.todo import carried_over
from tasks.errors import TerminalError
from tasks.home import Home
from tasks.ledger.aggregate import Figures, figures_for
from tasks.ledger.migrate import open_ledger
from tasks.returns.periods import months_of
from templates import ANNUAL_REPORT

DEFAULT_TITLE = "法治政府建设情况报告"


class TemplateMissing(TerminalError):
    """`--template NAME` names no template of the home."""


def templates_of(root: Path) -> list[str]:
    """The report templates a home holds (<home>/templates/*.docx), by name."""
    return sorted(p.stem for p in (root / "templates").glob("*.docx") if not p.name.startswith("~$"))


class TemplateToChoose(TemplateMissing):
    """No --template, and the home holds several named templates (none the default): which one?"""


def template_for(root: Path, name: str | None = None) -> Path:
    """A named template of the home; else the home's own copy (staff edit it in Word/WPS); else, in a home
    whose templates are all named (adopted with --name), the only one — several: `TemplateToChoose`;
    the packaged reference text only for a home with no template of its own. A name is a name of
    <home>/templates/, never a path: a template is run when rendered, and a .docx a clerk left in the
    inbox (or anywhere) must not be one (issue 22)."""
    own = root / "templates" / ANNUAL_REPORT.name
    if name == ANNUAL_REPORT.stem and not own.exists() and not templates_of(root):
        return ANNUAL_REPORT  # the default by name: `report` resolved it so in a home with none of its own
    if name:
        if any(c in name for c in "/\\\0") or ".." in name or name.startswith("."):
            raise TemplateMissing(f"模板名称“{name}”不能含路径（/、\\、..）：只能是 {root / 'templates'} 中"
                                  "模板的文件名（不含 .docx），如 --template 2024年报告")
        held = templates_of(root)
        if name not in held:
            raise TemplateMissing(f"没有名为“{name}”的报告模板（{root / 'templates'} 中有：{'、'.join(held) or '（无）'}）；"
                                  "可用 township adopt 由去年的报告生成")
        return root / "templates" / f"{name}.docx"
    if own.exists():
        return own
    named = templates_of(root)
    if len(named) > 1:
        listed = "\n".join(f"  township report --template {n}" for n in named)
        raise TemplateToChoose(f"本实例有{len(named)}个报告模板（{'、'.join(named)}），"
                               f"请用 --template 指明生成哪一份：\n{listed}")
    return root / "templates" / f"{named[0]}.docx" if named else ANNUAL_REPORT


def templates_to_draft(root: Path) -> list[str | None]:
    """What the scheduled annual run drafts: every template of the home (None: the default one)."""
    named = [n for n in templates_of(root) if n != ANNUAL_REPORT.stem]
    return [None, *named] if (root / "templates" / ANNUAL_REPORT.name).exists() or not named else named


def draft_path(outbox: Path, year: int, on: dt.date, title: str = "") -> Path:
    """Dated names from the draft's own title, never overwriting an older draft:
    2024年法治政府建设情况报告（草稿）-20241220.docx, 2025年平安建设工作情况（草稿）-20251220.docx."""
    return dated_path(outbox, f"{year}年{title or DEFAULT_TITLE}（草稿）", ".docx", on)


def draft_subject(path: Path) -> str:
    """A mail's subject for a draft: its file's title (2025年平安建设工作情况（草稿）), without the date."""
    stem = path.stem
    return stem.split("（草稿）")[0] + "（草稿）" if "（草稿）" in stem else f"{stem}（草稿）"


def file_title(doc, path: Path, home: Home) -> str:
    """The name a draft (and its final copy) is filed under: its own title, less the year and the names;
    a template with no title: its name (the packaged one's: 法治政府建设情况报告)."""
    township = home.registry.township
    stem = title_stem(report_title(doc), (township.county, township.name))
    return stem or (path.stem if path.stem != ANNUAL_REPORT.stem else DEFAULT_TITLE)


def checked_template(home: Home, name: str | None = None) -> tuple[Path, TemplateCheck]:
    """The template and its placeholders; a broken one stops here, each problem naming its paragraph."""
    path = template_for(home.root, name)
    catalog = home.catalog
    check = check_template(path, {i.code for i in catalog.indicators} | {d.code for d in catalog.derived})
    if check.broken:
        raise TemplateProblem(path, [p.line() for p in check.broken])
    return path, check


@dataclass(frozen=True)
class Draft:
    """A rendered draft and the figures it states (recorded with its version, checked after signing)."""
    path: Path
    figures: Figures                  # the year's totals it was rendered from
    stated: dict[str, Statement]      # code → how its text states that figure, for each placeholder it holds


def annual_draft(home: Home, year: int, out: Path | None, on: dt.date, template: str | None = None) -> Path:
    return render_annual(home, year, out, on, template).path


def render_annual(home: Home, year: int, out: Path | None, on: dt.date, template: str | None = None,
                  review: tuple[str, ...] = ()) -> Draft:
    """Load (template, ledger, sidecars) → compose (tasks/drafts/compose.py: pure) → render and save.
    `review`: what the last decision asked for (退回修改's opinion), first in the 待完善事项."""
    inputs = load_inputs(home, year, template)
    due = due_by(year, on, home.settings)  # a month not yet due is not missing (issue 24)
    composed = compose(inputs, home.catalog, home.registry, home.settings.wording, year, on, review, due)
    doc = render_draft(inputs.template, composed.context, composed.extras)
    # An older draft is never overwritten, in outbox/ or at --out: a leader may hold it (-2, -3 beside it).
    target = free_path(out) if out else draft_path(home.outbox, year, on, file_title(doc, inputs.template, home))
    saved = save_atomic(doc, target)
    return Draft(saved, inputs.figures, composed.stated)


def load_inputs(home: Home, year: int, template: str | None) -> DraftInputs:
    """Everything a draft reads, read here: the checked template, the year's and last year's figures,
    what the home's other templates state, the numbers last year's report left literal."""
    path, check = checked_template(home, template)
    with open_ledger(home.database_url, home.archive) as engine:
        figures = figures_for(engine, months_of(str(year)), home.catalog.stocks)
        before = figures_for(engine, months_of(str(year - 1)), home.catalog.stocks)
    # stated by no sentence: of any template of the home, never only this one (several reports, one set
    # of returns: the to-do never asks to delete what another report states)
    elsewhere = frozenset(stated_by_home(home.root, home.catalog, ratios=False) or ())
    return DraftInputs(path, check, figures, before, elsewhere, tuple(carried_over(path, list(check.texts))))
