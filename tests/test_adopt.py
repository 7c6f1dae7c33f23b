"""`township adopt` (DESIGN §7): a township's own report becomes its template and catalog, and the
round trip holds — returns whose totals state to each phrase render the report back, paragraph for
paragraph. Reports are real .docx files built in tmp_path, read back with python-docx."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tasks.adoption.adopt import adopt
from tasks.adoption.rewrite import runs_of
from tasks.adoption.source import TXT_ARTIFACT
from tasks.drafts.annual import annual_draft
from tasks.drafts.todo import highlighted
from tasks.home import init_home, open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tests.docx_helpers import comments
from tests.helpers import drop
from tests.reports import REPORTS, registry_for, write_report
from tests.shared import REFERENCE

runner = CliRunner()
ON = dt.date(2025, 1, 8)  # the day the township's report was signed: the draft's date line says it again
REFERENCE_CODES = ["TRAINING", "DISPUTE", "LEGAL_AID", "DROWNING_MEETING", "WARNING_SIGN", "PUBLICITY_EVENT",
                   "DISPLAY_BOARD", "LEAFLET", "LAW_BOOK", "CONSTITUTION_BROCHURE", "NORMATIVE_DOC"]


def township_home(tmp_path, key: str):
    root = tmp_path / "home"
    init_home(root, registry_for(REPORTS[key][1]))
    toml = root / "township.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 30", "settle_seconds = 0"),
                    encoding="utf-8")
    return open_home(root)


def texts(paragraphs) -> list[str]:
    return ["".join(t for t, _ in p) if isinstance(p, list) else p for p in paragraphs]


def fill_year(home, figures, year: int = 2024) -> None:
    """One return holding, for each indicator, a total that states to the report's phrase."""
    totals = {f.code: f.total for f in figures if not f.derived}
    unit = home.registry.units[1].code
    drop(home, name=f"{year}-03.xlsx", unit=unit, period=f"{year}-03", values=totals)
    now = dt.datetime(year + 1, 1, 20, 2, 0, tzinfo=dt.UTC)
    prepare(home)
    ingest_batch(home, list(find_new(home, now).ready), now)


@pytest.mark.parametrize("key", list(REPORTS))
def test_round_trip_reproduces_each_report_paragraph_for_paragraph(tmp_path, key):
    paragraphs, _ = REPORTS[key]
    home = township_home(tmp_path, key)
    result = adopt(write_report(paragraphs, tmp_path / f"{key}.docx"), home, key)
    home = open_home(home.root)
    fill_year(home, result.figures)
    draft = docx.Document(annual_draft(home, 2024, tmp_path / "draft.docx", ON, template=key))
    lines = [p.text for p in draft.paragraphs]
    assert lines[:len(paragraphs)] == texts(paragraphs)
    for f in result.figures:
        assert f.phrase in lines[f.paragraph - 1], (f.code, f.phrase)
    template = docx.Document(str(result.template))
    for p in template.paragraphs:  # whole placeholders only, each inside one run
        for run in runs_of(p):
            assert run.text.count("{{") == run.text.count("}}"), run.text
    if key == "城关镇":  # 12089份 was split over three runs ("1", bold "20", "89份…")
        split = next(f for f in result.figures if f.phrase == "12089份")
        runs = runs_of(template.paragraphs[split.paragraph - 1])
        assert any(r.text.endswith(f"{{{{ f.{split.code} }}}}") for r in runs)


