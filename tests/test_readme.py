"""The README's and docs/'s commands and paths exist, their quoted defaults are the code's, and the README's
walk agrees with a real trace: a reader who copies one gets a real command or file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md"))}
DOCS = "\n".join([README, *PAGES.values()])  # everything a reader is pointed to


def page(name: str) -> str:
    return PAGES[f"docs/{name}"]


def test_the_readme_is_short_and_every_link_leads_to_a_page():
    assert len(README.encode("utf-8")) <= 12 * 1024
    for where, text in [("README.md", README), *PAGES.items()]:
        for target in re.findall(r"\]\(([^)#\s]+\.md)\)", text):
            assert (ROOT / where).parent.joinpath(target).resolve().is_file(), (where, target)
    assert ". .venv/bin/activate" in README


def test_every_township_command_in_the_readme_exists():
    listed = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    commands = {line.split()[1] for line in listed.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    code = "\n".join(re.findall(r"```.*?```", DOCS, re.DOTALL) + re.findall(r"`[^`\n]+`", DOCS))
    named = set(re.findall(r"\btownship ([a-z]+)", code))
    assert named and named <= commands, named - commands


def test_every_path_in_the_readme_exists():
    """Modules, folders, schemas and templates alike; examples of a clerk's file (`inbox/<unit>/…`) aside."""
    named = set(re.findall(r"`((?:tests|tasks|flows|schemas|templates|inbox|docs|\.ci)/[^`\s]*)`", DOCS))
    named |= {m for p in re.findall(r"`([\w/]+/)`", DOCS) for m in [p] if (ROOT / p.split("/")[0]).is_dir()}
    paths = {p for p in named if "<" not in p and not p.endswith((".xlsx", ".docx/"))
             and not re.match(r"inbox/\d", p)}
    assert len(paths) > 40 and all((ROOT / p).exists() for p in paths), [p for p in paths if not (ROOT / p).exists()]


@pytest.mark.slow  # ~60 s: one return through both flows, every call of its processes profiled
def test_every_stop_of_the_walk_is_on_a_traced_run_in_its_order(prefect_server, tmp_path):
    """The README's walk lists main stops; a real run of one return (tests/walk_trace.py, reading children
    included) enters each, in the walk's order (each stop after the one before it)."""
    import os

    from prefect.settings import PREFECT_API_URL

    from tests.walk_trace import modules_in_order, trace

    walk = README.split("## How a number reaches the draft", 1)[1].split("\n## ", 1)[0]
    stops = re.findall(r"`((?:tasks|flows)/[\w/]+\.py)`", walk)
    assert len(stops) >= 35
    rows = trace(tmp_path, {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()})
    entered = [module for _, _, module, _ in rows]  # each function's first call, per process, in time order
    assert set(stops) <= set(entered), sorted(set(stops) - set(entered))
    at = 0
    for stop in stops:  # the walk is a subsequence of the run
        assert stop in entered[at:], (stop, "entered only before", stops[stops.index(stop) - 1])
        at = entered.index(stop, at) + 1
    [about] = re.findall(r"enter\s+about (\d+) of the project's modules", walk)
    assert abs(int(about) - len(modules_in_order(rows))) <= 10, len(modules_in_order(rows))


# ---- figures and defaults the README quotes, against the code ------------------------------------
def test_the_dispatchers_run_size_is_the_one_quoted(tmp_path):
    from flows.deployments import home_deployments
    from schemas.settings import Settings

    [quoted] = re.findall(r"about `per_run` files \(`batch_size` of township.toml, default ([\d,]+)\)",
                          page("operations/scale-out.md"))
    settings = Settings()
    assert int(quoted.replace(",", "")) == settings.batch_size
    [dispatcher] = [d for d in home_deployments(tmp_path, settings, pool="p") if d.name == "dispatch-ingest"]
    assert dispatcher.parameters["per_run"] == settings.batch_size


def test_the_schedule_table_is_the_default_settings():
    from schemas.settings import Schedules

    serve = page("operations/serve.md")
    rows = dict(re.findall(r"^\| `([a-z-]+)/[a-z-]+` \| `([^`]+)` \|", serve, re.MULTILINE))
    s = Schedules()
    assert rows == {"ingest-returns": s.ingest, "period-summary": s.period_summary, "annual-report": s.annual_report}
    assert f"when ({s.timezone})" in serve


def test_the_lock_wait_and_exit_code_quoted_are_the_codes():
    import inspect

    from flows.ingest_returns import ingest_returns

    serve = page("operations/serve.md")
    [wait] = re.findall(r"a unit's lock held waits (\d+) s", serve)
    assert float(wait) == inspect.signature(ingest_returns.fn).parameters["lock_wait_seconds"].default
    assert "`township ingest` then exits 3" in serve
    assert "typer.Exit(3)" in (ROOT / "flows" / "cli" / "runs.py").read_text(encoding="utf-8")


def test_what_re_running_changes_is_what_the_readme_says(home, tmp_path):
    """'Re-running any flow changes nothing' was not true of the report: the README says what is, and a
    draft written to --out twice keeps the first one."""
    import datetime as dt

    from tasks.drafts.annual import annual_draft

    assert "Re-running any flow changes nothing" not in DOCS
    assert "each run writes a new dated file beside the older ones" in page("operations/serve.md")
    out = tmp_path / "draft.docx"
    first = annual_draft(home, 2024, out, dt.date(2024, 12, 20))
    kept = first.read_bytes()
    second = annual_draft(home, 2024, out, dt.date(2024, 12, 20))
    assert (first, second) == (out, tmp_path / "draft-2.docx") and first.read_bytes() == kept
    assert "the new draft is written beside it as `FILE-2.docx`" in page("office/signoff.md")


def test_tests_that_need_a_cjk_font_skip_without_one():
    """The docs say the tests needing optional system parts skip with the reason: every test that
    looks at the drawn chart checks for the font first."""
    assert "the tests that need\nthem skip with the reason when they are absent" in page("office/signoff.md")
    for path in (ROOT / "tests").glob("test_*.py"):
        for test in re.split(r"\n(?=def test_)", path.read_text(encoding="utf-8")):
            if "inline_shapes" in test and test.startswith("def test_"):
                assert "CjkFontMissing" in test or "needs_soffice" in test, (path.name, test.split("(")[0])


def test_the_platform_is_stated_and_said_at_start():
    import subprocess
    import sys

    assert "**Platform: Linux only**" in README and "WSL2" in README
    done = subprocess.run([sys.executable, "-c", "import sys; sys.platform = 'win32'; import flows.cli"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "只能在 Linux 上运行" in done.stderr and "WSL2" in done.stderr


def test_the_own_report_section_works_as_written(demo_ledger, prefect_server, tmp_path, monkeypatch):
    """用自己的报告: the commands shown on the reference report, run as written in a copy of the demo home
    (`make demo` builds the same home through Prefect), reproduce the report's eleven figures."""
    import shutil

    import docx

    section = page("office/own-report.md").split("## 用自己的报告", 1)[1].split("\n## ", 1)[0]
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
