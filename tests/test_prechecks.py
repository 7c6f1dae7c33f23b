"""Each pre-check of tasks/returns/guard.py refuses its own hostile sample in its own words (issue 12).

A reader that crashes on a hostile file yields the same finding code (E_UNREADABLE) as a pre-check that
refused it, so asserting the code alone cannot tell a working pre-check from a missing one. These tests
assert the pre-check's own detail — the figure it measured, the part it names — on every path a file
takes: the pre-check alone, the ingest (judged in its limited reading child), and `township check
--json` as a clerk runs it. Switching any one pre-check off makes some of them fail:
`python tests/tools/mutate_prechecks.py` shows which.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.returns.guard import precheck, too_large
from tasks.returns.sniff import sniff
from tests import files as f
from tests import hostile as h
from tests.helpers import NOW, VILLAGE, make_home

EXTENT = r"表格范围异常（16384 列 × 1048576 行）"  # measured from the cells, whatever the dimension says
SHEET_DTD = r"含有不允许的 XML 声明（xl/worksheets/sheet1.xml）"

# (pre-check: sample, how to build it, the words only that pre-check produces)
CASES = [
    ("size: sparse 8 GB", None, "文件过大（8192.0 MB，上限 20 MB）"),
    ("parts: 10,001 more in the zip", h.too_many_parts, "压缩包内文件过多（100"),  # 10,0xx: the template's parts too
    ("inflated: 112 MB at ~15×", h.inflates_past_limit, "解压后过大（112 MB）"),
    ("ratio: 60 MB sheet bomb", lambda home: h.zip_bomb(60), "压缩比异常（xl/worksheets/sheet1.xml："),
    ("dtd: entity in the workbook part", h.entity_in_workbook, "含有不允许的 XML 声明（xl/workbook.xml）"),
    ("sheet dtd: entity expansion", h.entity_expansion, SHEET_DTD),
    ("sheet dtd: external entity", h.external_entity, SHEET_DTD),
    ("sheet dtd: behind a 5 KB comment", h.padded_entity_expansion, SHEET_DTD),  # accepted, the cell blank, before
    ("extent: far cell", lambda home: h.far_cell(), EXTENT),
    ("extent: far cell, lying dimension", lambda home: h.far_cell_lying_dimension(), EXTENT),
    ("structure: damaged part, bad CRC", h.damaged_member, "压缩结构损坏（BadZipFile）"),
    ("structure: damaged part, bad deflate", lambda home: h.damaged_member(home, inflatable=False),
     "压缩结构损坏（数据无法解压）"),
]
IDS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory):
    """One home for the module's `township check` runs: they only read it."""
    return make_home(tmp_path_factory.mktemp("prechecks") / "home")


def _drop(home, folder, name, build):
    """The sample at folder/name (the oversized one sparse, written without its bytes)."""
    path = folder / name
    if build is None:
        return h.oversized(path)
    path.write_bytes(build(home))
    return path


@pytest.mark.parametrize(("name", "build", "words"), CASES, ids=IDS)
def test_the_precheck_alone_refuses_in_its_own_words(home, tmp_path, name, build, words):
    """The pre-check by itself, in this process (no reader is called, so none can crash here): its detail,
    and it answers well within the read timeout — it never needs the reading child's alarm."""
    limits = home.settings.limits
    path = _drop(home, tmp_path, "sample.xlsx", build)
    started = time.monotonic()
    if build is None:
        problem = too_large(path.stat().st_size, limits)
    else:
        data = path.read_bytes()
        problem = precheck(data, sniff(data).kind, limits).problem
    took = time.monotonic() - started
    assert problem is not None and problem.startswith(words), (name, problem)
    assert took < limits.read_timeout_s, (name, took)


@pytest.mark.parametrize(("name", "build", "words"), CASES, ids=IDS)
def test_the_ingest_refuses_it_by_its_precheck_and_goes_on(home, name, build, words):
    """Judged in the ingest's limited reading child: refused with the pre-check's detail (not a crashed
    reader's), a receipt written, the good file beside it accepted; no longer than a read timeout more
    than a batch of the good file alone (twice that: the machine is shared and its load varies)."""
    inbox = home.unit_inbox(VILLAGE)
    reconcile_home(home)
    later = time.time() + 120  # as if the files had arrived two minutes ago
    (inbox / "good-04.xlsx").write_bytes(f.edited(home, {}, period="2024-04"))
    started = time.monotonic()
    [alone] = ingest_batch(home, list(find_new(home, NOW, wall=later).ready), NOW, wall=later)
    good_took = time.monotonic() - started  # the pool is warm from here on, as in a serve's later runs
    assert alone.status == "accepted"

    _drop(home, inbox, "hostile.xlsx", build)
    (inbox / "good-05.xlsx").write_bytes(f.edited(home, {}, period="2024-05"))
    started = time.monotonic()
    outcomes = ingest_batch(home, list(find_new(home, NOW, wall=later).ready), NOW, wall=later)
    took = time.monotonic() - started
    by_name = {o.name: o for o in outcomes}
    hostile, good = by_name["hostile.xlsx"], by_name["good-05.xlsx"]
    assert hostile.status == "rejected", (name, hostile.findings)
    assert [x.code for x in hostile.findings] == ["E_UNREADABLE"], (name, hostile.findings)
    assert f"文件异常，无法读取（{words}" in hostile.findings[0].message, (name, hostile.findings)
    assert (home.root / hostile.receipt).exists()
    assert good.status == "accepted"  # the run went on
    assert took < 2 * good_took + home.settings.limits.read_timeout_s, (name, took, good_took)


def _check(home, path) -> tuple[subprocess.CompletedProcess, float]:
    """`township check FILE --json` as a clerk runs it: a process of its own."""
    cmd = [sys.executable, "-m", "flows.cli", "check", str(path), "--unit", VILLAGE, "--home", str(home.root),
           "--json"]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})
    return proc, time.monotonic() - started


@pytest.fixture(scope="module")
def good_check_s(shared_home, tmp_path_factory):
    """What `township check` of a good file costs on this machine now: the baseline for the bound."""
    path = tmp_path_factory.mktemp("good") / "good.xlsx"
    path.write_bytes(f.edited(shared_home, {}))
    proc, took = _check(shared_home, path)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return took


@pytest.mark.parametrize(("name", "build", "words"), CASES, ids=IDS)
def test_check_refuses_it_by_its_precheck(shared_home, good_check_s, tmp_path, name, build, words):
    """The clerk's dry run: exit 1, JSON naming the place and the pre-check's detail, no traceback; no
    longer than a read timeout more than checking a good file (twice that: the load varies)."""
    path = _drop(shared_home, tmp_path, "hostile.xlsx", build)
    proc, took = _check(shared_home, path)
    err = proc.stderr.decode()
    assert proc.returncode == 1, (name, proc.returncode, err[-2000:])
    assert "Traceback" not in err
    answer = json.loads(proc.stdout)
    assert answer["ok"] is False and answer["unit"] == VILLAGE
    [found] = answer["findings"]
    assert found["code"] == "E_UNREADABLE" and found["place"] == "文件" and found["level"] == "error", found
    assert found["message"].startswith(f"文件异常，无法读取（{words}"), (name, found)
    assert took < 2 * good_check_s + shared_home.settings.limits.read_timeout_s, (name, took, good_check_s)
