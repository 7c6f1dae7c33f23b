"""Document templates staff may edit in Word or WPS (placeholders, not code)."""
from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
ANNUAL_REPORT = TEMPLATES_DIR / "annual_report.docx"
