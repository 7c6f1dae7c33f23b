"""Each test file passes alone, not only after the suite's other files warmed a cache or imported a module.

`python -m tests.alone` runs a few test files picked at random, each in a pytest process of its own
(fast tests only: the slow ones need services and are run whole by `make test`); `make test` runs it
after the suite. The seed is printed, so a failing pick can be run again: `python -m tests.alone
--seed 1234`, or name the files: `python -m tests.alone tests/test_properties.py`.
Exit code: 0 when every picked file passed, else 1 (the files that failed are listed).
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def pick(count: int, seed: int) -> list[Path]:
    """`count` test files chosen by `seed` among tests/test_*.py (sorted first, so a seed names the same files)."""
    files = sorted(TESTS.glob("test_*.py"))
    return random.Random(seed).sample(files, min(count, len(files)))


def run_alone(path: Path) -> int:
    """pytest on this one file in a fresh interpreter: nothing imported or cached by another file."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                           str(path)], cwd=TESTS.parent, check=False)
    # 5: every test of the file is slow (none selected) — nothing ran, nothing failed
    return 0 if done.returncode in (0, 5) else done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="test files to run alone (default: a random pick)")
    parser.add_argument("--count", type=int, default=3, help="how many files to pick (default 3)")
    parser.add_argument("--seed", type=int, default=None, help="the pick's seed (default: a new one, printed)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000)
    files = [p.resolve() for p in args.files] or pick(args.count, seed)
    if not args.files:
        print(f"tests.alone: seed {seed}: {' '.join(p.name for p in files)}", flush=True)
    failed = [p.name for p in files if run_alone(p) != 0]
    if failed:
        print(f"tests.alone: failed alone (seed {seed}): {' '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
