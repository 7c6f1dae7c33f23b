"""The return layout (DESIGN §3) as a typed model: labels to look for, and where the template puts them."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from schemas import default_file, load_yaml
from schemas.snapshots import snapshotted


class FieldSpec(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    label: str
    cell: str
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class ColumnSpec(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    label: str
    column: str
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class ReturnLayout(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    version: int
    sheet: str
    instructions_sheet: str
    title: str
    fields: dict[str, FieldSpec]
    header_row: int
    columns: dict[str, ColumnSpec]
    total_labels: tuple[str, ...]


@lru_cache(maxsize=1)
def return_layout() -> ReturnLayout:
    """Template v1; package data, read once per process (and kept between processes: snapshots.py)."""
    return _load_layout(default_file("return_layout.yaml"))


@snapshotted
def _load_layout(path: Path) -> ReturnLayout:
    return ReturnLayout(**load_yaml(path.read_text(encoding="utf-8")))
