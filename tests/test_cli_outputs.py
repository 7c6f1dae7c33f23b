"""`township summary` and `township report --pdf` as an operator runs them (real Prefect flow runs)."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tasks.delivery.pdf import find_soffice
from tests.helpers import drop

runner = CliRunner()


@pytest.fixture
def reported(home, prefect_server):
    drop(home, values={"DISPUTE": 3})
    assert runner.invoke(app, ["ingest", "--home", str(home.root)]).exit_code == 0
    return home


def test_summary_prints_the_notice_then_the_workbook(reported):
    result = runner.invoke(app, ["summary", "--home", str(reported.root), "--period", "2024-03"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "【催报提醒】下汤镇法治建设工作月报表"
    book = Path(lines[-1])
    assert book.suffix == ".xlsx" and book.exists() and book.parent == reported.outbox
    assert any(p.suffix == ".txt" for p in reported.outbox.iterdir())


def test_summary_refuses_a_period_it_cannot_read(home):
    result = runner.invoke(app, ["summary", "--home", str(home.root), "--period", "2024-13"])
    assert result.exit_code == 2 and "无法识别" in result.output


def test_report_pdf_says_clearly_when_libreoffice_is_absent(reported, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH holding no soffice, as on a bare machine
    result = runner.invoke(app, ["report", "--home", str(reported.root), "--year", "2024", "--pdf"])
    assert result.exit_code == 1
    assert "未找到 LibreOffice" in result.output
    assert Path(result.stdout.strip().splitlines()[0]).exists()


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_report_pdf_prints_both_paths(reported):
    result = runner.invoke(app, ["report", "--home", str(reported.root), "--year", "2024", "--pdf"])
    assert result.exit_code == 0, result.output
    docx_path, pdf_path = (Path(p) for p in result.stdout.strip().splitlines())
    assert docx_path.suffix == ".docx" and pdf_path == docx_path.with_suffix(".pdf") and pdf_path.exists()
