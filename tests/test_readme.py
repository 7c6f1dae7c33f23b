"""The README's commands and paths exist: a reader who copies one gets a real command or file."""
from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_township_command_in_the_readme_exists():
    listed = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    commands = {line.split()[1] for line in listed.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    code = "\n".join(re.findall(r"```.*?```", README, re.DOTALL) + re.findall(r"`[^`\n]+`", README))
    named = set(re.findall(r"\btownship ([a-z]+)", code))
    assert named and named <= commands, named - commands


def test_every_test_and_module_path_in_the_readme_exists():
    paths = set(re.findall(r"`((?:tests|tasks|flows|schemas|templates)/[\w/.]+\.py)`", README))
    assert paths and all((ROOT / p).exists() for p in paths), [p for p in paths if not (ROOT / p).exists()]
