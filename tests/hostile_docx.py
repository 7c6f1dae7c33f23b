"""Hostile Word files (issue 22): Jinja where nothing may run — visible, hidden (w:vanish), split over
runs, in a table, a header, a footnote, an endnote, the document properties — and content a reader
would load from elsewhere (a linked image, an attached template, an INCLUDEPICTURE field). Built with
python-docx on real files; read back from the zip, as an attacker's file is read."""
from __future__ import annotations

import threading
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

ATTACHED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


def expression(marker: Path) -> str:
    """What a template injection looks like: a shell command reached through a Jinja global."""
    return f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"


def statement(marker: Path) -> str:
    return f"{{% for x in [lipsum.__globals__.os.popen('touch {marker}').read()] %}}{{% endfor %}}"


def hidden_run(paragraph, text: str):
    """A run Word does not show (w:vanish): the reader never sees it, Jinja would."""
    run = paragraph.add_run(text)
    run.font.hidden = True
    return run


def add_notes(doc, kind: str, text: str) -> None:
    """A footnotes or endnotes part holding one note with `text` (python-docx has no API for notes)."""
    tag, ct, rt = {"footnotes": ("footnote", CT.WML_FOOTNOTES, RT.FOOTNOTES),
                   "endnotes": ("endnote", CT.WML_ENDNOTES, RT.ENDNOTES)}[kind]
    xml = (f'<w:{kind} {nsdecls("w")}><w:{tag} w:id="1"><w:p><w:r><w:t xml:space="preserve">'
           f"{_xml_text(text)}</w:t></w:r></w:p></w:{tag}></w:{kind}>")
    part = Part(PackURI(f"/word/{kind}.xml"), ct, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, rt)


def notes_text(path: Path, kind: str) -> str:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(f"word/{kind}.xml"))
    return "".join(t.text or "" for t in root.iter(qn("w:t")))


def linked_image(paragraph, url: str) -> None:
    """A picture stored nowhere in the file: Word and LibreOffice load it from `url` (r:link)."""
    rid = paragraph.part.relate_to(url, RT.IMAGE, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:inline>'
        '<wp:extent cx="914400" cy="914400"/>'
        '<wp:docPr id="901" name="linked"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
        '<pic:cNvPr id="901" name="linked"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        f'<a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
        '<a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"))


def attached_template(doc, url: str) -> None:
    rid = doc.part._settings_part.relate_to(url, ATTACHED, is_external=True)
    el = OxmlElement("w:attachedTemplate")
    el.set(qn("r:id"), rid)
    doc.settings.element.insert(0, el)


def include_picture(paragraph, url: str) -> None:
    """{ INCLUDEPICTURE "url" \\d } as Word writes a field: begin, instruction, separate, result, end."""
    for kind, text in (("begin", None), (None, f' INCLUDEPICTURE "{url}" \\d '), ("separate", None),
                       (None, "[图]"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text.startswith(" INCLUDE"):
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def hyperlink(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>{text}</w:t>'
                                  "</w:r></w:hyperlink>"))


def remote_in(path: Path) -> list[str]:
    """Everything in the zip that loads content from elsewhere (hyperlinks are not loaded, not listed)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".rels"):
                found += [f"{name}: {rel.get('Target')}" for rel in etree.fromstring(data)
                          if rel.get("TargetMode") == "External" and rel.get("Type") != RT.HYPERLINK]
            elif name.endswith(".xml"):
                root = etree.fromstring(data)
                found += [f"{name}: attachedTemplate" for _ in root.iter(qn("w:attachedTemplate"))]
                found += [f"{name}: r:link" for el in root.iter() if el.get(qn("r:link"))]
                found += [f"{name}: {code}" for code in _field_codes(root) if "INCLUDE" in code.upper()]
    return found


def _field_codes(root) -> list[str]:
    simple = [el.get(qn("w:instr")) or "" for el in root.iter(qn("w:fldSimple"))]
    return simple + [el.text or "" for el in root.iter(qn("w:instrText"))]


def hyperlinks_in(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [rel.get("Target") for name in z.namelist() if name.endswith(".rels")
                for rel in etree.fromstring(z.read(name)) if rel.get("Type") == RT.HYPERLINK]


@contextmanager
def http_server():
    """A real HTTP server on loopback that records every request line it receives; yields (log, url)."""
    log: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def parse_request(self):
            ok = super().parse_request()
            log.append(self.requestline)
            return ok

        def do_GET(self):
            self.send_error(404)

        do_HEAD = do_OPTIONS = do_PROPFIND = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield log, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
