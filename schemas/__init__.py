"""Declared contracts as data (YAML/TOML) and the small typed models that load them."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def default_file(name: str) -> Path:
    """Path of a contract file shipped with the package (indicators.yaml, findings.yaml, …)."""
    return PACKAGE_DIR / name
