"""Snapshots of validated contracts (schemas/snapshots.py): taken once a file has settled, used only
while the file, the code and the snapshot's own safety hold, and never a reason to fail."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from schemas import snapshots
from schemas.snapshots import snapshotted
from tasks.home import open_home


@pytest.fixture
def cache(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv(snapshots.CACHE_ENV, str(where))
    return where


def settled(path: Path, text: str) -> Path:
    """A file last changed a minute ago (a snapshot of it is not racy)."""
    path.write_text(text, encoding="utf-8")
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


class Counting:
    """How often a loader really read its file."""
    reads = 0


def loader():
    counting = Counting()

    def read_text(path: Path) -> dict:
        counting.reads += 1
        return {"text": path.read_text(encoding="utf-8")}

    return counting, snapshotted(read_text)


def test_a_settled_file_is_read_once_then_taken_from_its_snapshot(cache, tmp_path):
    counting, load = loader()
    source = settled(tmp_path / "units.yaml", "a: 1\n")
    assert load(source) == {"text": "a: 1\n"} and counting.reads == 1
    assert load(source) == {"text": "a: 1\n"} and counting.reads == 1
    assert len(list(cache.glob("*.pickle"))) == 1


def test_a_changed_file_is_read_again_even_with_its_old_size_and_mtime(cache, tmp_path):
    counting, load = loader()
    source = settled(tmp_path / "units.yaml", "a: 1\n")
    load(source)
    before = source.stat()
    settled(source, "a: 2\n")                          # same size, mtime set back as `touch -d` would
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load(source) == {"text": "a: 2\n"} and counting.reads == 2   # its ctime moved


def test_a_file_changed_just_now_is_never_snapshotted(cache, tmp_path):
    counting, load = loader()
    source = tmp_path / "units.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    load(source)
    load(source)
    assert counting.reads == 2 and not list(cache.glob("*.pickle"))


@pytest.mark.parametrize("spoil", ["garbage", "writable by others", "symlink", "another file's"])
def test_a_snapshot_that_cannot_be_trusted_is_not_used(cache, tmp_path, spoil):
    counting, load = loader()
    source = settled(tmp_path / "units.yaml", "a: 1\n")
    load(source)
    [entry] = cache.glob("*.pickle")
    if spoil == "garbage":
        entry.write_bytes(b"\x80\x05not a pickle")
    elif spoil == "writable by others":
        entry.chmod(0o666)
    elif spoil == "symlink":
        real = tmp_path / "elsewhere.pickle"
        entry.rename(real)
        entry.symlink_to(real)
    else:  # taken of another file, then put in this one's place
        other = settled(tmp_path / "other.yaml", "b: 9\n")
        load(other)
        other_entry = next(p for p in cache.glob("*.pickle") if p != entry)
        other_entry.replace(entry)
    reads = counting.reads
    assert load(source) == {"text": "a: 1\n"} and counting.reads == reads + 1


def test_snapshots_can_be_switched_off_and_a_broken_cache_is_no_fault(tmp_path, monkeypatch):
    counting, load = loader()
    source = settled(tmp_path / "units.yaml", "a: 1\n")
    monkeypatch.setenv(snapshots.CACHE_ENV, "off")
    load(source)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv(snapshots.CACHE_ENV, str(blocked / "cache"))   # cannot be created
    assert load(source) == {"text": "a: 1\n"} and load(source) == {"text": "a: 1\n"}
    assert counting.reads == 3


def test_a_file_in_error_is_said_every_time_and_never_kept(cache, tmp_path):
    from schemas.problems import ContractError
    from schemas.registry import load_registry

    source = settled(tmp_path / "units.yaml", "township: [unclosed\n")
    for _ in range(2):
        with pytest.raises(ContractError):
            load_registry(source)
    assert not list(cache.glob("*.pickle"))


def test_a_home_from_its_snapshots_equals_the_home_read_afresh(cache, home, monkeypatch):
    for name in ("township.toml", "units.yaml", "indicators.yaml"):
        path = home.root / name
        settled(path, path.read_text(encoding="utf-8"))
    first = open_home(home.root)
    taken = sorted(cache.glob("*.pickle"))
    assert len(taken) >= 3                             # the home's three files (and the package's own)
    again = open_home(home.root)
    monkeypatch.setenv(snapshots.CACHE_ENV, "off")
    fresh = open_home(home.root)
    assert again == fresh == first
    assert again.catalog.lookup() == fresh.catalog.lookup()
    assert sorted(cache.glob("*.pickle")) == taken     # the second open only read them


def test_at_most_keep_snapshots_are_kept(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "KEEP", 3)
    _, load = loader()
    for i in range(5):
        load(settled(tmp_path / f"units{i}.yaml", f"a: {i}\n"))
    assert len(list(cache.glob("*.pickle"))) == 3
