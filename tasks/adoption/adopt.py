"""`township adopt` as one step: a township's earlier report → <home>/templates/<NAME>.docx (its own
paragraphs and formatting, figures replaced by placeholders) and its figures merged into the catalog."""
from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from schemas import default_file
from tasks.adoption.bounded import checked, in_child, no_dtd, xml_errors
from tasks.adoption.carried import literals, sidecar
from tasks.adoption.choose import as_sum, choose, ratio_figure
from tasks.adoption.kinds import kinded
from tasks.adoption.literal import keep_literal, said
from tasks.adoption.merge import dump_catalog, header_of, write_catalog_text
from tasks.adoption.pieces import Piece, bare_number, pieces
from tasks.adoption.ratios import explain
from tasks.adoption.result import Adoption, Figure, Skip
from tasks.adoption.rewrite import Edit, apply, text_of
from tasks.adoption.scan import Found, scan
from tasks.adoption.source import ReportUnreadable, open_report
from tasks.adoption.sums import breakdown
from tasks.adoption.township import freed_names, other_templates, township_catalog
from tasks.adoption.words import teach
from tasks.adoption.working import Working
from tasks.delivery.outbox import write_atomic
from tasks.drafts.accepted import accept_revisions
from tasks.drafts.docx_safety import strip_remote
from tasks.drafts.placeholders import check_template
from tasks.drafts.todo import literals_path
from tasks.home import Home
from tasks.ledger.held import any_returns

NAME_OK = re.compile(r"^[^\\/:*?\"<>|.\s][^\\/:*?\"<>|]{0,60}$")
YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
DATE_LINE = re.compile(r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
SIGNED = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?[县区市旗])?([\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))(?:人民政府|办事处|党委)")
# The township a title names (句容市下蜀镇2025年…, 塘栖镇法治政府建设…): county and township, each 2–4 characters.
TITLED = re.compile(r"^(?:([\u4e00-\u9fff]{1,4}?[县区市旗]))?((?![全本各我该])[\u4e00-\u9fff]{1,3}(?:镇|乡|街道))"
                    r"(?=\d|关于|人民政府|办事处|党委|[法平安综应]|年度|工作)")


def adopt(report: Path, home: Home, name: str = "annual_report") -> Adoption:
    """The report pre-checked, then read and turned into a template and a catalog by a limited child
    (bounded.py: a hostile .docx is refused with the reason); what it made is written here."""
    if not NAME_OK.match(name):
        raise ReportUnreadable(f"模板名称“{name}”不能用作文件名：请不用 / \\ : * ? \" < > | 和开头的点")
    limits = home.settings.limits
    data = checked(report, limits)
    with tempfile.TemporaryDirectory(prefix="township-adopt-") as folder:
        copy = Path(folder) / report.name  # open_report reads a path: it reads the very bytes checked
        copy.write_bytes(data)
        made = in_child(made_from, (copy, home, name, any_returns(home.database_url, home.archive)), limits,
                        report.name)
    catalog_path = home.root / home.settings.catalog  # first: it is checked before it is written
    write_catalog_text(catalog_path, made.catalog)
    (home.root / "templates").mkdir(exist_ok=True)
    template = write_atomic(home.root / "templates" / f"{name}.docx", made.template)
    write_atomic(literals_path(template), sidecar(list(made.literals)))  # read by every draft's to-do
    return Adoption(template, catalog_path, made.year, made.figures, made.skips, made.warnings, made.kept,
                    made.dropped, made.literals)


@dataclass(frozen=True)
class Made:
    """What the child made of the report: the template's bytes and the catalog's text, not yet written."""
    template: bytes
    catalog: str
    year: int | None
    figures: tuple[Figure, ...]
    skips: tuple[Skip, ...]
    warnings: tuple[str, ...]
    kept: tuple[tuple[str, str], ...] = ()
    dropped: tuple[tuple[str, str], ...] = ()
    literals: tuple[dict[str, str], ...] = ()  # numbers kept as printed (carried.py)


