"""The monthly trend chart of the draft, drawn with a CJK font that exists on this machine.

Without a CJK font matplotlib draws tofu boxes (□) for every Chinese character; then no chart is
drawn at all and the draft says why (`CjkFontMissing`), rather than showing boxes to a leader.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

# Families in order of preference: Debian's fonts-noto-cjk first (what the project installs), then
# what Windows/WPS machines and other distributions commonly carry.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "Noto Sans CJK JP")


class CjkFontMissing(Exception):
    """No CJK font is installed; terminal for the chart (the draft goes on without it)."""


@dataclass(frozen=True)
class ChartImage:
    png: bytes
    title: str   # set as the appendix's heading, not inside the picture
    note: str


@dataclass(frozen=True)
class ChartFont:
    family: str
    path: str


def find_cjk_font() -> ChartFont:
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            props = font_manager.FontProperties(family=family)
            return ChartFont(family, str(font_manager.findfont(props, fallback_to_default=False)))
    raise CjkFontMissing("本机未安装中文字体，无法绘制图表（Debian/Ubuntu：apt-get install fonts-noto-cjk）")


def monthly_chart(title: str, months: list[str], values: list[int], unit: str, font: ChartFont) -> bytes:
    """A column chart of monthly counts as PNG bytes, 150 dpi: 16 × 8 cm on the page."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A Figure on the Agg canvas, not pyplot: no display needed, no global figure to close, and ~0.5 s
    # less to import (pyplot sets up every interactive backend's machinery).
    with matplotlib.rc_context({"font.family": [font.family], "axes.unicode_minus": False}):
        fig = Figure(figsize=(16 / 2.54, 8 / 2.54), dpi=150)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        labels = [f"{int(m[5:])}月" for m in months]
        bars = ax.bar(labels, values, color="#c0392b", width=0.6)
        ax.bar_label(bars, labels=[str(v) for v in values], fontsize=9, padding=2)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(unit, fontsize=10, rotation=0, labelpad=12)
        ax.tick_params(labelsize=9)
        ax.set_ylim(0, max([*values, 1]) * 1.18)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()
