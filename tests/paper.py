"""Reading printed pages back: a workbook printed to PDF by LibreOffice (as the project prints it,
`tasks/delivery/pdf.convert`) and each word's box as poppler's `pdftotext -bbox` reports it."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tasks.delivery.pdf import convert, find_soffice

SOFFICE = find_soffice()
needs_print = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                                 reason="LibreOffice and poppler-utils are not installed (.ci/system-deps all)")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def printed(xlsx: Path, out: Path) -> Path:
    assert SOFFICE is not None
    return convert(xlsx, "pdf", SOFFICE, out=out)


def words(pdf: Path) -> list[Word]:
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page, part in enumerate(xml.split("<page ")[1:], start=1):
        found += [Word(page, float(a), float(b), float(c), float(d), html.unescape(t))
                  for a, b, c, d, t in WORD.findall(part)]
    return found


def pages(pdf: Path) -> int:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.count("\f")


def first(found: list[Word], start: str) -> Word:
    return next(w for w in found if w.text.startswith(start))


def ink(pdf: Path, word: Word, dpi: int = 72) -> int:
    """Dark pixels printed inside a word's box on its page: LibreOffice writes the text of a drawing it
    clips away (a chart below a page break) on the earlier page too, where nobody sees it — pixels tell."""
    raw = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(word.page), "-l", str(word.page), str(pdf)],
                         capture_output=True, check=True).stdout
    fields = raw.split(maxsplit=4)  # P5 width height maxval pixels (pdftoppm writes no comments)
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    scale = dpi / 72
    x0, x1 = int(word.x0 * scale), min(int(word.x1 * scale) + 1, width)
    y0, y1 = int(word.y0 * scale), min(int(word.y1 * scale) + 1, height)
    return sum(1 for y in range(y0, y1) for b in pixels[y * width + x0:y * width + x1] if b < 128)
