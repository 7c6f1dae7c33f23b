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
