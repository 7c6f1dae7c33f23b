"""The annual draft read back with python-docx: the reference's text, a comment on every figure,
the appendix whose totals are the text's figures, the to-do list, year over year, the clerks' notes."""
import datetime as dt
import re
import zipfile
from pathlib import Path

import docx
import pytest

from tasks.drafts.annual import annual_draft
from tasks.drafts.chart import CjkFontMissing, find_cjk_font
from tasks.drafts.todo import highlighted
from tasks.drafts.wording import state_figure
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, prepare
from tasks.ledger.aggregate import figures_for
from tasks.ledger.engine import make_engine
from tasks.returns.periods import months_of
from templates import TEMPLATES_DIR
from tests.docx_helpers import breakdown_sum, comments, golden, main_text, unit_table
from tests.helpers import OTHER, drop
from tests.shared import REFERENCE

GOLDEN = Path(__file__).parent / "golden" / "annual_draft_2024.txt"
WORDING = [line for line in (TEMPLATES_DIR / "annual_report.txt").read_text(encoding="utf-8").splitlines()
           if not line.startswith("#")]
PLACEHOLDERS = re.findall(r"\{\{ f\.([A-Z_]+) \}\}", "\n".join(WORDING))
IN_TEXT = [c for c in PLACEHOLDERS if c != "LECTURE"]  # LECTURE is stated as a frequency: 每月一次


@pytest.fixture(scope="module")
def figures(demo_ledger):
    engine = make_engine(demo_ledger.database_url)
    yield figures_for(engine, months_of("2024"), ())
    engine.dispose()


@pytest.fixture(scope="module")
def doc(demo_draft):
    return docx.Document(demo_draft)


def test_the_default_draft_is_the_reference_word_for_word(doc):
    assert main_text(doc, "2024年12月20日") == golden(GOLDEN)


@pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/reference is not beside this clone")
def test_the_golden_text_is_the_shared_reference():
    reference = re.sub(r"\[bookmark: [^\]]*\]", "", REFERENCE.read_text(encoding="utf-8")).rstrip()
    assert golden(GOLDEN).startswith(reference + "\n\n")


def test_every_figure_in_the_text_carries_its_breakdown_and_files(doc, figures, demo_ledger):
    catalog = demo_ledger.catalog.by_code()
    noted = comments(doc)
    assert len(IN_TEXT) == 11 and len(PLACEHOLDERS) == 12
    for code in IN_TEXT:
        ind = catalog[code]
        stated = state_figure(figures.total(code), ind.style, ind.unit)
        [(anchor, text)] = [(a, t) for a, t in noted if t.startswith(f"{ind.name}：")
                            and "每月一次" not in t]
        assert anchor == stated, code
        assert f"合计{figures.total(code)}{ind.unit}" in text and f"“{stated}”" in text
        total, parts = breakdown_sum(text)
        assert total == parts == figures.total(code), code
        for source in figures.sources[code]:
            assert source.file in text
    lecture = [(a, t) for a, t in noted if a == "每月一次"]
    assert lecture and lecture[0][1].startswith("法治知识理论宣讲课：2024年合计12次")


def test_the_appendix_totals_are_the_texts_figures(doc, figures, demo_ledger):
    table = unit_table(doc)
    header = [c.text.split("\n")[0] for c in table.rows[0].cells]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    totals = rows[-1]
    assert totals[0] == "合计"
    assert [r[0] for r in rows[:-1]] == [u.name for u in demo_ledger.registry.units]
    text = main_text(doc, "2024年12月20日")
    for ind in demo_ledger.catalog.indicators:
        col = header.index(ind.name)
        assert int(totals[col]) == figures.total(ind.code) == sum(int(r[col]) for r in rows[:-1])
        if ind.code in IN_TEXT:
            assert state_figure(int(totals[col]), ind.style, ind.unit) in text


def test_the_todo_list_sits_on_the_title_and_names_every_boilerplate_paragraph(doc):
    [(anchor, todo)] = [(a, t) for a, t in comments(doc) if t.startswith("待完善事项")]
    assert anchor == "鲁山县下汤镇人民政府"
    plates = [p.text for p in doc.paragraphs if highlighted(p)]
    assert len(plates) == sum(line.startswith("[plate]") for line in WORDING) == 12
    for text in plates:
        assert text[:16] in todo
    assert "没有2023年的月报表" in todo  # why there is no year-over-year sentence


def test_no_marker_survives_anywhere(demo_draft):
    with zipfile.ZipFile(demo_draft) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                assert not re.search("[\ue000-\ue002]", z.read(name).decode("utf-8")), name


def test_the_clerks_notes_follow_the_signature(doc, figures):
    lines = [p.text for p in doc.paragraphs]
    after = lines[lines.index("2024年12月20日"):]
    assert "典型做法素材" in after
    for unit, period, code, note in figures.notes:
        assert any(line.startswith(note) for line in after)


def test_the_chart_follows_the_signature(doc, figures):
    """Drawn only where a CJK font exists (`.ci/system-deps` installs one); elsewhere this skips, saying why."""
    try:
        find_cjk_font()
    except CjkFontMissing as exc:
        pytest.skip(str(exc))
    lines = [p.text for p in doc.paragraphs]
    after = lines[lines.index("2024年12月20日"):]
    assert "2024年各月普法宣传活动开展情况" in after
    assert len(doc.inline_shapes) == 1
    assert f"全年合计{figures.total('PUBLICITY_EVENT')}次" in "\n".join(after)


def _ingest(home, now=dt.datetime(2025, 1, 20, 2, 0, tzinfo=dt.UTC)):
    prepare(home)
    ingest_batch(home, list(find_new(home, now).ready), now)


