"""What is signed is what was drafted (issue 22, item 3): a draft altered in outbox/, a 修改稿 stating
other figures than the ledger's, a blank in a table or a header, a .docx declaring a DTD, and a final
copy altered after signing — each with real files, the real ledger, `township signoff` as the operator
runs it, and a real SMTP server on loopback."""
from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from typer.testing import CliRunner

from flows.cli import app
from tasks.ledger.migrate import open_ledger
from tasks.signoff.year_state import year_reports
from tests.signoff_helpers import (
    attachments,
    configure_mail,
    correct,
    drafted,
    edited_copy,
    ingest_now,
    ledger,
    smtp_server,
)

runner = CliRunner()
@pytest.fixture
def drafted_home(tmp_path):
    return drafted(tmp_path / "home")


def signoff(home, *extra: str):
    return runner.invoke(app, ["signoff", "--home", str(home.root), "--year", "2024", "--by", "李书记", "--accept-open", *extra],
                         terminal_width=300)


def no_final(home) -> bool:
    return not [p for p in home.outbox.iterdir() if "定稿" in p.name]


def refused(result, *said: str) -> None:
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for words in said:
        assert words in result.output, (words, result.output)


def in_review(home, doc, name: str = "修改稿.docx") -> Path:
    path = home.outbox / "审定" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def replace_run(doc, old: str, new: str) -> None:
    """What staff do in Word: type over a figure (the draft keeps each figure in a run of its own)."""
    [run] = [r for p in doc.paragraphs for r in p.runs if r.text == old]
    run.text = new


def test_a_draft_altered_in_the_outbox_is_not_signed(drafted_home):
    home, draft = drafted_home
    doc = docx.Document(str(draft))
    replace_run(doc, "70余起", "90余起")   # edited in place, in outbox/, after rendering
    doc.save(str(draft))
    done = signoff(home)
    refused(done, f"草稿“{draft.name}”在生成后被改动过", "--file")
    assert ledger(home).state == "draft" and no_final(home)


def test_a_changed_figure_is_listed_then_signed_when_confirmed_and_stays_in_the_drift_check(drafted_home):
    home, draft = drafted_home
    doc = docx.Document(str(draft))
    replace_run(doc, "70余起", "75起")
    replace_run(doc, "7000余份", "")     # a clause deleted states nothing against the ledger: not listed
    for run in next(p for p in doc.paragraphs if "发放宣传彩页" in p.text).runs:
        run.text = run.text.replace("，发放宣传彩页", "")
    in_review(home, doc)
    first = signoff(home, "--file", "修改稿.docx")
    refused(first, "有1个数字与台账不同", "调处矛盾纠纷：草稿“70余起”（台账合计73），修改稿“75起”（第", "--confirm-figures")
    assert ledger(home).state == "draft" and no_final(home)

    done = signoff(home, "--file", "修改稿.docx", "--confirm-figures")
    assert done.exit_code == 0, done.output
    v = ledger(home)
    assert v.state == "signed" and v.figures["DISPUTE"] == {
        "name": "调处矛盾纠纷", "unit": "起", "total": 73, "stated": "75起", "drafted": "70余起", "confirmed": True,
        "in_final": True}
    assert v.figures["TRAINING"]["in_final"] and v.figures["TRAINING"]["stated"] == "12次"
    assert v.figures["LEAFLET"]["in_final"] is False
    with open_ledger(home.database_url) as engine:
        assert year_reports(engine, home, 2024)[0].drifts == []       # as confirmed: no alarm yet
    correct(home, {"DISPUTE": 76})      # a later correction: the ledger now says 76 (“70余起”)
    ingest_now(home)
    with open_ledger(home.database_url) as engine:
        [drift] = year_reports(engine, home, 2024)[0].drifts
    assert drift.as_json() == {"code": "DISPUTE", "name": "调处矛盾纠纷", "stated": "75起", "signed_total": 73,
                               "total_now": 76, "stated_now": "70余起", "confirmed_against": "70余起"}
    assert "签发时确认" in drift.message()


def test_a_figure_in_a_paragraph_rewritten_past_recognition_is_still_read(drafted_home):
    """Staff rewrite the whole paragraph on training and disputes; the clause “法律专题培训15次” is
    found by the words around the figure and listed (a table heading with the same words is not it)."""
    home, draft = drafted_home
    doc = docx.Document(str(draft))
    para = next(p for p in doc.paragraphs if "矛盾纠纷70余起" in p.text)
    for run in para.runs[1:]:
        run.text = ""
    para.runs[0].text = "本年度全镇组织开展法律专题培训15次，化解了一批矛盾。"
    in_review(home, doc)
    done = signoff(home, "--file", "修改稿.docx")
    refused(done, "有1个数字与台账不同", "法律专题培训：草稿“12次”（台账合计12），修改稿“15次”（第")
    assert ledger(home).state == "draft" and no_final(home)


def _into_text(doc, element) -> None:
    """Into the report's text (after its title), not after the signature: the appendices there are not
    signed (the final copy drops them), so a blank there is not the signer's."""
    doc.paragraphs[0]._p.addnext(element)


def _blank_in_a_table(doc) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.cell(1, 1).text = "××起"
    _into_text(doc, table._tbl)


