"""tests/alone.py, which `make test` runs: a file that fails in a process of its own is reported, one that
passes is not, and a seed names the same files every time."""
from __future__ import annotations

from tests.alone import pick, run_alone


def test_a_file_is_judged_in_a_process_of_its_own(tmp_path):
    passing, failing = tmp_path / "test_ok.py", tmp_path / "test_alone_bad.py"
    passing.write_text("def test_ok():\n    assert True\n")
    # a test that leans on what another file imported (the cn2an case): alone, it fails
    failing.write_text("import sys\n\ndef test_needs_a_neighbour():\n    assert 'township_never_imported' in sys.modules\n")
    assert run_alone(passing) == 0
    assert run_alone(failing) != 0


def test_a_seed_names_the_same_files():
    assert pick(3, 7) == pick(3, 7) and len(set(pick(3, 7))) == 3
    assert all(p.name.startswith("test_") for p in pick(3, 7))
