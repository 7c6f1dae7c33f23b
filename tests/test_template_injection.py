"""Templates are data (issue 22): Jinja in a report given to adopt, or in a staff member's template,
never runs. Each attack is a real .docx whose Jinja would `touch` a file; the file must never appear."""
from __future__ import annotations

import shutil

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2.sandbox import SecurityError
from typer.testing import CliRunner

from flows.cli import app
from tasks.adoption.adopt import adopt
from tasks.drafts import annual
from tasks.drafts.annual import annual_draft, checked_template, render_annual
from tasks.drafts.jinja_guard import sandboxed
from tasks.drafts.placeholders import TemplateCheck
from tasks.drafts.render import TemplateProblem
from tasks.home import open_home
from templates import ANNUAL_REPORT
from tests.hostile_docx import add_notes, expression, hidden_run, notes_text, statement
from tests.reports import REPORTS, write_report
from tests.test_adopt import ON, fill_year, township_home

runner = CliRunner()


def hostile_report(tmp_path, marker):
    """城关镇's report, and Jinja in every place of it a reader does not look (each would touch `marker`)."""
    path = write_report(REPORTS["城关镇"][0], tmp_path / "报告.docx")
    doc = docx.Document(str(path))
    doc.paragraphs[3].add_run(expression(marker))                   # visible, in the body
    hidden_run(doc.paragraphs[4], statement(marker))                # w:vanish: nobody sees it
    doc.paragraphs[5].add_run("见{")                                # a brace at a run's end …
    doc.paragraphs[5].add_run("{ joiner.__init__.__globals__ }}").bold = True  # … and one at the next's start
    doc.add_table(rows=1, cols=1).cell(0, 0).text = expression(marker)
    doc.sections[0].header.paragraphs[0].text = expression(marker)
    doc.core_properties.title = expression(marker)
    doc.core_properties.keywords = statement(marker)
    add_notes(doc, "footnotes", expression(marker))
    add_notes(doc, "endnotes", statement(marker))
    doc.save(str(path))
    return path


def test_jinja_in_a_report_is_adopted_as_the_characters_it_was_and_never_runs(tmp_path):
    marker = tmp_path / "ran"
    home = township_home(tmp_path, "城关镇")
    result = adopt(hostile_report(tmp_path, marker), home, "城关")
    assert any("花括号" in w and "不会被当作模板语句执行" in w for w in result.warnings)
    home = open_home(home.root)
    assert checked_template(home, "城关")[1].problems == ()  # what adopt wrote passes the check
    fill_year(home, result.figures)
    out = annual_draft(home, 2024, tmp_path / "d.docx", ON, template="城关")
    assert not marker.exists()
    draft = docx.Document(str(out))
    assert draft.paragraphs[3].text.endswith(expression(marker))
    assert draft.paragraphs[4].text.endswith(statement(marker))
    assert draft.paragraphs[5].text.endswith("见{{ joiner.__init__.__globals__ }}")
    assert any(t.cell(0, 0).text == expression(marker) for t in draft.tables)
    assert draft.sections[0].header.paragraphs[0].text == expression(marker)
    assert notes_text(out, "footnotes") == expression(marker)
    for text in (draft.core_properties.title, draft.core_properties.keywords, notes_text(out, "endnotes")):
        assert "{{" not in text and "{%" not in text and "}}" not in text and "%}" not in text


def staff_template(home, marker, name="改过的"):
    """The home's template as a staff member (or someone at their PC) edited it."""
    path = home.root / "templates" / f"{name}.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ANNUAL_REPORT, path)
    doc = docx.Document(str(path))
    doc.paragraphs[10].add_run(statement(marker))
    hidden_run(doc.paragraphs[5], "{{ lipsum.__globals__ }}")
    doc.sections[0].header.paragraphs[0].add_run(expression(marker))
    doc.core_properties.title = expression(marker)
    add_notes(doc, "endnotes", "{# 备注 #}")
    doc.save(str(path))
    return path


def test_a_staff_template_with_jinja_not_ours_is_refused_by_the_check_and_by_report(home, tmp_path):
    marker = tmp_path / "ran"
    staff_template(home, marker)
    args = ["report", "--home", str(home.root), "--template", "改过的"]
    check = runner.invoke(app, [*args, "--check-template"], terminal_width=300)
    assert check.exit_code == 2 and "Traceback" not in check.output, check.output
    out = " ".join(check.output.split())
    assert "第11段“成立了以党委书记任组长的依法治{…”：“{% for x in [lipsum" in out and "是模板语句" in out
    assert "第6段“一是扛稳政治责任。党政主要负责人…”：“{{ lipsum.__globals__ }}”无法识别" in out
    assert "页眉（header1.xml）第1段“草稿{{ cycler.__in…”" in out and "无法识别" in out
    assert "文档属性（core.xml）“标题”" in out and "尾注（endnotes.xml）第1段" in out and "模板注释" in out
    refused = runner.invoke(app, [*args, "--year", "2024"], terminal_width=300)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "页眉（header1.xml）" in refused.output
    assert not marker.exists()


def test_past_the_check_the_sandbox_refuses_and_nothing_runs(home, tmp_path, monkeypatch):
    """Were the check ever bypassed, rendering itself cannot reach Python: SecurityError, no file."""
    marker = tmp_path / "ran"
    path = staff_template(home, marker)
    monkeypatch.setattr(annual, "checked_template", lambda h, name=None: (path, TemplateCheck()))
    with pytest.raises(TemplateProblem) as refused:
        render_annual(home, 2024, tmp_path / "d.docx", ON, template="改过的")
    assert isinstance(refused.value.__cause__, SecurityError) and "不允许的操作" in str(refused.value)
    assert not marker.exists() and not (tmp_path / "d.docx").exists()
    for source in (expression(marker), statement(marker)):  # a header, a property: the same environment
        doc = docx.Document()
        doc.sections[0].header.paragraphs[0].text = source
        doc.save(str(tmp_path / "one.docx"))
        with pytest.raises(SecurityError):
            DocxTemplate(str(tmp_path / "one.docx")).render({}, jinja_env=sandboxed(), autoescape=True)
        doc = docx.Document()
        doc.core_properties.title = source
        doc.save(str(tmp_path / "one.docx"))
        with pytest.raises(SecurityError):
            DocxTemplate(str(tmp_path / "one.docx")).render({}, jinja_env=sandboxed(), autoescape=True)
        assert not marker.exists()


def test_the_packaged_template_and_a_literal_brace_pass_the_check(home):
    path, check = checked_template(home)
    assert path == ANNUAL_REPORT and check.problems == ()
    own = home.root / "templates" / "有括号.docx"
    own.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ANNUAL_REPORT, own)
    doc = docx.Document(str(own))
    doc.paragraphs[10].add_run("（见附件{{ '{' }}一{{ '}' }}）")
    doc.save(str(own))
    assert checked_template(home, "有括号")[1].problems == ()
