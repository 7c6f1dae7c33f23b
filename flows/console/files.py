"""Files the console hands out, addressed by ids the server issued: an outbox file's id is a keyed hash
of its place under outbox/, so the browser never names a path and an id found once stays valid while
the file stays. A download looks the id up among the files listed now; anything else is 404."""
from __future__ import annotations

import hashlib
import hmac
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import FileResponse

HIDDEN = (".", "~$")
KINDS = {".docx": "Word 文档", ".xlsx": "Excel 工作簿", ".pdf": "PDF", ".txt": "文本", ".db": "账本备份"}


@dataclass(frozen=True)
class OutFile:
    id: str
    name: str
    folder: str        # the sub-folder under outbox/ ("" at its top), shown, never taken back
    size: int
    mtime: float
    path: Path

    @property
    def kind(self) -> str:
        return KINDS.get(self.path.suffix.lower(), "文件")


def file_id(key: str, relative: str) -> str:
    return hmac.new(key.encode(), relative.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def outbox_files(outbox: Path, key: str, limit: int = 500) -> list[OutFile]:
    """Outbox files, newest first; hidden, temporary and staged files (a sign-off's) left out."""
    if not outbox.is_dir():
        return []
    found = []
    root = outbox.resolve()
    for p in outbox.rglob("*"):
        rel = p.relative_to(outbox)
        if any(part.startswith(HIDDEN) for part in rel.parts) or not p.is_file() or p.is_symlink():
            continue
        if not p.resolve().is_relative_to(root):
            continue
        st = p.stat()
        folder = str(rel.parent) if str(rel.parent) != "." else ""
        found.append(OutFile(file_id(key, rel.as_posix()), p.name, folder, st.st_size, st.st_mtime, p))
    found.sort(key=lambda f: f.mtime, reverse=True)
    return found[:limit]


def find_file(outbox: Path, key: str, wanted: str) -> OutFile | None:
    return next((f for f in outbox_files(outbox, key, limit=100_000) if hmac.compare_digest(f.id, wanted)), None)


def id_of_path(outbox: Path, key: str, path: str | Path | None) -> str | None:
    """The id of a file the ledger names (a draft, a signed copy), if it is under outbox/."""
    if not path:
        return None
    p = Path(path)
    try:
        rel = p.resolve().relative_to(outbox.resolve())
    except ValueError:
        return None
    return file_id(key, rel.as_posix()) if p.is_file() else None


def download(path: Path, name: str | None = None) -> FileResponse:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=kind, filename=name or path.name)


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
