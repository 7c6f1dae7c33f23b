"""Clerks' text at every sink (issue 16, cases 6 and 7): one control character must not break the year's
draft or summary; file names and cell text reach the Prefect artifact as literal text and the console
as plain text, never as links, images, headings, markup or terminal escapes."""
import datetime as dt
import time

import docx
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tasks.drafts.annual import annual_draft
from tasks.intake.discover import Discovery
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.intake.tally import summarize, tally
from tasks.summaries.ingest_artifact import ingest_report
from tasks.summaries.period import summary_files
from tests import files as f
from tests.helpers import NOW, OTHER, VILLAGE, drop, row_of

runner = CliRunner()
HOSTILE = "`x` # h [a](javascript:alert(1)) ![i](http://evil.example/x.png) <b>b</b> www.evil.example\n# fake"


def run(home):
    reconcile_home(home)
    wall = time.time() + 120
    return ingest_batch(home, list(find_new(home, NOW, wall=wall).ready), NOW, wall=wall)


# 6. One character breaks the year -------------------------------------------------------------

def test_control_characters_from_clerks_do_not_break_the_draft_or_the_summary(home, tmp_path):
    drop(home, values={"DISPUTE": 3}, notes={"DISPUTE": "调解_x0001_成功"}, edits={"B2": "下汤村_x0007_"})
    drop(home, name="四月\x07报表.xlsx", period="2024-04", values={"DISPUTE": 2})
    outcomes = run(home)
    assert sorted(o.status for o in outcomes) == ["accepted", "accepted_with_warnings"]
    draft = annual_draft(home, 2024, tmp_path / "draft.docx", dt.date(2024, 12, 20))
    text = "\n".join(p.text for p in docx.Document(draft).paragraphs)
    assert "调解成功" in text and "\x01" not in text
    files = summary_files(home, "2024", dt.date(2024, 12, 20))
    wb = load_workbook(files.workbook)
    notes = [c.value for r in wb["备注摘录"].iter_rows(min_row=4) for c in r]
    assert "调解成功" in notes
    listed = [c.value for r in wb["问题清单"].iter_rows(min_row=4) for c in r]
    assert any("下汤村" in str(v) for v in listed) and not any("\x07" in str(v) for v in listed)


def test_for_xml_keeps_what_xml_can_hold():
    from tasks.returns.clerk_text import for_xml

    assert for_xml("a\x00b\x01c\td\ne\rf\x07\ufffe") == "abc\td\ne\rf"


# 7. Injection into what operators read ---------------------------------------------------------

def test_the_artifact_shows_clerks_names_and_text_as_literal_text(home):
    summary = summarize([tally([])], Discovery((), (), ()))
    from dataclasses import replace
    summary = replace(summary, refused=((VILLAGE, HOSTILE + ".xlsx", "数值“" + HOSTILE + "”无法识别"),),
                      by_status={"rejected": 1}, received=1)
    report = ingest_report(summary, list(home.registry.units), set(), ["2024-11"], "入库结果")
    tokens = MarkdownIt("commonmark").enable("table").parse(report.markdown)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "code_inline"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["入库结果", "退回的文件"]
    shown = "".join(c.content for t in tokens for c in (t.children or []) if c.type == "text")
    assert "[a](javascript:alert(1))" in shown and "![i](http://evil.example/x.png)" in shown


def test_markdown_and_terminal_text_helpers():
    from tasks.returns.clerk_text import for_markdown, for_terminal

    assert for_markdown("a*b*\n# c") == "a\\*b\\* \\# c"
    assert for_terminal("x\x1b[31mred\x1b]8;;http://e\x07link\x1b]8;;\x07\x07[v2]") == "xredlink?[v2]"


def test_status_and_check_show_markup_and_escapes_as_plain_text(home, tmp_path):
    row = row_of(home, "DISPUTE")
    drop(home, name="[v2]\x1b]8;;http://evil.example\x07报表\x1b]8;;\x07\x1b[31m.xlsx", edits={f"E{row}": "[/]"})
    drop(home, unit=OTHER, notes={"DISPUTE": "[bold]x[/]"})
    run(home)
    result = runner.invoke(app, ["status", "--home", str(home.root)], terminal_width=250)
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "[v2]" in result.output and "[/]" in result.output and "\x1b" not in result.output
    path = tmp_path / "check.xlsx"
    path.write_bytes(f.edited(home, {f"E{row}": "[/]"}))
    result = runner.invoke(app, ["check", str(path), "--unit", VILLAGE, "--home", str(home.root)],
                           terminal_width=250)
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "[/]" in result.output


def test_a_stray_names_escapes_are_not_sent_to_the_terminal(home):
    (home.inbox / "\x1b[2J清屏.xlsx").write_bytes(b"x")
    result = runner.invoke(app, ["status", "--home", str(home.root)], terminal_width=250)
    assert result.exit_code == 0 and "\x1b" not in result.output and "清屏.xlsx" in result.output


def test_no_formula_from_a_clerk_reaches_the_summary(home):
    drop(home, name="=HYPERLINK(1).xlsx", notes={"DISPUTE": "=1+1"})
    run(home)
    files = summary_files(home, "2024-03", dt.date(2024, 4, 20))
    ws = load_workbook(files.workbook)["备注摘录"]
    cells = [c for r in ws.iter_rows(min_row=4) for c in r if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_yaml_tags_in_the_registry_are_never_executed(home, tmp_path):
    marker = tmp_path / "executed"
    (home.root / "units.yaml").write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    result = runner.invoke(app, ["status", "--home", str(home.root)])
    assert result.exit_code == 2 and not marker.exists() and "units.yaml" in result.output
