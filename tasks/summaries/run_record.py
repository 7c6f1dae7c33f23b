"""A run's report kept in the home when no Prefect server records it (issue 26).

A run with a server keeps its report as an artifact; a plain one-shot run (`township ingest` without a
server) used to lose it: the refused files, blocked units and files left for next time were printed once
and gone. As dlt keeps its trace in the pipeline's folder, a plain run writes `runs/<time>-<kind>.md`
(the report an operator reads) and `.json` (the same rows, for a program), and `township status` names
the newest. Only the newest `KEEP` records are kept, so the folder never grows without end."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from tasks.delivery.outbox import write_atomic

FOLDER = "runs"
KEEP = 200
KINDS = {"ingest-summary": "ingest", "annual-report": "annual", "period-summary": "summary"}
KIND_NAMES = {"ingest": "入库", "annual": "生成年度报告草稿", "summary": "汇总", "run": "运行"}


@dataclass(frozen=True)
class RunRecord:
    path: Path          # the .md an operator opens
    kind: str           # ingest / annual / summary / run
    at: dt.datetime     # when it was written (UTC)
    description: str


def kind_of(key: str | None) -> str:
    return KINDS.get(key or "", (key or "run").split("-")[0] or "run")


def write_record(home: Path, key: str | None, description: str, markdown: str,
                 rows: list[dict] | None, now: dt.datetime | None = None) -> Path:
    """The report as `runs/<UTC time>-<kind>.md` and `.json`; returns the .md's path. A time down to the
    microsecond keeps two runs of one second apart; an existing name is never overwritten."""
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    folder = home / FOLDER
    folder.mkdir(exist_ok=True)
    stem = f"{at:%Y%m%dT%H%M%S%fZ}-{kind_of(key)}"
    n = 1
    while (folder / f"{stem}.md").exists() or (folder / f"{stem}.json").exists():
        n += 1
        stem = f"{at:%Y%m%dT%H%M%S%fZ}-{kind_of(key)}-{n}"
    data = {"kind": kind_of(key), "at": at.isoformat(), "description": description, "rows": rows or []}
    write_atomic(folder / f"{stem}.json", json.dumps(data, ensure_ascii=False, indent=1, default=str).encode())
    md = write_atomic(folder / f"{stem}.md", f"{markdown.rstrip()}\n".encode())  # it opens with its title
    prune(folder)
    return md


def prune(folder: Path, keep: int = KEEP) -> None:
    """Drop the oldest records beyond `keep` (names sort by time)."""
    records = sorted(folder.glob("*.md"))
    for old in records[:-keep] if len(records) > keep else []:
        for part in (old, old.with_suffix(".json")):
            part.unlink(missing_ok=True)


def latest_record(home: Path, kind: str | None = None) -> RunRecord | None:
    """The newest record (of `kind`), or None when no plain run has written one."""
    folder = home / FOLDER
    if not folder.is_dir():
        return None
    for md in sorted(folder.glob("*.md"), reverse=True):
        if md.is_symlink():
            continue
        try:
            data = json.loads(md.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if kind is None or data.get("kind") == kind:
            return RunRecord(md, data.get("kind", ""), dt.datetime.fromisoformat(data["at"]),
                             data.get("description", ""))
    return None
