"""`township export`: a township's year or month out of the ledger, as one file an analyst opens (and
for csv and parquet a 说明 text beside it). Load (one query) → compose (pure) → save (never over a file).
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tasks.home import Home
from tasks.ledger import frame_files as ff
from tasks.ledger.frames import returns_frame
from tasks.returns.periods import months_of, period_label

FORMATS = ("xlsx", "csv", "parquet")


@dataclass(frozen=True)
class Exported:
    path: Path
    explanation: Path | None   # the 说明 beside a csv or parquet file (an xlsx holds it as a sheet)
    rows: int


def export(home: Home, spec: str, fmt: str, out: Path | None, on: dt.date,
           all_versions: bool = False) -> Exported:
    """Write the values of `spec` (2024, 2024-Q1, 2024-03) in `fmt` to `out` (or outbox/, dated `on`);
    a name that exists is kept and the file saved as name-2, name-3 … beside it."""
    frame = returns_frame(home, period=spec, all_versions=all_versions)
    scope = period_label(spec)  # without the period workbook's openpyxl: an export waits on every import
    township = home.registry.township.name
    tz = home.settings.schedules.timezone
    lines = ff.explanation(f"{township}{scope}月报表数据（township export 导出，{on:%Y年%m月%d日}）", frame, scope, tz)
    people = ff.for_people(frame, tz)
    writers: dict[str, Callable[[Path], None]] = {
        "xlsx": lambda p: ff.write_xlsx(people, lines, p, None if all_versions else ff.summary_table(frame)),
        "csv": lambda p: ff.write_csv(people, p),
        "parquet": lambda p: ff.write_parquet(frame, lines, p),
    }
    base = out or home.outbox / f"{township}月报表数据-{spec}-{on:%Y%m%d}.{fmt}"
    if out is None:
        home.outbox.mkdir(parents=True, exist_ok=True)
    beside = fmt != "xlsx"
    path, note = place_new(base, writers[fmt], (lambda p: ff.write_text(lines, p)) if beside else None)
    return Exported(path, note, len(frame))


def place_new(base: Path, write: Callable[[Path], None],
              write_note: Callable[[Path], None] | None) -> tuple[Path, Path | None]:
    """Write into hidden files in the target's folder, then link each to the first free name (base,
    base-2, base-3 …; its 说明 `<name>.说明.txt` sharing the tag): a link never replaces a file, so a
    name taken meanwhile — by another export, or anyone — is skipped, never overwritten. The folder
    must exist (`--out` never makes folders); a failed write leaves nothing behind."""
    made: list[Path] = []
    try:
        made.append(_hidden(base, write))
        if write_note:
            made.append(_hidden(base, write_note))
        for n in range(1, 10_000):
            path = base if n == 1 else base.with_name(f"{base.stem}-{n}{base.suffix}")
            names = [path] + ([path.with_name(f"{path.name}.说明.txt")] if write_note else [])
            if any(os.path.lexists(p) for p in names):
                continue
            placed: list[Path] = []
            try:
                for tmp, name in zip(made, names, strict=True):
                    _claim(tmp, name)
                    placed.append(name)
            except FileExistsError:
                for name in placed:
                    os.unlink(name)
                continue
            return path, (names[1] if write_note else None)
        raise FileExistsError(errno.EEXIST, "文件已存在", str(base))
    finally:
        for tmp in made:
            tmp.unlink(missing_ok=True)


def _claim(tmp: Path, name: Path) -> None:
    """`tmp`'s content under `name`, only if nothing is there: a hard link, or where the drive has none
    (some network shares) an exclusive create and a copy. FileExistsError when the name is taken."""
    try:
        os.link(tmp, name)
    except FileExistsError:
        raise
    except OSError:
        with open(tmp, "rb") as src, open(name, "xb") as dst:
            try:
                shutil.copyfileobj(src, dst)
            except BaseException:
                os.unlink(name)  # half a file is never left under the name
                raise


def _hidden(base: Path, write: Callable[[Path], None]) -> Path:
    fd, name = tempfile.mkstemp(dir=base.parent, prefix=f".{base.stem[:40]}.", suffix=base.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # as the office's other files (mkstemp's 0600 hides it on a shared drive)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def spec_of(year: int | None, period: str | None, today: dt.date) -> str:
    """--year or --period (canonical already), else this year in the township's zone."""
    if period is not None:
        return period
    spec = str(year if year is not None else today.year)
    months_of(spec)  # a year outside 2000–2100 is refused by PeriodSpecError, as any period
    return spec
