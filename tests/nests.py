"""Folders nested past PATH_MAX, made and removed through descriptors (a path that long cannot be opened,
and shutil.rmtree would recurse past Python's limit)."""
from __future__ import annotations

import os
from pathlib import Path

DIR = os.O_RDONLY | os.O_DIRECTORY


def nest(folder: Path, depth: int) -> int:
    """`depth` folders named d, one inside the other, under `folder`; returns the deepest's descriptor."""
    fd = os.open(folder, DIR)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        deeper = os.open("d", DIR, dir_fd=fd)
        os.close(fd)
        fd = deeper
    return fd


def unnest(folder: Path) -> None:
    """Remove the nest level by level from the top, lifting what is below each time (constant depth)."""
    top = os.open(folder, DIR)
    try:
        while os.path.lexists(f"/proc/self/fd/{top}/d"):
            sub = os.open("d", DIR, dir_fd=top)
            try:
                for entry in os.scandir(sub):
                    if not entry.is_dir(follow_symlinks=False):
                        os.unlink(entry.name, dir_fd=sub)
                deeper = os.path.lexists(f"/proc/self/fd/{sub}/d")
                if deeper:
                    os.rename("d", "lifted", src_dir_fd=sub, dst_dir_fd=top)
            finally:
                os.close(sub)
            os.rmdir("d", dir_fd=top)
            if deeper:
                os.rename("lifted", "d", src_dir_fd=top, dst_dir_fd=top)
    finally:
        os.close(top)
