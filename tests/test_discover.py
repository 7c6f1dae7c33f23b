"""Discovery: inbox/<unit code>/ files, lock/hidden/temp files ignored, unsettled files left alone."""
import os
import time

from tasks.intake.discover import discover, is_ignored
from tests.helpers import OTHER, VILLAGE


def test_ignored_names():
    for name in ("~$2024-03.xlsx", ".~lock.2024-03.xlsx#", ".hidden.xlsx", "~WRL0001.tmp", "a.tmp", "a.xlsx.part",
                 "Thumbs.db", "desktop.ini"):
        assert is_ignored(name), name
    for name in ("2024-03月报表.xlsx", "下汤村.xls", "report.ods", "x.et"):
        assert not is_ignored(name), name


def test_finds_settled_files_and_leaves_young_ones(home):
    now = time.time()
    copied = home.unit_inbox(VILLAGE) / "copied.xlsx"
    copied.write_bytes(b"x")
    os.utime(copied, (now - 3600, now - 3600))  # a copy that kept its old mtime, written just now
    (home.unit_inbox(VILLAGE) / "~$copied.xlsx").write_bytes(b"lock")
    (home.receipt_dir(VILLAGE) / "old.xlsx.回执.xlsx").write_bytes(b"receipt")
    (home.template_dir(OTHER)).mkdir(parents=True)
    (home.template_dir(OTHER) / "模板.xlsx").write_bytes(b"template")
    (home.inbox / "stray.xlsx").write_bytes(b"x")
    (home.inbox / "999999").mkdir()
    (home.inbox / "999999" / "other.xlsx").write_bytes(b"x")
    units = {u.code for u in home.registry.units}
    soon = discover(home.inbox, units, now + 5, settle_seconds=30)
    assert soon.ready == () and [(d.unit, d.name) for d in soon.settling] == [(VILLAGE, "copied.xlsx")]
    later = discover(home.inbox, units, now + 60, settle_seconds=30)
    assert [(d.unit, d.name) for d in later.ready] == [(VILLAGE, "copied.xlsx")] and later.settling == ()
    assert later.strays == ("999999/other.xlsx", "stray.xlsx")


def test_symlinks_are_never_followed(home, tmp_path):
    outside = tmp_path / "secret.xlsx"
    outside.write_bytes(b"x")
    os.symlink(outside, home.unit_inbox(VILLAGE) / "link.xlsx")
    found = discover(home.inbox, {VILLAGE}, time.time() + 100, settle_seconds=0)
    assert found.ready == ()
    assert found.strays == (f"{VILLAGE}/link.xlsx",)
