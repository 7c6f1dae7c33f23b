"""The numbers of one paragraph: each stated activity figure (70余起, 两万余人次, 近3000人次), and each
number that is not one, with the reason it was skipped (年份, 日期, 序号, 引号中的名称, 电话号码 …)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

MEASURES = ("场次", "人次", "户次", "家次", "车次", "课时", "次", "场", "期", "起", "件", "人", "名", "户", "份",
            "本", "册", "块", "处", "条", "张", "个", "项", "篇", "批", "家", "所", "座", "套", "台", "辆", "幅", "堂",
            "节", "轮", "组", "支", "封", "类")
MEASURE = "|".join(MEASURES)
DIGITS = r"[0-9０-９]+(?:[,，][0-9]{3})*(?:\.[0-9]+)?"
HANZI = r"[零〇一二两三四五六七八九十百千]+"
# 近千人, 数十次, 上百人: 近 a little short of it, 数 several of the magnitude, 上 reaching it (人数十余人 is
# 人数, 线上百余场 is 线上)
VAGUE = r"近|(?<![线以网之向晚早路街会班地身手台楼墙山镇村])上(?=[百千万])|(?<![人次户件总场])数(?=[十百千万])"
FIGURE = re.compile(rf"(?P<near>{VAGUE})?(?P<num>{DIGITS}|{HANZI}|(?=万))(?P<wan>万)?(?P<word>余|多)?"
                    rf"(?P<unit>{MEASURE})")
BARE = re.compile(r"^[百千]|^$")  # 千余份, 百余人次, 万余人: the magnitude with no 一 before it
ARABIC = re.compile(DIGITS)
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|「[^」]*」|‘[^’]*’")
PHONE = re.compile(r"(?<![0-9])(?:0\d{2,3}[-－—]\d{7,8}|1[3-9]\d{9}|\d{7,8})(?![0-9])")
DATE = re.compile(r"\d{4}[.\-/年]\d{1,2}(?:[.\-/月]\d{1,2}[日号]?)?|\d{1,2}月\d{1,2}[日号]|\d{1,2}[月日号]")
MARKER = re.compile(rf"^\s*(?:[（(]\s*(?:{HANZI}|\d+)\s*[)）]|(?:{HANZI}|\d+)\s*(?:[、.．]|是))")
TIME = re.compile(r"^(?:余|多)?(?:个)?(?:年|月|日|天|小时|分钟|周岁|岁|周|号|时)")
MONEY = re.compile(r"^万?(?:余|多)?(?:万元|亿元|元)")
# 每月一次, 每月开展1次, 每季度召开2次, 每周组织1次巡查: a frequency, not a total (每年 only right before it)
EVERY = re.compile(r"每(?:月|周|年|季度|天|日|半年)?$|每个?(?:月|周|星期|季度|季|天|日|半年|旬)"
                   r"[^\s，。；、,;：:！？!?0-9０-９“”\"]{0,6}$")
# 每个村配备2名, 每个网格覆盖18户, 各行政村均成立不少于15人的…: a norm each village or grid meets, not a
# figure of the township (各村共排查… is one: 各 only with 均)
NORM = re.compile(r"每个?(?:行政村|村|社区|网格|村民小组|小组|单位|企业|学校|户)[^，。；,;！？!?]{0,10}$|"
                  r"各[^，。；,;]{0,6}均[^，。；,;]{0,8}$|(?:不少于|不低于|至少|不超过|不多于)$")
NORM_REASON = "每村、每个网格的标准（如每个村配备2名），不是全镇合计"
# 六个方面, 四个意识, 两个确立, 三项制度, 两个维护: a fixed formulation counts no activity (after a number in
# Chinese numerals only; 三项制度 at a clause's end, not 三项制度汇编 or 三个服务站)
FIXED = re.compile(r"(?:方面|意识|自信|确立|维护|全面|代表|必须|务必|到位|优先|坚持|至上)|(?:制度|规定|机制|体系|原则|"
                   r"要求|重点|环节|责任|职责|措施|举措|任务|融合|联动|转变|清单|服务|统筹|结合|不)(?=$|[，。；、：！？”\"）)\s的和与及])")
FIXED_REASON = "固定提法（如“六个方面”“两个维护”），不是活动数字"
FORMULATION = ("个", "项", "条", "张", "类")  # the measures of a formulation
# A quotation with a sentence in it (a passage quoted from a speech or a work plan) is read as text; a
# short one (“八五”, “1361”工作法, “两个维护”) is a name or a slogan
PASSAGE = re.compile(r"[，。；！？,;!?]")
LONG_QUOTE = 30
# The characters around a number its reason looks at (每半年, 百分之, 余个小时 …: 4 at most), so a long
# paragraph is not copied and searched whole for each of its numbers (quadratic in its numbers).
BACK = 16


@dataclass(frozen=True)
class Found:
    """A stated figure: its span in the paragraph, the phrase as printed and what the phrase says."""
    start: int
    end: int
    phrase: str      # 70余起, 两万余人次, 近3000人次
    value: int       # the printed amount: 70, 20000, 3000; 数十/上百: the magnitude, 10 / 100
    unit: str
    word: str        # "", 余, 多, 近, 数 (数十次), 上 (上百人)
    wan: bool
    numerals: str    # arabic | hanzi | bare (千余份, 近千人: no 一 before 百/千/万)


@dataclass(frozen=True)
class Skipped:
    start: int
    end: int
    text: str
    reason: str


def number_of(text: str) -> float | None:
    text = text.translate(str.maketrans("０１２３４５６７８９，", "0123456789,")).replace(",", "")
    if re.fullmatch(r"[0-9.]+", text):
        return float(text)
    if BARE.match(text):  # 千 → 一千; '' before 万 (万余人) → 1
        text = "一" + text if text else "一"
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def scan(text: str) -> tuple[list[Found], list[Skipped]]:
    """Every figure of a paragraph, and every number skipped with its reason, in order."""
    found: list[Found] = []
    skipped: list[Skipped] = []
    taken = bytearray(len(text) + 1)  # 1 where a span already explains the character

    def take(start: int, end: int) -> None:
        taken[start:end] = b"\1" * (end - start)

    def skip(start: int, end: int, reason: str) -> None:
        skipped.append(Skipped(start, end, text[start:end], reason))
        take(start, end)

    for m in QUOTED.finditer(text):  # “八五”, “1361”: names and slogans, not counts
        inner = m.group(0)[1:-1]
        if not m.group(0).startswith("《") and (PASSAGE.search(inner) or len(inner) >= LONG_QUOTE):
            continue  # a passage quoted: its figures are found like any others
        if ARABIC.search(inner) or re.match(HANZI, inner):
            fixed = re.match(rf"(?:{HANZI})(?:个|项|条|张|种)?(?:{FIXED.pattern})", inner)
            skip(m.start(), m.end(), FIXED_REASON if fixed and fixed.end() == len(inner)
                 else "引号或书名号中的名称、口号")
        take(m.start(), m.end())
    marker = MARKER.match(text)
    if marker:
        skip(marker.start(), marker.end(), "序号")
    for m in PHONE.finditer(text):
        if not taken[m.start()]:
            skip(m.start(), m.end(), "电话号码")
    for m in DATE.finditer(text):
        if not taken[m.start()]:
            skip(m.start(), m.end(), "年份" if re.fullmatch(r"\d{4}年", m.group(0)) else "日期")
    for m in FIGURE.finditer(text):
        if taken[m.start("num")]:
            continue
        near, num, word = m.group("near") or "", m.group("num"), m.group("word") or ""
        bare = ARABIC.fullmatch(num) is None and (BARE.match(num) is not None or near in ("数", "上"))
        if bare and not (near or word):
            continue  # 千家万户, 百姓: a magnitude word, no count
        reason = _not_a_figure(text, m)
        if not reason and ARABIC.fullmatch(num) is None and not (near or bare or word or m.group("wan")) \
                and number_of(num) == 1:
            continue  # 统一起来, 一项工作, 一支队伍: 一 is a word here, not a count
        if reason:
            frequency = reason.startswith("频次")
            every = EVERY.search(text, max(0, m.start() - BACK), m.start()) if frequency else None
            fixed = FIXED.match(text, m.end()) if reason == FIXED_REASON else None
            skip(every.start() if every else m.start() - reason.startswith("序数"),
                 fixed.end() if fixed else m.end(), reason)
            continue
        value = number_of(num)
        if value is None:
            continue
        amount = value * (10_000 if m.group("wan") else 1)
        if amount != int(amount):
            skip(m.start(), m.end(), "小数，不是次数")
            continue
        found.append(Found(m.start(), m.end(), m.group(0), int(amount), m.group("unit"), near or word,
                           bool(m.group("wan")),
                           "arabic" if ARABIC.fullmatch(num) else "bare" if bare else "hanzi"))
        take(m.start(), m.end())
    for m in ARABIC.finditer(text):  # every other Arabic number is skipped, saying why
        if not taken[m.start()]:
            reason, start, end = _why_not(text, m)
            skip(start, end, reason)
    return found, sorted(skipped, key=lambda s: s.start)


def _not_a_figure(text: str, m: re.Match) -> str:
    before = text[max(0, m.start() - BACK):m.start()]
    if before.endswith("第"):
        return "序数（第N）"
    if EVERY.search(before):
        return "频次（如每月一次），不是全年合计"
    if NORM.search(before):
        return NORM_REASON
    if ARABIC.fullmatch(m.group("num")) is None and not m.group("near") and not m.group("word") \
            and m.group("unit") in FORMULATION and FIXED.match(text, m.end()):
        return FIXED_REASON  # 六个方面, 三项制度; never 三次服务 (a count of services held)
    if m.group("num").startswith("0") and len(m.group("num")) > 1:
        return "编号"
    return ""


def _why_not(text: str, m: re.Match) -> tuple[str, int, int]:
    """The reason, and the span to show: 第3次, 98.5%, 12万元, 3天 rather than the bare digits."""
    after, before = text[m.end():m.end() + BACK], text[max(0, m.start() - BACK):m.start()]
    start, end = m.start(), m.end()
    if before.endswith("第"):
        return "序数（第N）", start - 1, end + len(re.match(rf"(?:{MEASURE})?", after).group(0))
    if after[:1] in ("、", "．", ".") and re.search(r"(?:^|[）)：:。；;！？\s])$", before):
        return "序号", start, end + 1  # （二）1.按照, 工作如下：1.加强…；2.完善…
    if after[:1] in ("%", "％"):
        return "百分比", start, end + 1
    if before.endswith("百分之"):
        return "百分比", start - 3, end
    if re.match(r"年度?", after) and len(m.group(0)) == 4:
        return "年份", start, end + 1
    for words, reason in ((TIME, "时间或年龄，不是活动次数"), (MONEY, "金额")):
        unit = words.match(after)
        if unit:
            return reason, start, end + len(unit.group(0))
    if re.match(r"[A-Za-z]", after[:1]) or re.search(r"[A-Za-z]$", before):
        return "编号或代号", start, end
    return "后面没有量词，不是活动数字", start, end
