"""Files of ours written inside a folder held by its descriptor (a unit's 回执/ or 模板/): under a
temporary name nobody can predict, created exclusively and never through a link, then renamed within
the folder — a reader never sees half a file, and a clerk's link in the way is replaced, not followed."""
from __future__ import annotations

import os
import secrets

NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
TEMP_PREFIX, TEMP_SUFFIX = ".回执-", ".tmp"


def temp_name() -> str:
    return f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"


def write_at(folder: int, name: str, data: bytes) -> None:
    tmp = temp_name()
    fd = os.open(tmp, NEW_FILE_FLAGS, 0o644, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb", closefd=True) as fh:
            fh.write(data)
        os.rename(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=folder)
        except OSError:
            pass
        raise
