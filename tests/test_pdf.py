"""LibreOffice converts what the project writes (where LibreOffice is installed; .ci/run installs it)."""
import re
import shutil
import subprocess

import pytest

from tasks.delivery.pdf import convert, find_soffice

SOFFICE = find_soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                                   "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")


def pdf_text(pdf, *args) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_soffice
def test_the_draft_converts_with_22_lines_on_a_full_page(demo_draft, tmp_path):
    pdf = convert(demo_draft, "pdf", SOFFICE, out=tmp_path / "draft.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    again = convert(demo_draft, "pdf", SOFFICE, out=tmp_path / "draft.pdf")
    assert again != pdf and again.exists()  # never over an existing file
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = pdf_text(pdf).replace(" ", "")  # pdftotext spaces Latin apart from Chinese
    assert "关于2024年法治政府建设情况的报告" in text and "各单位指标汇总" in text
    lines = [line for line in pdf_text(pdf, "-f", "2", "-l", "2", "-layout").splitlines() if line.strip()]
    body = [line for line in lines if line.strip() != "草稿" and not re.fullmatch(r"—\s*2\s*—", line.strip())]
    assert len(body) == 22, "\n".join(body)


@needs_soffice
def test_the_period_workbook_converts(demo_ledger, tmp_path):
    import datetime as dt

    from tasks.summaries.period import summary_files

    files = summary_files(demo_ledger, "2024", dt.date(2025, 1, 20))
    pdf = convert(files.workbook, "pdf", SOFFICE, out=tmp_path / "summary.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = pdf_text(pdf).replace(" ", "")
        assert "2024年报送情况" in text and "各月普法宣传活动" in text
