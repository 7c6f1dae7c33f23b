"""Where the team's shared material is (../shared beside the project: the corpus, the reference report).

CI and new clones may sit elsewhere; $TOWNSHIP_SHARED names it, else the nearest `shared` folder beside
the clone or one of its parents, else this workplace's /work/shared. Tests that need it skip with the
reason when none is found."""
from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    if os.environ.get("TOWNSHIP_SHARED"):
        return Path(os.environ["TOWNSHIP_SHARED"])
    for parent in HERE.parents:
        candidate = parent / "shared"
        if (candidate / "corpus").is_dir() or (candidate / "reference").is_dir():
            return candidate
    return Path("/work/shared")


SHARED = shared_dir()
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference" / "2024-township-rule-of-law-report.txt"