def made_from(report: Path, home: Home, name: str = "annual_report", has_returns: bool = False) -> Made:
    """In the child: the report's paragraphs and table cells with placeholders, its figures merged into
    the catalog (the township's: reference indicators that no template of the home states leave it while
    no returns are stored), read as if its tracked changes were accepted (what the template check and
    rendering read). `name`: the template being made; the home's others keep what they state and how."""
    with xml_errors(report, report.name):
        doc = open_report(report)
    no_dtd(doc, report.name)
    revisions = accept_revisions(doc)
    # before any placeholder of ours is written: the report's own braces and remote content are data
    safety = [*strip_remote(doc), *said(*keep_literal(doc))]
    texts = [text_of(p) for p in doc.paragraphs]
    year = report_year(texts)
    known = {i.code for i in home.catalog.indicators} | {d.code for d in home.catalog.derived}
    elsewhere = frozenset(c for p in other_templates(home.root, name) for c in check_template(p, known).codes)
    work = Working(home.catalog.indicators, home.catalog.derived, home.settings.wording,
                   own_names(home, texts), elsewhere, name)
    figures: list[Figure] = []
    skips: list[Skip] = []
    carried: list[dict[str, str]] = []
    for piece in pieces(doc):
        text, before = text_of(piece.paragraph), len(skips)
        found, edits = read_piece(text, piece, year, work, skips)
        figures += found
        edits += names_in(text, home, edits)
        apply(piece.paragraph, edits)
        if piece.place:
            skips[before:] = [replace(s, place=piece.place) for s in skips[before:]]
        carried += literals(skips[before:], piece.where, piece.place, text_of(piece.paragraph))
    if not figures:
        raise ReportUnreadable(f"{report.name} 中没有找到活动数字（数字加量词，如“12次”“70余起”），无法生成模板；"
                               f"跳过的数字 {len(skips)} 个")
    kept, dropped = township_catalog(work, {f.code for f in figures} | elsewhere, home.catalog.rules,
                                     has_returns)
    renamed = freed_names(work, {f.code for f in figures if f.new}) if dropped else {}
    figures = [replace(f, name=renamed.get(f.code, f.name)) for f in figures]
    catalog_path = home.root / home.settings.catalog
    original = (catalog_path if catalog_path.exists() else default_file("indicators.yaml")).read_text("utf-8")
    merged = work.catalog().model_copy(update={"rules": home.catalog.rules})
    catalog = dump_catalog(merged, header_of(original))
    template = io.BytesIO()
    doc.save(template)
    accepted = [f"报告中有{revisions}处修订（插入、删除、移动或格式修改），已按“接受所有修订”读取：删去的文字不进模板，"
                "插入的文字保留，模板中没有修订标记。"] if revisions else []
    return Made(template.getvalue(), catalog, year, kinded(figures, merged), tuple(skips),
                tuple(warnings(texts, home, year) + accepted + safety), kept, dropped, tuple(carried))


def read_piece(text: str, piece: Piece, year: int | None, work: Working,
               skips: list[Skip]) -> tuple[list[Figure], list[Edit]]:
    """A body paragraph as it is; a table cell's figures named from its row's label when the cell has no
    words of its own before them (开展普法宣传活动 | 220余次), a cell of bare digits listed, not guessed."""
    if not piece.place:
        return read_paragraph(text, piece.number, year, work, skips)
    if bare_number(text):
        reason = "序号" if piece.column == 1 else "表格中没有量词的数字（单位写在表头或另一列），未能生成占位符"
        skips.append(Skip(piece.number, text.strip(), reason))
        return [], []
    first = scan(text)[0]
    label = piece.label if piece.label and (not first or len(text[:first[0].start].strip()) < 2) else ""
    figures, edits = read_paragraph(label + text, piece.number, year, work, skips, head=len(label))
    return [replace(f, place=piece.place) for f in figures], edits