def test_the_reference_adopts_onto_the_catalogs_codes_and_comes_back(demo_ledger, tmp_path):
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not beside this clone")
    root = tmp_path / "home"
    shutil.copytree(demo_ledger.root, root)
    result = adopt(REFERENCE, open_home(root), "下汤镇")
    assert [f.code for f in result.figures] == REFERENCE_CODES and not any(f.new for f in result.figures)
    assert len(result.skipped) == 35  # README: 18 序号, 10 年份, 6 quoted names, 每月一次
    assert [f.phrase for f in result.figures] == ["12次", "70余起", "20余人次", "1场", "200余处", "100余次",
                                                  "128块", "7000余份", "4000余本", "600余份", "3件"]
    draft = docx.Document(annual_draft(open_home(root), 2024, tmp_path / "d.docx", dt.date(2024, 12, 20),
                                       template="下汤镇"))
    reference = [TXT_ARTIFACT.sub("", line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    lines = [p.text for p in draft.paragraphs]
    assert [t.strip() for t in lines[:len(reference)]] == [t.strip() for t in reference]
    for f in result.figures:
        assert f.phrase in lines[f.paragraph - 1]


def test_how_each_township_states_its_figures_is_recorded(tmp_path):
    home = township_home(tmp_path, "东城街道")
    result = adopt(write_report(REPORTS["东城街道"][0], tmp_path / "r.docx"), home)
    got = {f.phrase: (f.unit, f.stating.style, f.stating.digits, bool(f.stating.wan), f.stating.word,
                      f.stating.numerals) for f in result.figures}
    assert got == {
        "36支": ("支", "exact", None, False, "余", "arabic"),
        "2万余人次": ("人次", "approx", 1, True, "余", "arabic"),
        "1.2万余处": ("处", "approx", 2, True, "余", "arabic"),
        "近3000处": ("处", "approx", 1, False, "近", "arabic"),
        "150多场": ("场", "approx", 2, False, "多", "arabic"),
        "5万余份": ("份", "approx", 1, True, "余", "arabic"),
        "两万余人次": ("人次", "approx", 1, True, "余", "hanzi"),
        "3200份": ("份", "exact", None, False, "余", "arabic"),
        "2100份": ("份", "exact", None, False, "余", "arabic"),
        "1100本": ("本", "exact", None, False, "余", "arabic"),
    }
    whole = next(f for f in result.figures if f.phrase == "3200份")
    parts = tuple(f.code for f in result.figures if f.phrase in ("2100份", "1100本"))
    assert whole.derived == "sum" and open_home(home.root).catalog.derived[0].sum == parts
    assert whole.code not in {i.code for i in open_home(home.root).catalog.indicators}  # nobody reports it twice
    names = {f.phrase: f.name for f in result.figures}
    assert names["2万余人次"] == "巡逻" and names["近3000处"] == "整改安全隐患"
    assert names["两万余人次"] == "受教育群众" and names["36支"] == "组建平安志愿者队伍"


def test_new_indicators_get_names_units_codes_and_reach_the_clerks_template(tmp_path):
    home = township_home(tmp_path, "辛集乡")
    result = adopt(write_report(REPORTS["辛集乡"][0], tmp_path / "r.docx"), home)
    by_phrase = {f.phrase: f for f in result.figures}
    # 排查 (screened) is not the catalog's 调处矛盾纠纷 (mediated), though both say 矛盾纠纷 (DESIGN §7.1)
    assert (by_phrase["65起"].name, by_phrase["65起"].new) == ("排查矛盾纠纷", True)
    assert (by_phrase["63起"].name, by_phrase["63起"].code) == ("化解矛盾纠纷", "HUAJIEMAODUNJIUFEN")
    assert (by_phrase["十余次"].name, by_phrase["十余次"].unit) == ("执法检查", "次")
    assert by_phrase["950余本"].name == "发放《民法典》读本"
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", f.code) for f in result.figures)
    again = adopt(write_report(REPORTS["辛集乡"][0], tmp_path / "r2.docx"), open_home(home.root))
    assert [f.code for f in again.figures] == [f.code for f in result.figures]  # stable: same report, same codes
    assert not any(f.new for f in again.figures)
    out = tmp_path / "blank.xlsx"
    done = runner.invoke(app, ["template", "--home", str(home.root), "--unit", home.registry.units[1].code,
                               "--period", "2025-01", "--out", str(out)])
    assert done.exit_code == 0, done.output
    names = {row[2] for row in load_workbook(out)["报表"].iter_rows(min_row=6, values_only=True)}
    assert {"化解矛盾纠纷", "执法检查", "审核乡政府合同"} <= names


def test_a_percentage_two_figures_explain_becomes_a_ratio_and_one_they_do_not_is_skipped(tmp_path):
    home = township_home(tmp_path, "城关镇")
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home)
    [ratio] = [f for f in result.figures if f.derived]
    assert (ratio.phrase, ratio.name, ratio.derived) == ("96.1%", "调解成功率", "ratio")
    catalog = open_home(home.root).catalog
    [declared] = catalog.derived
    mediated = next(f for f in result.figures if f.phrase == "342起")
    screened = next(f for f in result.figures if f.phrase == "356起")
    # 成功调解 after 排查矛盾纠纷 is the catalog's 调处矛盾纠纷 (alias 调解矛盾纠纷); 排查 is not (DESIGN §7.1)
    assert (mediated.code, screened.name, screened.new) == ("DISPUTE", "排查矛盾纠纷", True)
    assert (declared.ratio, declared.decimals) == (("DISPUTE", screened.code), 1)
    assert ("98%", "百分比") in [(s.text, s.reason) for s in result.skipped]
    assert next(f.code for f in result.figures if f.phrase == "12089份") == "FAFANGXUANCHUANZILIAO"


def test_every_kind_of_number_that_is_not_a_figure_is_skipped_with_its_reason(tmp_path):
    home = township_home(tmp_path, "城关镇")
    report = write_report(["城关镇2024年法治工作报告", "",
                           "一、2024年3月15日，在“12345”热线和“八五”普法中，第3次会议召开，联系电话13803750201和"
                           "0375-5012001，群众满意度达98.5%，每月一次，投入资金12万元，历时3天，共走访困难群众2户。",
                           "（二）1.按照2025年安排，统一起来，打造一支队伍。"], tmp_path / "r.docx")
    result = adopt(report, home)
    assert [(f.paragraph, f.phrase) for f in result.figures] == [(3, "2户")]
    assert [(s.paragraph, s.text, s.reason) for s in result.skipped] == [
        (1, "2024年", "年份（模板中写作 {{ year }}）"),
        (3, "一、", "序号"), (3, "2024年3月15日", "日期"), (3, "“12345”", "引号或书名号中的名称、口号"),
        (3, "“八五”", "引号或书名号中的名称、口号"), (3, "第3次", "序数（第N）"), (3, "13803750201", "电话号码"),
        (3, "0375-5012001", "电话号码"), (3, "98.5%", "百分比"), (3, "每月一次", "频次（如每月一次），不是全年合计"),
        (3, "12万元", "金额"), (3, "3天", "时间或年龄，不是活动次数"),
        (4, "（二）", "序号"), (4, "1.", "序号"), (4, "2025年", "年份（模板中写作 {{ next_year }}）"),
    ]


def test_zero_and_unreported_figures_of_an_adopted_template_are_never_printed(tmp_path):
    home = township_home(tmp_path, "城关镇")
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home, "城关")
    home = open_home(home.root)
    slogans = next(f for f in result.figures if f.phrase == "326条")
    fill_year(home, [f for f in result.figures if f.code != slogans.code])
    draft = docx.Document(annual_draft(home, 2024, tmp_path / "d.docx", ON, template="城关"))
    paragraph = draft.paragraphs[slogans.paragraph - 1]
    assert "张贴标语××条" in paragraph.text and "326条" not in paragraph.text and highlighted(paragraph)
    [todo] = [t for _, t in comments(draft) if t.startswith("待完善事项")]
    assert f"第{slogans.paragraph}段“围绕“八五”普法规划，开展“法律进万家”活动" in todo
    assert "本年没有单位填报张贴标语" in todo and "缺2月、3月" not in todo and "缺1月、2月、4月" in todo


