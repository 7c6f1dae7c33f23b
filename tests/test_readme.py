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
    chain = ["flows/ingest_returns.py", "flows/sequences/ingest.py", "tasks/intake/take_stock.py", "tasks/intake/pool.py", "tasks/intake/job.py",
             "tasks/intake/steps.py", "tasks/returns/judge.py", "tasks/returns/verdict.py", "tasks/returns/read.py",
             "tasks/returns/validate.py", "tasks/ledger/record.py", "tasks/intake/receipt.py",
             "flows/annual_report.py", "flows/sequences/annual.py", "tasks/drafts/annual.py", "tasks/ledger/aggregate.py",
             "tasks/drafts/statements.py", "tasks/drafts/wording.py", "tasks/drafts/render.py",
             "tasks/drafts/provenance.py"]
    positions = [named.index(m) for m in chain]
    assert positions == sorted(positions), list(zip(chain, positions))


# ---- figures and defaults the README quotes, against the code ------------------------------------
def test_the_dispatchers_run_size_is_the_one_quoted(tmp_path):
    from flows.deployments import home_deployments
    from schemas.settings import Settings

    [quoted] = re.findall(r"about `per_run` files \(`batch_size` of township.toml, default ([\d,]+)\)", README)
    settings = Settings()
    assert int(quoted.replace(",", "")) == settings.batch_size
    [dispatcher] = [d for d in home_deployments(tmp_path, settings, pool="p") if d.name == "dispatch-ingest"]
    assert dispatcher.parameters["per_run"] == settings.batch_size


def test_the_schedule_table_is_the_default_settings():
    from schemas.settings import Schedules

    rows = dict(re.findall(r"^\| `([a-z-]+)/[a-z-]+` \| `([^`]+)` \|", README, re.MULTILINE))
    s = Schedules()
    assert rows == {"ingest-returns": s.ingest, "period-summary": s.period_summary, "annual-report": s.annual_report}
    assert f"when ({s.timezone})" in README


def test_the_lock_wait_and_exit_code_quoted_are_the_codes():
    import inspect

    from flows.ingest_returns import ingest_returns

    [wait] = re.findall(r"a unit's lock held waits (\d+) s", README)
    assert float(wait) == inspect.signature(ingest_returns.fn).parameters["lock_wait_seconds"].default
    assert "`township ingest` then exits 3" in README
    assert "typer.Exit(3)" in (ROOT / "flows" / "cli" / "runs.py").read_text(encoding="utf-8")


def test_what_re_running_changes_is_what_the_readme_says(home, tmp_path):
    """'Re-running any flow changes nothing' was not true of the report: the README says what is, and a
    draft written to --out twice keeps the first one."""
    import datetime as dt

    from tasks.drafts.annual import annual_draft

    assert "Re-running any flow changes nothing" not in README
    assert "each run writes a new dated file beside the older ones" in README
    out = tmp_path / "draft.docx"
    first = annual_draft(home, 2024, out, dt.date(2024, 12, 20))
    kept = first.read_bytes()
    second = annual_draft(home, 2024, out, dt.date(2024, 12, 20))
    assert (first, second) == (out, tmp_path / "draft-2.docx") and first.read_bytes() == kept
    assert "the new draft is written beside it as `FILE-2.docx`" in README


def test_tests_that_need_a_cjk_font_skip_without_one():
    """The README says the tests needing optional system parts skip with the reason: every test that
    looks at the drawn chart checks for the font first."""
    assert "the tests that need\nthem skip with the reason when they are absent" in README
    for path in (ROOT / "tests").glob("test_*.py"):
        for test in re.split(r"\n(?=def test_)", path.read_text(encoding="utf-8")):
            if "inline_shapes" in test and test.startswith("def test_"):
                assert "CjkFontMissing" in test or "needs_soffice" in test, (path.name, test.split("(")[0])


def test_the_platform_is_stated_and_said_at_start():
    import subprocess
    import sys

    assert "**Platform: Linux only.**" in README and "WSL2" in README
    done = subprocess.run([sys.executable, "-c", "import sys; sys.platform = 'win32'; import flows.cli"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "只能在 Linux 上运行" in done.stderr and "WSL2" in done.stderr


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
