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


def change_percent(current: int, previous: int) -> str:
    """12.3 → '12%', 0.46 → '0.5%': whole percents read best; below 1% keep one decimal."""
    pct = abs(current - previous) * 100 / previous
    return f"{pct:.0f}%" if pct >= 1 else f"{pct:.1f}%"


def change_phrase(current: int, previous: int) -> str:
    """Year over year, for after a stated figure: '（较上年增长12%）'; '' when last year had none."""
    if previous <= 0:
        return ""
    if current == previous:
        return "（与上年持平）"
    return f"（较上年{'增长' if current > previous else '下降'}{change_percent(current, previous)}）"
