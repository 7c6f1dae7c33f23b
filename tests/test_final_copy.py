"""The final copy (定稿) read back with python-docx: the draft's or the staff's wording, and nothing meant
for reviewers — no comment, tracked change, highlight or 草稿 mark — dated the day of signing; and the
figures it states checked against later data."""
from __future__ import annotations

import datetime as dt

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tasks.drafts.statements import Statement
from tasks.signoff.figures import drifts, in_final, phrase_in
from tasks.signoff.final_copy import full_text, make_final
from tests.docx_helpers import comments
from tests.signoff_helpers import comment_marks, comment_parts, edited_copy, has_highlight, header_texts

SIGNED = dt.date(2024, 12, 28)


def _final(source, tmp_path, name="final.docx"):
    doc = docx.Document(str(source))
    cleaned = make_final(doc, SIGNED, "下汤镇关于2024年法治政府建设情况的报告")
    out = tmp_path / name
    doc.save(str(out))
    return cleaned, out, docx.Document(str(out))


def test_the_draft_loses_comments_highlights_and_its_mark_and_keeps_its_words(demo_draft, tmp_path):
    draft = docx.Document(str(demo_draft))
    assert comments(draft) and has_highlight(draft) and "草稿" in header_texts(draft)  # there to remove
    cleaned, out, final = _final(demo_draft, tmp_path)
    assert cleaned.comments == len(comments(draft)) and cleaned.highlights > 0 and cleaned.marks >= 2
    assert not comment_parts(out) and not comment_marks(final) and not has_highlight(final)
    assert "草稿" not in "".join(header_texts(final)) and "待完善事项" not in full_text(final)
    before = [p.text for p in draft.paragraphs]
    after = [p.text for p in final.paragraphs]
    assert "2024年12月20日" in before and "2024年12月28日" in after and "2024年12月20日" not in after
    assert [t for t in before if t != "2024年12月20日"] == [t for t in after if t != "2024年12月28日"]
    assert final.core_properties.title == "下汤镇关于2024年法治政府建设情况的报告"
    footers = [[p.text for p in d.sections[0].footer.paragraphs] for d in (draft, final)]
    assert footers[0] == footers[1]   # the page numbers stay


def test_the_staff_wording_is_kept_and_their_tracked_changes_accepted(demo_draft, tmp_path):
    edited = edited_copy(demo_draft, tmp_path / "审定" / "修改稿.docx", "本镇新设调解室三处。")
    doc = docx.Document(str(edited))
    paragraph = next(p for p in doc.paragraphs if "普法宣传" in p.text)
    first = paragraph.runs[0]
    removed = first.text
    _track(paragraph, inserted="（经核实）", deleted=first)
    doc.save(str(edited))
    cleaned, _, final = _final(edited, tmp_path)
    text = full_text(final)
    assert "本镇新设调解室三处。" in text and "（经核实）" in text and cleaned.revisions == 2
    assert not comment_marks(final) and not any(True for _ in final.element.body.iter(qn("w:del")))
    assert removed and removed not in next(p.text for p in final.paragraphs if "（经核实）" in p.text)


def _track(paragraph, inserted: str, deleted) -> None:
    """Word's 修订 mode: an insertion (w:ins) at the paragraph's end, and its first run deleted (w:del)."""
    ins = OxmlElement("w:ins")
    for attr, value in (("w:id", "901"), ("w:author", "办公室"), ("w:date", "2024-12-26T09:00:00Z")):
        ins.set(qn(attr), value)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = inserted
    run.append(text)
    ins.append(run)
    paragraph._p.append(ins)
    dele = OxmlElement("w:del")
    for attr, value in (("w:id", "902"), ("w:author", "办公室"), ("w:date", "2024-12-26T09:00:00Z")):
        dele.set(qn(attr), value)
    old = deleted._r
    old.addprevious(dele)
    dele.append(old)
    for t in old.iter(qn("w:t")):
        t.tag = qn("w:delText")


def test_a_figure_is_found_only_as_a_figure_of_its_own():
    assert phrase_in("调处各类矛盾纠纷70余起，", "70余起")
    assert not phrase_in("调处各类矛盾纠纷170余起，", "70余起") and not phrase_in("防溺亡现场会11场", "1场")
    figures = {"DISPUTE": {"stated": "70余起", "total": 73}, "LEAFLET": {"stated": "7000余份", "total": 7260}}
    marked = in_final(figures, "调处各类矛盾纠纷70余起。")
    assert (marked["DISPUTE"]["in_final"], marked["LEAFLET"]["in_final"]) == (True, False)


def test_late_data_that_changes_a_stated_phrase_is_a_drift():
    signed = {"DISPUTE": {"name": "调处矛盾纠纷", "stated": "70余起", "total": 73, "in_final": True},
              "TRAINING": {"name": "法律专题培训", "stated": "12次", "total": 12, "in_final": True},
              "LEAFLET": {"name": "宣传彩页发放", "stated": "7000余份", "total": 7260, "in_final": False},
              "LAW_BOOK": {"name": "法治书籍发放", "stated": "4000余本", "total": 4150, "in_final": True}}

    def now(dispute: tuple[str, int], training: tuple[str, int], law_book: tuple[str, int]) -> dict:
        return {"DISPUTE": Statement("DISPUTE", "调处矛盾纠纷", *dispute, ""),
                "TRAINING": Statement("TRAINING", "法律专题培训", *training, ""),
                "LEAFLET": Statement("LEAFLET", "宣传彩页发放", "9000余份", 9999, ""),
                "LAW_BOOK": Statement("LAW_BOOK", "法治书籍发放", *law_book, "",
                                      empty="" if law_book[1] else "均为0")}
    # 76 is still 70余起; LEAFLET's figure is not in the final text
    assert drifts(signed, now(("70余起", 76), ("12次", 12), ("4000余本", 4150))) == []
    moved = drifts(signed, now(("80余起", 81), ("13次", 13), ("××本", 0)))
    assert {d.code: (d.stated, d.signed_total, d.total_now, d.stated_now) for d in moved} == {
        "DISPUTE": ("70余起", 73, 81, "80余起"), "TRAINING": ("12次", 12, 13, "13次"),
        "LAW_BOOK": ("4000余本", 4150, 0, "无数据")}


def test_the_uis_form_reads_only_outbox_review(tmp_path):
    """A name typed into the Prefect UI's form is looked up in outbox/审定/ only; the command line may
    name any path of the operator's."""
    from tasks.signoff.decision import Decision, DecisionProblem, check_decision
    from templates import ANNUAL_REPORT

    outbox = tmp_path / "outbox"
    elsewhere = edited_copy(ANNUAL_REPORT, tmp_path / "elsewhere.docx", "x")
    inside = edited_copy(elsewhere, outbox / "审定" / "修改稿.docx", "y")
    assert check_decision("通过", "李书记", "", "修改稿.docx", outbox) == Decision(True, "李书记", "", inside.resolve())
    for name in (str(elsewhere), "../../elsewhere.docx"):
        refused = check_decision("通过", "李书记", "", name, outbox)
        assert isinstance(refused, DecisionProblem) and "只填文件名" in refused.message, name
    assert check_decision("通过", "李书记", "", str(elsewhere), outbox, cwd=tmp_path).edited == elsewhere.resolve()
