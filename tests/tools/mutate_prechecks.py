"""Switch each pre-check off in turn and show which tests fail: `python tests/tools/mutate_prechecks.py`.

Not collected by pytest (tests/tools/ holds no test_*.py). Each mutant is a temporary copy of this
work tree with one line of tasks/returns/guard.py (or judge.py) changed; the production code is never
touched and has no switch for this. The copy is put first on PYTHONPATH, so pytest, the reading
children and `township check` subprocesses all import the mutant. A pre-check that no test misses is
a test still to write (or a check that cannot be reached: said in the table).

    python tests/tools/mutate_prechecks.py [--only NAME] [-- extra pytest args]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUARD, JUDGE = "tasks/returns/guard.py", "tasks/returns/judge.py"
TESTS = ["tests/test_prechecks.py", "tests/test_hostile.py"]

# name → (file, the exact text switched off, what replaces it, why it exists)
MUTANTS: dict[str, tuple[str, str, str, str]] = {
    "size": (GUARD, "    if size > max_file_bytes(limits):", "    if False:", "files over max_file_mb (8 GB sparse)"),
    "parts": (GUARD, "    if len(infos) > 10_000:", "    if False:", "zips of >10,000 parts"),
    "inflated": (GUARD, "    if total > limits.max_inflated_mb * MB:", "    if False:",
                 "parts inflating past max_inflated_mb"),
    "ratio": (GUARD, "        if i.file_size > MB and i.file_size > limits.max_inflate_ratio * max(i.compress_size, 1):",
              "        if False:", "zip bombs (a part at >200×)"),
    "dtd": (GUARD, "problem = _zip_bounds(zf, limits) or _no_dtd(zf)", "problem = _zip_bounds(zf, limits)",
            "DTD/entities in workbook.xml, sharedStrings.xml, content.xml"),
    "sheet dtd": (GUARD, "                if _declares(text):", "                if False:",
                  "DTD/entities in a sheet (expansion, external entity)"),
    "sheet budget": (GUARD, "                if budget < 0:", "                if False:",
                     "sheets streaming past max_inflated_mb (behind 'inflated')"),
    "extent": (GUARD, "        if max_row * max(max_col, 1) > limits.max_cells:\n            max_row, max_col = _valued",
               "        if False:\n            max_row, max_col = _valued",
               "a cell at XFD1048576 (calamine aborts)"),
    "valued extent": (GUARD, "max_row, max_col = _valued_extent(zf, info)", "pass",
                      "lets styled empty far cells through (a relaxation, not a refusal)"),
    "structure": (GUARD, "except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, "
                         "NotImplementedError) as exc:", "except () as exc:", "damaged part data (bad CRC)"),
    "deflate": (GUARD, "    except zlib.error:", "    except ():", "damaged part data (deflate fails)"),
    "all (judge)": (JUDGE, "if pre.problem else", "if False else", "every pre-check at once"),
}

# Mutants no test can kill, and why: switching them off changes nothing a file can reach.
EQUIVALENT = {"sheet budget": "a sheet streams no more than its declared size (zipfile stops there), and the "
                              "declared sizes were summed against the same limit by 'inflated' before"}
FAILED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.M)  # test ids hold spaces


def mutant_tree(base: Path, name: str) -> Path:
    """A copy of the work tree (without .venv, .git and caches) with the one change applied."""
    where, old, new, _ = MUTANTS[name]
    dest = base / re.sub(r"\W+", "_", name)
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache",
                                                              "*.egg-info", "demo-home"))
    target = dest / where
    text = target.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{name}: {old!r} found {text.count(old)} times in {where}; update MUTANTS")
    target.write_text(text.replace(old, new), encoding="utf-8")
    return dest


def run(tree: Path, extra: list[str]) -> tuple[int, list[str], str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    probe = subprocess.run([sys.executable, "-c", "import tasks.returns.guard as g; print(g.__file__)"],
                           cwd=tree, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(tree)), f"the mutant is not what gets imported: {probe.stdout}"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *TESTS,
                           *extra], cwd=tree, env=env, capture_output=True, text=True)
    return proc.returncode, sorted(set(FAILED.findall(proc.stdout))), proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=sorted(MUTANTS), help="only these mutants")
    parser.add_argument("--keep", action="store_true", help="keep the mutant trees (their path is printed)")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="mutants-"))
    survived = []
    try:
        for name in args.only or MUTANTS:
            started = time.monotonic()
            code, failed, out = run(mutant_tree(base, name), args.pytest_args)
            took = time.monotonic() - started
            print(f"\n## {name} off — {MUTANTS[name][3]} ({took:.0f} s, pytest exit {code})", flush=True)
            for test in failed:
                print(f"  failed: {test}")
            if not failed and name in EQUIVALENT:
                print(f"  no test failed, as expected: {EQUIVALENT[name]}")
            elif not failed:
                survived.append(name)
                print("  NO TEST FAILED" + ("" if code == 0 else f"\n{out[-3000:]}"))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"mutant trees kept in {base}")
    print(f"\n{len(args.only or MUTANTS) - len(survived)} of {len(args.only or MUTANTS)} mutants killed;"
          f" survived: {', '.join(survived) or 'none'}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