def test_year_over_year_when_last_year_is_stored(home, tmp_path):
    drop(home, name="2023-03.xlsx", period="2023-03", values={"DISPUTE": 10, "TRAINING": 2})
    drop(home, name="2024-03.xlsx", period="2024-03", values={"DISPUTE": 12, "TRAINING": 2},
         notes={"DISPUTE": "=1+1 {{ township }} 调解成功"})
    _ingest(home)
    path = annual_draft(home, 2024, tmp_path / "d.docx", dt.date(2024, 12, 20))
    doc = docx.Document(path)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "调处各类矛盾纠纷10余起（较上年增长20%）" in text  # 12 stated as 10余 (DESIGN §5), change exact
    assert "组织开展法律专题培训2次（与上年持平）" in text
    [(anchor, note)] = [(a, t) for a, t in comments(doc) if t.startswith("同比：2024年调处矛盾纠纷")]
    assert anchor == "（较上年增长20%）" and "2023年合计10起" in note
    assert "=1+1 {{ township }} 调解成功（3月“调处矛盾纠纷”栏）" in text  # as typed, never evaluated
    assert "下汤村" in text.split("典型做法素材")[1]


def test_an_empty_year_still_renders_and_says_what_is_missing(home, tmp_path):
    """No figure of a year without returns is printed as 0: each sentence is highlighted and listed."""
    path = annual_draft(home, 2024, tmp_path / "empty.docx", dt.date(2024, 12, 20))
    doc = docx.Document(path)
    text = "\n".join(p.text for p in doc.paragraphs)
    body = main_text(doc, "2024年12月20日")
    assert "调处各类矛盾纠纷××起" in body and "月报表的“备注”栏均未填写" in text
    assert not re.search(r"(?<![\d.])0(起|次|场|块|份|本|件|处|人次)", body), "a 0 figure was printed"
    assert "较上年" not in body
    sentence = next(p for p in doc.paragraphs if "防溺亡现场会××场" in p.text)
    lit = "".join(r.text for r in sentence.runs if r.font.highlight_color is not None)
    assert lit == "利用悬挂横幅、发放宣传单、出动宣传车等多渠道、多方式大力宣传防溺亡，今年举办防溺亡现场会××场，在河道坑塘安装警示标识牌××处。"
    [todo] = [t for _, t in comments(doc) if t.startswith("待完善事项")]
    assert "“今年举办防溺亡现场会××场" not in todo  # the item quotes the sentence from its start
    assert "本年没有单位填报防溺亡现场会。请核实或删去此句" in todo
    assert todo.count("请核实或删去此句") == 12  # every figure of the text, 每月一次 included
    assert "2024年全年没有收到这些单位的月报表：下汤镇司法所、下汤村、松垛村" in todo
    assert len(unit_table(doc).rows) == len(home.registry.units) + 2  # every registered unit has its row


def test_missing_months_and_a_thin_last_year_are_listed_not_compared(home, tmp_path):
    """One unit silent, another only in January; last year a single return: no year-over-year phrase."""
    drop(home, name="2023-03.xlsx", period="2023-03", values={"DISPUTE": 1, "TRAINING": 1})
    for month in range(1, 13):
        drop(home, name=f"2024-{month:02d}.xlsx", period=f"2024-{month:02d}", values={"DISPUTE": 3, "TRAINING": 1})
    drop(home, name="2024-01.xlsx", unit=OTHER, period="2024-01", values={"DISPUTE": 2, "TRAINING": 0})
    _ingest(home)
    doc = docx.Document(annual_draft(home, 2024, tmp_path / "d.docx", dt.date(2024, 12, 20)))
    body = main_text(doc, "2024年12月20日")
    assert "调处各类矛盾纠纷30余起，" in body and "组织开展法律专题培训12次。" in body and "较上年" not in body
    [todo] = [t for _, t in comments(doc) if t.startswith("待完善事项")]
    assert "全年没有收到这些单位的月报表：下汤镇司法所。" in todo
    assert "松垛村缺2月、3月、4月、5月、6月、7月等10个月" in todo   # December is not due on 20 December
    assert "库中2023年只有1份月报表（2024年13份），两年数据不可比，正文未作同比" in todo
    assert "指标“反电信诈骗宣传”" not in todo  # no data: nothing to state


def test_words_of_place_and_time_follow_the_home(tmp_path):
    """Another township's draft: 区委、区政府 and 街道 where the reference says 县委 and 镇; a past year's
    draft says 2024年 where the reference says 今年."""
    from schemas.registry import Registry, Township, Unit
    from tasks.home import init_home, open_home

    registry = Registry(township=Township(code="410402001", name="东城街道", county="新华区"),
                        units=(Unit(code="410402001201", name="东关社区", kind="community"),))
    root = tmp_path / "dongcheng"
    init_home(root, registry)
    doc = docx.Document(annual_draft(open_home(root), 2024, tmp_path / "d.docx", dt.date(2025, 1, 10)))
    body = main_text(doc, "2025年1月10日")
    assert "在区委、区政府的坚强领导下" in body and "依法治街道" in body and "大事不出街道" in body
    assert "县委" not in body and "全镇" not in body and "依法治镇" not in body
    assert "2024年举办防溺亡现场会" in body and "今年" not in body


def test_large_totals_are_stated_in_wan_by_default():
    from schemas import default_file
    from schemas.catalog import load_catalog
    from schemas.settings import Wording
    from tasks.drafts.wording import state_with, way_of

    dispute = load_catalog(default_file("indicators.yaml")).by_code()["DISPUTE"]
    assert state_with(300_001, way_of(dispute, Wording()), "起") == "30万余起"
    assert state_with(300_001, way_of(dispute, Wording(wan=False)), "起") == "300000余起"
