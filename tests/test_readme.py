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


def test_every_path_in_the_readme_exists():
    """Modules, folders, schemas and templates alike; examples of a clerk's file (`inbox/<unit>/…`) aside."""
    named = set(re.findall(r"`((?:tests|tasks|flows|schemas|templates|inbox|\.ci)/[^`\s]*)`", README))
    named |= {m for p in re.findall(r"`([\w/]+/)`", README) for m in [p] if (ROOT / p.split("/")[0]).is_dir()}
    paths = {p for p in named if "<" not in p and not p.endswith((".xlsx", ".docx/"))
             and not re.match(r"inbox/\d", p)}
    assert len(paths) > 40 and all((ROOT / p).exists() for p in paths), [p for p in paths if not (ROOT / p).exists()]


def test_the_walk_from_a_cell_to_the_draft_names_each_stage_in_order():
    """The README's walk passes the steps a figure really passes, in the order it passes them."""
    walk = README.split("## How a number reaches the draft", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`((?:tasks|flows)/[\w/]+\.py)`", walk)
    chain = ["flows/ingest_returns.py", "tasks/intake/take_stock.py", "tasks/intake/pool.py", "tasks/intake/job.py",
             "tasks/intake/steps.py", "tasks/returns/judge.py", "tasks/returns/verdict.py", "tasks/returns/read.py",
             "tasks/returns/validate.py", "tasks/ledger/record.py", "tasks/intake/receipt.py",
             "flows/annual_report.py", "tasks/drafts/annual.py", "tasks/ledger/aggregate.py", "tasks/drafts/render.py",
             "tasks/drafts/wording.py", "tasks/drafts/provenance.py"]
    positions = [named.index(m) for m in chain]
    assert positions == sorted(positions), list(zip(chain, positions))
