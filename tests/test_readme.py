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
             "flows/annual_report.py", "tasks/drafts/annual.py", "tasks/ledger/aggregate.py",
             "tasks/drafts/statements.py", "tasks/drafts/wording.py", "tasks/drafts/render.py",
             "tasks/drafts/provenance.py"]
    positions = [named.index(m) for m in chain]
    assert positions == sorted(positions), list(zip(chain, positions))


def test_the_own_report_section_works_as_written(demo_ledger, prefect_server, tmp_path, monkeypatch):
    """用自己的报告: the commands shown on the reference report, run as written in a copy of the demo home
    (`make demo` builds the same home through Prefect), reproduce the report's eleven figures."""
    import shutil

    import docx

    section = README.split("## 用自己的报告", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)[1]
    commands = [line.split("#")[0].split() for line in shown.splitlines() if line.startswith("township ")]
    assert [c[1] for c in commands] == ["adopt", "template", "report"]
    shutil.copytree(demo_ledger.root, tmp_path / "demo-home")
    monkeypatch.chdir(tmp_path)
    outputs = []
    for command in commands:
        done = CliRunner().invoke(app, command[1:], terminal_width=200)
        assert done.exit_code == 0, (command, done.output)
        outputs.append(done.output)
    draft = docx.Document(outputs[-1].strip().splitlines()[-1])
    text = "\n".join(p.text for p in draft.paragraphs)
    for phrase in ("组织开展法律专题培训12次", "调处各类矛盾纠纷70余起", "无偿法律援助20余人次", "防溺亡现场会1场",
                   "警示标识牌200余处", "普法宣传活动100余次", "普法宣传版面128块", "宣传彩页7000余份",
                   "法治书籍4000余本", "宣传册600余份", "规范性文件整理3件"):
        assert phrase in text, phrase
    assert "已有" in outputs[0] and "新增" not in outputs[0]
