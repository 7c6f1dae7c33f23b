"""How the draft states a yearly total (DESIGN §5): exact (128块) or approximate (70余起)."""
from __future__ import annotations

from schemas.catalog import Style


def rounded_down(n: int) -> int:
    """Keep the leading digit, zero the rest: 73→70, 7260→7000, 214→200, 15→10; below 10 unchanged."""
    if n < 10:
        return n
    scale = 10 ** (len(str(n)) - 1)
    return n // scale * scale


def state_number(n: int, style: Style) -> str:
    if style == "exact" or n < 10:
        return str(n)
    kept = rounded_down(n)
    return f"{kept}余" if kept != n else str(kept)


def state_figure(n: int, style: Style, unit: str) -> str:
    """'70余起', '128块', '1场'."""
    return f"{state_number(n, style)}{unit}"
