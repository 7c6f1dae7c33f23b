"""Hostile and broken files (issue 6): each is answered with a receipt within bounds, the run goes on."""
import os
import time

import pytest

from tasks.intake.isolate import Failed, Isolated
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home
from tasks.returns.validate import Context
from tasks.returns.verdict import check_bytes
from tests import files as f
from tests import hostile as h
from tests.helpers import NOW, TODAY, VILLAGE

SAMPLES = [
    ("far cell XFD1048576", lambda home: h.far_cell(), "rejected", "E_UNREADABLE"),
    ("far cell behind a lying dimension", lambda home: h.far_cell_lying_dimension(), "rejected", "E_UNREADABLE"),
    ("zip bomb", lambda home: h.zip_bomb(120), "rejected", "E_UNREADABLE"),
    ("entity expansion", h.entity_expansion, "rejected", "E_UNREADABLE"),
    ("external entity", h.external_entity, "rejected", "E_UNREADABLE"),
    ("truncated zip", f.corrupt_zip, "rejected", "E_CORRUPT"),
    ("zero-filled tail", h.zero_filled_tail, "rejected", "E_CORRUPT"),
    ("wrong dimension", f.dimension_a1, "accepted", None),
    ("styled empty cell at XFD1048576", h.styled_empty_far_cell, "accepted", None),
    ("encrypted", f.encrypted_xlsx, "rejected", "E_ENCRYPTED"),
    ("macro workbook", h.macro_workbook, "accepted", None),
    ("0-byte file", lambda home: b"", "rejected", "E_EMPTY_FILE"),
]


def test_each_hostile_class_is_answered_and_the_run_goes_on(home):
    for i, (_name, build, _, _) in enumerate(SAMPLES):
        path = home.unit_inbox(VILLAGE) / f"{i:02d}.xlsx"
        path.write_bytes(build(home))
    good = home.unit_inbox(VILLAGE) / "99-good.xlsx"
    good.write_bytes(f.edited(home, {}, period="2024-05"))
    reconcile_home(home)
    started = time.monotonic()
    later = time.time() + 120  # as if the files had arrived two minutes ago
    outcomes = ingest_batch(home, list(find_new(home, NOW, wall=later).ready), NOW, wall=later)
    elapsed = time.monotonic() - started
    by_name = {o.name: o for o in outcomes}
    for i, (name, _, status, code) in enumerate(SAMPLES):
        outcome = by_name[f"{i:02d}.xlsx"]
        assert outcome.status == status, (name, outcome.findings)
        if code:
            assert outcome.findings[0].code == code, (name, outcome.findings)
        assert (home.root / outcome.receipt).exists()
    assert by_name["99-good.xlsx"].status == "accepted"
    assert elapsed < 5 * len(SAMPLES)  # bounded: no hostile file holds the run up beyond its timeout
    assert not [p for p in home.unit_inbox(VILLAGE).iterdir() if p.is_file()]


def test_a_reader_that_aborts_or_hangs_is_refused_and_the_pool_lives_on(home):
    """Without the pre-checks, calamine aborts the process on the far cell: only that worker dies."""
    ctx = Context(VILLAGE, home.registry, home.catalog, TODAY)
    with Isolated(home.settings.limits) as pool:
        crashed, fine = pool.map(check_bytes, [(h.far_cell(), ctx), (f.edited(home, {}), ctx)])
        assert isinstance(crashed, Failed) and "异常退出" in crashed.reason
        assert fine.status == "accepted"
        [hung] = pool.map(time.sleep, [(60,)])
        assert isinstance(hung, Failed) and hung.reason == "读取超时"
        [after] = pool.map(check_bytes, [(f.edited(home, {}), ctx)])
        assert after.status == "accepted"


def test_a_truncated_zip_that_just_changed_is_left_for_later(home):
    path = home.unit_inbox(VILLAGE) / "half.xlsx"
    path.write_bytes(f.corrupt_zip(home))
    reconcile_home(home)
    ready = list(find_new(home, NOW, wall=time.time() + 1).ready)
    home_settle_0 = ingest_batch(home, ready, NOW)
    assert home_settle_0 == [] and path.exists()  # "incomplete, try later": no receipt, no ledger row
    assert not list(home.receipt_dir(VILLAGE).glob("*.回执.xlsx"))


@pytest.mark.parametrize("vanish", [True, False])
def test_a_file_that_vanishes_or_changes_after_listing_is_skipped(home, vanish):
    path = home.unit_inbox(VILLAGE) / "a.xlsx"
    path.write_bytes(f.edited(home, {}))
    reconcile_home(home)
    ready = list(find_new(home, NOW, wall=time.time() + 120).ready)
    if vanish:
        path.unlink()
    else:
        path.write_bytes(f.edited(home, {}) + b"")  # rewritten: a new mtime
        path.touch()
    assert ingest_batch(home, ready, NOW) == []


def test_odd_file_names_are_answered_with_safe_receipt_names(home):
    folder = os.fsencode(home.unit_inbox(VILLAGE))
    names = [b"\xff\xfe-not-utf8.xlsx", b"a" * 240 + b".xlsx", "\u202excod.exe".encode(), b"new\nline.xlsx",
             "下汤村..\u2215..\u2215etc.xlsx".encode()]
    for i, name in enumerate(names):
        with open(folder + b"/" + name, "wb") as fh:
            fh.write(f.edited(home, {}, period=f"2024-0{i + 1}"))
    reconcile_home(home)
    later = time.time() + 120
    outcomes = ingest_batch(home, list(find_new(home, NOW, wall=later).ready), NOW, wall=later)
    assert sorted(o.status for o in outcomes) == ["accepted"] * len(names)
    receipts = list(home.receipt_dir(VILLAGE).iterdir())
    assert len(receipts) == len(names)
    for r in receipts:
        assert r.parent == home.receipt_dir(VILLAGE) and len(r.name) < 120 and "\n" not in r.name
    assert os.listdir(folder) == ["回执".encode()]


def test_check_refuses_a_reader_killing_file_instead_of_dying(home, tmp_path):
    """`township check` reads the clerk's file like the ingest does: pre-checks, then a limited child."""
    from typer.testing import CliRunner

    from flows.cli import app

    path = tmp_path / "far.xlsx"
    path.write_bytes(h.far_cell())
    result = CliRunner().invoke(app, ["check", str(path), "--unit", VILLAGE, "--home", str(home.root)],
                                terminal_width=200)
    assert result.exit_code == 1 and "文件异常，无法读取" in result.output


def test_names_that_meet_when_cut_short_get_a_receipt_each(home):
    """Receipts are written after the job's ledger flush: names promised earlier in the job, not yet on
    disk, are taken too (two 80-character names that share their first 60 characters)."""
    stem = "二〇二四年度下汤镇平安建设工作月报表" * 4
    for i in range(2):
        path = home.unit_inbox(VILLAGE) / f"{stem}-{i}.xlsx"
        path.write_bytes(f.edited(home, {}, period=f"2024-0{i + 1}"))
    reconcile_home(home)
    later = time.time() + 120
    outcomes = ingest_batch(home, list(find_new(home, NOW, wall=later).ready), NOW, wall=later)
    assert sorted(o.status for o in outcomes) == ["accepted", "accepted"]
    assert len({o.receipt for o in outcomes}) == 2
    assert len(list(home.receipt_dir(VILLAGE).iterdir())) == 2
