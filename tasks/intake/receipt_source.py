"""Which file a receipt answers, written into the receipt itself (a custom document property beside the
receipt mark): the archived copy's path and hash and the arrival's times. If the ledger loses the row
after the receipt went out (issue 22: a deleted -wal), reconcile finds the receipt no row names and
stores the archived copy as it arrived.

A receipt lies in the clerk's folder, where anything may be put in its place: what is read back is data,
bounded and checked — the archived copy is named only by its hash, under the unit's own archive, and
its bytes must hash to it.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass

from tasks.intake.receipt_writer import SOURCE_MARK
from tasks.intake.unit_folder import FILE_FLAGS, UnitFolder
from tasks.ledger.record import Arrival
from tasks.returns.sniff import RECEIPT_PART

RECEIPT_BYTES = 4 << 20   # a receipt is ~10 KB; anything far larger in 回执/ is not one of ours
PART_BYTES = 64 << 10
PROPERTY = re.compile(rf'name="{SOURCE_MARK}"><vt:lpwstr>([^<]{{1,4000}})</vt:lpwstr>'.encode())
SHA = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Source:
    sha256: str
    archive: str          # relative to the home, as the ledger keeps it
    name: str             # the clerk's file name
    size: int
    format: str
    received_at: dt.datetime   # naive UTC, as the ledger keeps times
    submitted_at: dt.datetime
    arrived_at: dt.datetime


def source_text(arrival: Arrival) -> str:
    """The property's value for the receipt of `arrival`."""
    return json.dumps({"sha256": arrival.sha256, "archive": arrival.archive_path, "name": arrival.original_name,
                       "size": arrival.size, "format": arrival.format, "received": _iso(arrival.received_at),
                       "submitted": _iso(arrival.submitted_at),
                       "arrived": _iso(arrival.arrived_at or arrival.received_at)}, ensure_ascii=False)


def _iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def read_source(folder: UnitFolder, name: str) -> Source | None:
    """The source a receipt in the unit's 回执/ names; None for anything else (an older receipt, a copy the
    clerk edited, not a zip, not a regular file, a link)."""
    try:
        fd = os.open(name, FILE_FLAGS, dir_fd=folder.receipts())
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > RECEIPT_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(RECEIPT_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(RECEIPT_PART)
            if info.file_size > PART_BYTES:
                return None
            found = PROPERTY.search(zf.read(info))
        if not found:
            return None
        raw = json.loads(html.unescape(found.group(1).decode("utf-8")))
        source = Source(str(raw["sha256"]), str(raw["archive"]), str(raw["name"]), int(raw["size"]),
                        str(raw["format"]), *(dt.datetime.fromisoformat(str(raw[k]))
                                              for k in ("received", "submitted", "arrived")))
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        return None
    if not SHA.fullmatch(source.sha256) or any(m.tzinfo for m in (source.received_at, source.submitted_at)):
        return None
    return source
