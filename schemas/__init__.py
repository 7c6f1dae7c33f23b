"""Declared contracts as data (YAML/TOML) and the small typed models that load them."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def default_file(name: str) -> Path:
    """Path of a contract file shipped with the package (indicators.yaml, findings.yaml, …)."""
    return PACKAGE_DIR / name


def load_yaml(text: str):
    """YAML through libyaml when PyYAML was built with it (about ten times faster than pure Python)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