def test_a_typo_or_a_broken_placeholder_is_named_by_its_paragraph_never_a_traceback(tmp_path):
    home = township_home(tmp_path, "城关镇")
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home, "城关")
    doc = docx.Document(str(result.template))
    dispute = next(f for f in result.figures if f.code == "DISPUTE")
    for run in runs_of(doc.paragraphs[dispute.paragraph - 1]):
        run.text = run.text.replace("{{ f.DISPUTE }}", "{{ f.DISPUTES }}")
    doc.save(str(result.template))
    check = runner.invoke(app, ["report", "--home", str(home.root), "--template", "城关", "--check-template"],
                          terminal_width=200)
    assert check.exit_code == 2 and "Traceback" not in check.output
    assert f"第{dispute.paragraph}段“全年共排查矛盾纠纷" in check.output
    assert "DISPUTES 不在指标目录中（是否应为 DISPUTE？）" in check.output
    fill_year(open_home(home.root), result.figures)
    draft = docx.Document(annual_draft(open_home(home.root), 2024, tmp_path / "d.docx", ON, template="城关"))
    assert "成功调解【缺指标DISPUTES】" in draft.paragraphs[dispute.paragraph - 1].text
    [todo] = [t for _, t in comments(draft) if t.startswith("待完善事项")]
    assert "DISPUTES 不在指标目录中" in todo and "指标“调处矛盾纠纷”（DISPUTE）本年合计342起" in todo
    for run in runs_of(doc.paragraphs[dispute.paragraph - 1]):
        run.text = run.text.replace("{{ f.DISPUTES }}", "{{ f.DISPUTE }")
    doc.save(str(result.template))
    broken = runner.invoke(app, ["report", "--home", str(home.root), "--template", "城关", "--year", "2024"],
                           terminal_width=200)
    assert broken.exit_code == 2 and "Traceback" not in broken.output
    assert f"第{dispute.paragraph}段" in broken.output and "占位符不完整" in broken.output
    missing = runner.invoke(app, ["report", "--home", str(home.root), "--template", "没有这个"])
    assert missing.exit_code == 2 and "没有名为“没有这个”的报告模板" in missing.output and "城关" in missing.output


