"""The chart is drawn with a CJK font that exists here: matplotlib warns of every glyph it lacks
(that is what prints a tofu box), so no such warning may appear."""
import io
import warnings
from pathlib import Path

import pytest

from tasks.drafts.chart import CjkFontMissing, find_cjk_font, monthly_chart


def test_chinese_labels_render_without_missing_glyphs():
    try:
        font = find_cjk_font()
    except CjkFontMissing as exc:
        pytest.skip(str(exc))
    assert Path(font.path).exists()
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = monthly_chart("2024年各月普法宣传活动", months, list(range(12)), "次", font)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    from PIL import Image
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 800