def read_paragraph(text: str, number: int, year: int | None, work: Working,
                   skips: list[Skip], head: int = 0) -> tuple[list[Figure], list[Edit]]:
    """`head`: characters before the paragraph's own text that only name its figures (a cell's label):
    not scanned, and never edited."""
    found, skipped = scan(text[head:])
    if head:
        found = [replace(f, start=f.start + head, end=f.end + head) for f in found]
        skipped = [replace(s, start=s.start + head, end=s.end + head) for s in skipped]
    figures: list[Figure] = []
    kept: list[Found] = []
    edits: list[Edit] = []
    floor, previous = 0, ""
    for i, f in enumerate(found):
        ceiling = found[i + 1].start if i + 1 < len(found) else len(text)
        chosen, used = choose(f, text, number, floor, previous, work, ceiling)
        if isinstance(chosen, Skip):
            skips.append(chosen)
            continue
        figures.append(chosen)
        kept.append(f)
        edits.append(Edit(f.start, f.end, f"{{{{ f.{chosen.code} }}}}"))
        floor, previous = max(f.end, used), chosen.name
    for whole, parts in breakdown(text, figures, kept, work.wording):
        figures[whole] = as_sum(figures[whole], [figures[j] for j in parts], work)
    exact = [(f.start, f.code, f.total) for f in figures if f.stating.style == "exact" and not f.derived]
    dated = DATE_LINE.match(text)
    if dated:  # the signature's date: the draft's own date
        return figures, [Edit(dated.start(), dated.end(), "{{ date }}")]
    for s in skipped:
        ratio = explain(text, s.start, exact) if s.reason == "百分比" else None
        if ratio:
            figures.append(ratio_figure(ratio, text, number, _floor(figures, ratio.start), work))
            edits.append(Edit(ratio.start, ratio.end, f"{{{{ f.{figures[-1].code} }}}}"))
        elif s.reason == "年份" and year and (word := year_word(s.text[:4], year)):
            edits.append(Edit(s.start, s.start + 4, word))
            skips.append(Skip(number, s.text, f"年份（模板中写作 {word}）"))
        else:
            skips.append(Skip(number, s.text, s.reason))
    return figures, [replace(e, start=e.start - head, end=e.end - head) for e in edits]


def own_names(home: Home, texts: list[str] = ()) -> frozenset[str]:  # type: ignore[assignment]
    """The township's and county's names, whole and short (下蜀镇, 下蜀; 句容市, 句容): never in a name. Those
    units.yaml holds, and those the report names itself by (its title, its signature): a new home still
    holds the reference township's names until the operator corrects units.yaml."""
    township = home.registry.township
    names = {township.name, township.county}
    heading = [t.strip() for t in texts if t.strip()][:3]
    for t in heading:
        if m := TITLED.match(t):
            names |= {g for g in m.groups() if g}
    names |= {m.group(1) for m in SIGNED.finditer("\n".join(heading))}
    names |= {n[:-len(w)] for n in tuple(names) for w in ("街道", "镇", "乡", "县", "区", "市")
              if n and n.endswith(w) and len(n) - len(w) >= 2}
    names.discard("")
    teach(*names)
    return frozenset(names)


def _floor(figures: list[Figure], start: int) -> int:
    return max((f.end for f in figures if f.end <= start), default=0)


def year_word(digits: str, year: int) -> str:
    return {year: "{{ year }}", year + 1: "{{ next_year }}", year - 1: "{{ last_year }}"}.get(int(digits), "")


def names_in(text: str, home: Home, edits: list[Edit]) -> list[Edit]:
    """The township's and county's names (as units.yaml spells them), where no other edit is."""
    out: list[Edit] = []
    township = home.registry.township
    for word, placeholder in ((township.county, "{{ county }}"), (township.name, "{{ township }}")):
        for m in re.finditer(re.escape(word), text) if word else ():
            if not any(e.start < m.end() and m.start() < e.end for e in (*edits, *out)):
                out.append(Edit(m.start(), m.end(), placeholder))
    return out


def report_year(texts: list[str]) -> int | None:
    """The year the report speaks of: the first in its title lines, else the most frequent."""
    heading = [t for t in texts if t.strip()][:3]
    for t in heading:
        m = YEAR.search(t)
        if m:
            return int(m.group(0))
    counted = Counter(int(y) for t in texts for y in YEAR.findall(t))
    return counted.most_common(1)[0][0] if counted else None


def warnings(texts: list[str], home: Home, year: int | None) -> list[str]:
    out = []
    whole = "\n".join(texts)
    township = home.registry.township.name
    if township not in whole:
        signed = SIGNED.search(whole)
        out.append(f"报告中没有出现 units.yaml 登记的乡镇名称“{township}”"
                   + (f"（报告署名为“{signed.group(1)}”）" if signed else "")
                   + "：模板未替换乡镇名称。请在 units.yaml 中改正名称后重新运行 township adopt。")
    if year is None:
        out.append("报告中找不到年份（如“2024年”），模板未替换年份，请在模板中手工改为 {{ year }}。")
    return out
