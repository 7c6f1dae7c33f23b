"""Excel's column letters (A, Z, AA, XFD): here rather than from openpyxl, whose package import pulls in
its whole workbook model and numpy (~0.3 s) — a dry run (`township check`) reads a file without them."""
from __future__ import annotations

from functools import lru_cache

MAX_COLUMN = 16384  # XFD, Excel's last column


@lru_cache(maxsize=MAX_COLUMN)  # a return names ~90 cells a file, of a handful of columns
def column_letter(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 16384 → XFD (Excel's numbering has no zero digit: bijective base 26)."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"column {index} is outside 1..{MAX_COLUMN}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based row and column → "E9"."""
    return f"{column_letter(col + 1)}{row + 1}"