def _blank_in_a_nested_table(doc) -> None:
    outer = doc.add_table(rows=1, cols=1)
    inner = outer.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 1).text = "培训【缺指标TRAINING_X】"
    _into_text(doc, outer._tbl)


def _blank_in_a_text_box(doc) -> None:
    """A text box as Word 2003 and WPS store one (VML), in a paragraph of its own."""
    from docx.oxml import parse_xml

    w, v = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "urn:schemas-microsoft-com:vml")
    p = doc.add_paragraph("附注：")._p
    p.append(parse_xml(
        f'<w:r xmlns:w="{w}" xmlns:v="{v}"><w:pict><v:shape style="width:200pt;height:40pt"><v:textbox>'
        '<w:txbxContent><w:p><w:r><w:t>调解××起</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    _into_text(doc, p)


def _blank_in_a_header(doc) -> None:
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    header.add_paragraph("下汤镇2024年××工作")


def _blank_in_a_footer(doc) -> None:
    doc.sections[-1].footer.add_paragraph("【未知占位符foo】")


def _blank_in_a_footnote(doc) -> None:
    """A footnotes part as Word writes one (python-docx has no API for footnotes)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
           '<w:footnote w:id="1"><w:p><w:r><w:t>数据来源：××</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode(), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


@pytest.mark.parametrize("put, place", [
    (_blank_in_a_table, "表1第2行第2列"), (_blank_in_a_nested_table, "表1第1行第1列"),
    (_blank_in_a_text_box, "段的文本框“调解××起”"), (_blank_in_a_header, "页眉"), (_blank_in_a_footer, "页脚"),
    (_blank_in_a_footnote, "脚注")])
def test_a_blank_anywhere_in_the_document_is_not_signed(drafted_home, put, place):
    home, draft = drafted_home
    doc = docx.Document(str(draft))
    put(doc)
    in_review(home, doc)
    done = signoff(home, "--file", "修改稿.docx")
    refused(done, "未填的数字或占位符", place)
    assert ledger(home).state == "draft" and no_final(home)


def with_dtd(source: Path, dest: Path, part: str) -> Path:
    """The same .docx, `part` declaring an entity its text then uses (as an attacker's file would)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                head, _, rest = data.partition(b"?>")
                data = head + b'?><!DOCTYPE x [<!ENTITY town "\xe4\xb8\x8b\xe6\xb1\xa4">]>' + rest
            zout.writestr(info, data)
    return dest


@pytest.mark.parametrize("part", ["word/document.xml", "word/header1.xml", "word/_rels/document.xml.rels"])
def test_a_docx_declaring_a_dtd_is_not_signed(drafted_home, part):
    home, draft = drafted_home
    edited = edited_copy(draft, home.root / "work" / "修改稿.docx", "本镇新设调解室三处。")
    with_dtd(edited, home.outbox / "审定" / "带声明.docx", part)
    done = signoff(home, "--file", "带声明.docx")
    refused(done, "修改稿“带声明.docx”不能读取：含有不允许的 XML 声明", part)
    assert ledger(home).state == "draft" and no_final(home)


def _tamper_docx(final: Path) -> None:
    doc = docx.Document(str(final))
    para = next(p for p in doc.paragraphs if "矛盾纠纷" in p.text)
    para.runs[-1].text += "（另有一起）"
    doc.save(str(final))


def _tamper_pdf(final: Path) -> None:
    pdf = final.with_suffix(".pdf")
    pdf.write_bytes(pdf.read_bytes() + b"%tampered\n")


@pytest.mark.parametrize("tamper", [_tamper_docx, _tamper_pdf])
def test_a_final_copy_altered_after_signing_is_not_mailed(drafted_home, tamper):
    home, _ = drafted_home
    if tamper is _tamper_pdf and not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed: no PDF to alter")
    with smtp_server() as (_, port):
        pass                                             # no server listens: the first mailing fails
    configure_mail(home, port)
    done = signoff(home)
    assert done.exit_code == 1 and "邮件发送失败" in done.output, done.output
    final = Path(ledger(home).final_path)
    tamper(final)
    with smtp_server() as (mailbox, live):
        toml = home.root / "township.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(f"smtp_port = {port}", f"smtp_port = {live}"),
                        encoding="utf-8")
        again = signoff(home)
        assert again.exit_code == 1 and "在签发后被改动过" in again.output, again.output
        assert "未发送邮件" in again.output and mailbox.messages == []
    assert ledger(home).delivered_at is None


def test_an_intact_final_copy_is_mailed_and_both_hashes_are_recorded(drafted_home):
    """The check lets through what was signed: byte for byte the files in outbox/."""
    home, _ = drafted_home
    with smtp_server() as (mailbox, port):
        configure_mail(home, port)
        done = signoff(home)
        assert done.exit_code == 0, done.output
        [(_, raw)] = mailbox.messages
    v = ledger(home)
    files = [Path(p) for p in (v.final_path, v.pdf_path) if p]
    assert attachments(raw) == {p.name: p.read_bytes() for p in files} and v.delivered_at is not None
    assert v.final_sha256 == hashlib.sha256(files[0].read_bytes()).hexdigest()
    if shutil.which("soffice"):
        assert v.pdf_sha256 == hashlib.sha256(Path(v.pdf_path).read_bytes()).hexdigest()
