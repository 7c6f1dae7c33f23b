"""How the draft states a yearly total (DESIGN §5, §7): exact (12089件), approximate keeping one or two
digits (70余起, 1500余件), in 万 (2万余人次), in Chinese numerals (十余次), near (近3000人次), a frequency
(每月一次) or a percentage (99.1%)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from schemas.catalog import Numerals, Stating, Style, Word
from schemas.settings import Wording

WAN = 10_000
LIANG = re.compile("^二(?=[百千万亿]|$)")  # 两次, 两万, 两千: how 2 is said before a measure or large unit


@dataclass(frozen=True)
class Way:
    """A Stating with the township's defaults filled in."""
    style: Style = "exact"
    digits: int = 1
    wan: bool = False
    word: Word = "余"
    numerals: Numerals = "arabic"
    per: str | None = None


def way_of(item: Stating, defaults: Wording = Wording()) -> Way:
    return Way(style=item.style or defaults.style, digits=item.digits or defaults.digits,
               wan=defaults.wan if item.wan is None else item.wan, word=item.word, numerals=item.numerals,
               per=item.per)


def hanzi(n: int) -> str:
    """12 → 十二, 20000 → 两万, 2 → 两 (两次): the numerals of a figure, which a measure word follows."""
    import cn2an  # here: ~0.25 s to import, for drafts that state figures in hanzi

    return LIANG.sub("两", cn2an.an2cn(n))


def numeral(n: int, numerals: Numerals) -> str:
    return str(n) if numerals == "arabic" else hanzi(n)


def short(text: str, numerals: Numerals) -> str:
    """一千 → 千, 一百 → 百, 一万 → 万 when the township's report says 千余份 / 近千人 (numerals: bare); a
    number of two digits keeps its 一 (一千五百余份)."""
    return text[1:] if numerals == "bare" and text in ("一百", "一千", "一万") else text


MAGNITUDES = {10: "十", 100: "百", 1000: "千", 10_000: "万"}


def vague(n: int, word: Word) -> str:
    """数十 (20–99), 数百, 数千, 数万; 上百 (100–199), 上千, 上万 — '' when `n` is outside the word's range."""
    scale = 10 ** (len(str(n)) - 1)
    lead = n // scale
    if scale not in MAGNITUDES or (word == "数" and lead < 2) or (word == "上" and (lead != 1 or scale < 100)):
        return ""
    return word + MAGNITUDES[scale]


def kept(n: int, digits: int) -> int:
    """Keep the leading `digits` digits, zero the rest: 73→70, 7260→7000; (1523, 2)→1500."""
    scale = 10 ** max(len(str(n)) - digits, 0)
    return n // scale * scale


def nearest(n: int, digits: int) -> int:
    scale = 10 ** max(len(str(n)) - digits, 0)
    return (n + scale // 2) // scale * scale


def amount(n: int, wan: bool, numerals: Numerals) -> str:
    """A rounded amount as printed: 20000 → 2万 (wan) / 两万, 15000 → 1.5万 / 一万五千."""
    if numerals != "arabic":
        return hanzi(n)  # cn2an says 两万, 十二万, 一万五千 itself
    if not wan or n < WAN:
        return str(n)
    return f"{(Decimal(n) / WAN).normalize():f}万"


def state_number(n: int, style: Style, digits: int = 1, wan: bool = False, word: Word = "余",
                 numerals: Numerals = "arabic") -> str:
    """The number of a stated figure: 余/多 only when something was dropped; 近 only when the total is a
    little short of the rounded number; below 10 always exact."""
    if style == "exact" or n < 10:
        return numeral(n, numerals)
    if word in ("数", "上"):
        said = vague(n, word)
        if said:
            return said
        word = "余"  # outside its range: 两百余人, not 上百人 for 250
    if word == "近":
        up = nearest(n, digits)
        if up > n:
            return f"近{short(amount(up, wan, numerals), numerals)}"
        word = "余"
    down = kept(n, digits)
    return short(amount(down, wan, numerals), numerals) + word if down != n else amount(down, wan, numerals)


def state_with(n: int, way: Way, unit: str) -> str:
    return state_number(n, way.style, way.digits, way.wan, way.word, way.numerals) + unit


def state_figure(n: int, style: Style, unit: str) -> str:
    """'70余起', '128块', '1场' (one digit kept, no 万: the reference's way)."""
    return f"{state_number(n, style)}{unit}"


def per_month(counts: list[int], total: int, way: Way, unit: str) -> str:
    """每月一次 when every month had the same count; else the year's total (全年共24次): a lecture held
    twice in March and never in May is not 每月一次."""
    if counts and counts[0] >= 1 and len(set(counts)) == 1:
        return f"每月{hanzi(counts[0]) if way.numerals != 'arabic' or counts[0] < 10 else counts[0]}{unit}"
    return f"全年共{state_with(total, way, unit)}"


def percent(numerator: int, denominator: int, decimals: int) -> str:
    """55/56 → '98.2%' (half up, trailing zeros dropped: 100%, not 100.0%); '' without a denominator."""
    if denominator <= 0:
        return ""
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal(1).scaleb(-decimals),
                                                                       rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


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