def test_adopt_prints_the_json_of_the_contract(tmp_path):
    home = township_home(tmp_path, "辛集乡")
    report = write_report(REPORTS["辛集乡"][0], tmp_path / "r.docx")
    done = runner.invoke(app, ["adopt", str(report), "--home", str(home.root), "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["template"] == str(home.root / "templates" / "annual_report.docx")
    first = data["figures"][0]
    assert {"code", "name", "unit", "style", "digits", "wan", "phrase", "paragraph"} <= set(first)
    assert (first["phrase"], first["style"], first["digits"], first["unit"]) == ("120余场次", "approx", 2, "场次")
    assert all({"text", "reason"} <= set(s) for s in data["skipped"]) and data["skipped"]
    table = runner.invoke(app, ["adopt", str(report), "--home", str(home.root), "--name", "总结"], terminal_width=200)
    assert table.exit_code == 0 and "化解矛盾纠纷" in table.output and "序号" in table.output


@pytest.mark.parametrize("name, content, says", [
    ("报告.pdf", b"%PDF-1.4 ...", "从 PDF 复制出来的文字会把数字和量词拆开"),
    ("报告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "“另存为” .docx"),
    ("报告.docx", b"not a zip at all", "不是 .docx 文档"),
    ("没有数字.txt", "关于工作的报告\n\n我们做了很多工作，取得了显著成效。".encode(), "没有找到活动数字"),
    ("不存在.docx", None, "找不到报告文件"),
])
def test_a_report_adopt_cannot_use_is_refused_in_chinese(tmp_path, name, content, says):
    home = township_home(tmp_path, "城关镇")
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    done = runner.invoke(app, ["adopt", str(path), "--home", str(home.root)], terminal_width=200)
    assert done.exit_code == 2 and says in done.output and "Traceback" not in done.output
    assert not (home.root / "templates" / "annual_report.docx").exists()


def test_a_bad_template_name_is_refused(tmp_path):
    home = township_home(tmp_path, "城关镇")
    report = write_report(REPORTS["城关镇"][0], tmp_path / "r.docx")
    done = runner.invoke(app, ["adopt", str(report), "--home", str(home.root), "--name", "../x"])
    assert done.exit_code == 2 and "不能用作文件名" in done.output


def test_the_demo_ships_the_shared_reference_report_unchanged():
    from tasks.samples.demo import OWN_REPORT

    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not beside this clone")
    assert OWN_REPORT.read_text(encoding="utf-8") == REFERENCE.read_text(encoding="utf-8")


def test_report_says_when_the_year_is_incomplete_and_fails_when_it_is_empty(tmp_path, prefect_server):
    home = township_home(tmp_path, "城关镇")
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home)
    empty = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024"], terminal_width=200)
    assert empty.exit_code == 1 and "2024年库中还没有月报表（已过报送截止日的 12 个月应有 24 份）" in empty.output
    assert "××" in "\n".join(p.text for p in docx.Document(empty.stdout.strip().splitlines()[-1]).paragraphs)
    fill_year(open_home(home.root), result.figures)
    partial = runner.invoke(app, ["report", "--home", str(home.root), "--year", "2024"], terminal_width=200)
    assert partial.exit_code == 0 and "库中只有 1 份" in partial.output


def test_a_placeholder_word_split_across_runs_by_an_edit_still_renders(tmp_path):
    """Staff retype part of a placeholder in Word: it lands in runs of its own. docxtpl joins them; the
    check finds nothing wrong, and the figure comes back."""
    from tasks.drafts.annual import checked_template

    home = township_home(tmp_path, "辛集乡")
    result = adopt(write_report(REPORTS["辛集乡"][0], tmp_path / "r.docx"), home)
    figure = next(f for f in result.figures if f.phrase == "380余人次")
    doc = docx.Document(str(result.template))
    paragraph = doc.paragraphs[figure.paragraph - 1]
    placeholder = f"{{{{ f.{figure.code} }}}}"
    [run] = [r for r in runs_of(paragraph) if placeholder in r.text]
    before, after = run.text.split(placeholder)
    run.text = before + "{{ f."
    tail = paragraph.add_run(figure.code[3:] + " }}" + after)
    middle = paragraph.add_run(figure.code[:3])
    middle.bold = True
    run._r.addnext(middle._r)
    middle._r.addnext(tail._r)
    doc.save(str(result.template))
    home = open_home(home.root)
    assert not checked_template(home)[1].problems
    fill_year(home, result.figures)
    draft = docx.Document(annual_draft(home, 2024, tmp_path / "d.docx", ON))
    assert draft.paragraphs[figure.paragraph - 1].text == texts(REPORTS["辛集乡"][0])[figure.paragraph - 1]


def test_a_report_of_another_township_than_the_registry_says_is_flagged(home, tmp_path):
    """The sample registry names 下汤镇; 城关镇's report keeps its own name and the operator is told."""
    result = adopt(write_report(REPORTS["城关镇"][0], tmp_path / "r.docx"), home)
    [warning] = result.warnings
    assert "没有出现 units.yaml 登记的乡镇名称“下汤镇”（报告署名为“城关镇”）" in warning
    assert "{{ township }}" not in "\n".join(p.text for p in docx.Document(str(result.template)).paragraphs)
