"""Turning what a clerk typed into a count cell into a whole number, or saying why not (DESIGN §4).

Pure: returns the number and the normalisations applied (each becomes a warning) or the reason it
was refused (an error). The caller adds the cell's place.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# Words that make a number approximate: 约70, 70余, 70多, 近百, 70左右 → "请填写准确数字".
APPROX = re.compile(r"^(约|大约|约计|近|将近|逾|超过)|(余|多|来|左右|上下|以上|以内|许|几)$|[~～]")
NEGATIVE = re.compile(r"^[-−－]")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")
COMMON_UNITS = ("人次", "次", "起", "场", "处", "块", "份", "本", "件", "个", "人", "户", "期", "条", "场次")
CN_DIGITS = re.compile(r"^[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟萬]+$")


@dataclass(frozen=True, slots=True)
class Count:
    """A parsed count: value (None when blank or refused), warnings applied, and the refusal if any."""
    value: int | None
    warnings: tuple[str, ...] = ()
    error: str | None = None


BLANK = Count(None)


def parse_count(raw: object, unit: str = "", max_count: int = 1_000_000) -> Count:
    if raw is None or raw == "":
        return BLANK
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return Count(None, error="E_NOT_A_NUMBER")
    if isinstance(raw, (int, float)):
        return _check_number(float(raw), (), max_count)
    return _parse_text(str(raw), unit, max_count)


def _check_number(number: float, warnings: tuple[str, ...], max_count: int) -> Count:
    if number != number or number in (float("inf"), float("-inf")):
        return Count(None, warnings, "E_NOT_A_NUMBER")
    if number < 0:
        return Count(None, warnings, "E_NEGATIVE")
    rounded = round(number)
    if abs(number - rounded) > 1e-9:  # 12.0000000001 from a float formula is still 12
        return Count(None, warnings, "E_FRACTION")
    if rounded > max_count:
        return Count(None, warnings, "E_TOO_LARGE")
    return Count(int(rounded), warnings)


def suggestion(error: str, raw: object) -> str:
    """What the clerk's own value points to, for the hint of a refused count: 约5 → 5, 七十多 → 70,
    -2 → 2, 2.5 → 2 或 3; "" when it points to nothing."""
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    if error == "E_APPROX":
        core = parse_count(APPROX.sub("", text))
        return str(core.value) if core.value is not None and not core.error else ""
    if error == "E_NEGATIVE":
        core = parse_count(NEGATIVE.sub("", text))
        return str(core.value) if core.value is not None and not core.error else ""
    if error == "E_FRACTION":
        try:
            number = float(text)
        except ValueError:
            return ""
        return f"{int(number // 1)} 或 {int(number // 1) + 1}"
    return ""


def _parse_text(raw: str, unit: str, max_count: int) -> Count:
    text = raw.strip()
    if not text:
        return BLANK
    warnings: list[str] = []
    normal = unicodedata.normalize("NFKC", text).replace(" ", "")
    if any("０" <= ch <= "９" for ch in text):
        warnings.append("W_FULLWIDTH")
    if APPROX.search(normal):
        return Count(None, tuple(warnings), "E_APPROX")
    if NEGATIVE.match(normal):
        return Count(None, tuple(warnings), "E_NEGATIVE")
    for suffix in sorted({unit, *COMMON_UNITS} - {""}, key=len, reverse=True):
        if normal.endswith(suffix) and len(normal) > len(suffix):
            normal = normal[: -len(suffix)]
            warnings.append("W_UNIT_SUFFIX")
            break
    if THOUSANDS.match(normal):
        normal = normal.replace(",", "")
        warnings.append("W_THOUSANDS")
    try:
        return _check_number(float(normal), tuple(warnings), max_count)
    except ValueError:
        pass
    if CN_DIGITS.match(normal):
        import cn2an  # here: its import costs ~0.25 s, and few cells are written in Chinese numerals

        try:
            number = cn2an.cn2an(normal, "smart")
        except (ValueError, KeyError):
            return Count(None, tuple(warnings), "E_NOT_A_NUMBER")
        return _check_number(float(number), (*warnings, "W_CHINESE_NUMERAL"), max_count)
    return Count(None, tuple(warnings), "E_NOT_A_NUMBER")
