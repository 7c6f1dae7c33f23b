"""`township adopt` and the reading of a 修改稿 are bounded (issue 22, item 5): the catalog is matched by
key, so the work per figure does not grow with the indicators made before it; a hostile .docx is refused
before (or while) a limited child reads it, with exit 2 and the reason in Chinese."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

import tasks.adoption.same as naming
from flows.bench.adopt import many_figures_report
from tasks.adoption.adopt import read_paragraph
from tasks.adoption.rewrite import text_of
from tasks.adoption.working import Working
from tests.helpers import make_home
from tests.oversized_docx import HOSTILE, large_report


def test_matching_a_figure_does_not_search_every_indicator_made_before_it(tmp_path, monkeypatch):
    """Every indicator's keys (its name's and aliases') were computed again for every later figure:
    ~500,000 times for 1,000 figures. Now a few times an indicator, whatever the figures' number."""
    home = make_home(tmp_path / "home")
    calls = []
    real = naming.keys_of
    monkeypatch.setattr(naming, "keys_of", lambda name: calls.append(name) or real(name))
    doc = docx.Document(str(many_figures_report(1000, tmp_path / "report.docx")))
    work = Working(home.catalog.indicators, home.catalog.derived, home.settings.wording)
    figures, skips = [], []
    for number, paragraph in enumerate(doc.paragraphs, start=1):
        found, _ = read_paragraph(text_of(paragraph), number, 2024, work, skips)
        figures += found
    assert len(figures) == 1000 and sum(f.new for f in figures) == 1000
    entries = len(home.catalog.indicators) + len(home.catalog.derived)
    assert len(calls) <= 4 * (len(figures) + entries), len(calls)


# Runs a command and prints its exit code, its output and the peak RSS of the largest process under it
# (the CLI or the child it reads in): RUSAGE_CHILDREN of a process that ran nothing else.
MEASURED = """
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
print(json.dumps({"code": done.returncode, "out": done.stdout + done.stderr,
                  "seconds": time.monotonic() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
TOWNSHIP = str(Path(sys.executable).with_name("township"))
FEW_SECONDS = 20   # the CLI's own start is ~1.5 s here; refusing takes well under one more
BOUNDED_MB = 400   # what the largest process may reach (a fine adopt of 4,000 figures: ~120 MB)


def measured(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURED, TOWNSHIP, *args], capture_output=True, text=True,
                          timeout=360)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def refused_with(result: dict, reason: str) -> None:
    out = re.sub(r"\s+", "", result["out"])
    assert result["code"] == 2, result
    assert re.sub(r"\s+", "", reason) in out and "Traceback" not in out and "内部错误" not in out, result["out"]
    assert result["seconds"] < FEW_SECONDS and result["peak_mb"] < BOUNDED_MB, result


def set_limits(home, **limits) -> None:
    toml = home.root / "township.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in limits.items():
        text, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if not found:  # a home made before the key was written by `township init`
            text = text.replace("[limits]", f"[limits]\n{key} = {value}", 1)
    toml.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_adopt_refuses_a_hostile_docx_with_its_reason(tmp_path, kind):
    home = make_home(tmp_path / "home")
    catalog_path = home.root / "indicators.yaml"
    catalog = catalog_path.read_bytes() if catalog_path.exists() else None
    build, reason = HOSTILE[kind]
    refused_with(measured("adopt", str(build(tmp_path)), "--home", str(home.root)), reason)
    assert not (home.root / "templates" / "annual_report.docx").exists()
    assert (catalog_path.read_bytes() if catalog_path.exists() else None) == catalog


@pytest.mark.parametrize(("limits", "reason"), [({"report_memory_mb": 30}, "内存超限（超过 30 MB）"),
                                                ({"report_timeout_s": 1}, "读取超时（超过 1 秒）")])
def test_adopt_reads_in_a_child_held_to_the_report_limits(tmp_path, limits, reason):
    """A report every pre-check passes (6 MB of distinct paragraphs, 120,000 figures) but the reading
    outgrows: the child's memory cap or its timeout ends it, not the operator's patience."""
    home = make_home(tmp_path / "home")
    set_limits(home, **limits)
    refused_with(measured("adopt", str(large_report(tmp_path)), "--home", str(home.root)), reason)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """A home whose 2024 draft waits for sign-off (rendered and recorded without Prefect)."""
    from tasks.drafts.annual import render_annual
    from tasks.signoff.versions import record_draft
    from tests.signoff_helpers import ingested_home

    home = ingested_home(tmp_path_factory.mktemp("signoff") / "home", {"DISPUTE": 73})
    now = dt.datetime(2024, 12, 26, 2, 0, tzinfo=dt.UTC)
    record_draft(home, 2024, render_annual(home, 2024, None, now.date()), now)
    return home


def still_undecided(home) -> bool:
    from tasks.ledger.migrate import open_ledger
    from tasks.ledger.reports import versions

    with open_ledger(home.database_url) as engine:
        [version] = versions(engine, 2024)
    return version.undecided and not list(home.outbox.glob("*（定稿）*"))


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_signoff_refuses_a_hostile_edited_copy_with_its_reason(drafted, tmp_path, kind):
    build, reason = HOSTILE[kind]
    edited = build(tmp_path)
    result = measured("signoff", "--home", str(drafted.root), "--year", "2024", "--by", "李书记",
                      "--file", str(edited))
    refused_with(result, f"修改稿“{edited.name}”不能读取：{reason}")
    assert still_undecided(drafted)


def test_signoff_reads_the_edited_copy_in_a_limited_child(drafted, tmp_path):
    toml = drafted.root / "township.toml"
    original = toml.read_text(encoding="utf-8")
    set_limits(drafted, report_memory_mb=30)
    try:
        edited = large_report(tmp_path)
        result = measured("signoff", "--home", str(drafted.root), "--year", "2024", "--by", "李书记", "--file",
                          str(edited))
    finally:
        toml.write_text(original, encoding="utf-8")
    refused_with(result, f"修改稿“{edited.name}”不能读取：内存超限（超过 30 MB）")
    assert still_undecided(drafted)
