"""What a figure counts: the words before it (发放宣传彩页7000余份 → 发放宣传彩页), matched to an indicator
of the catalog by name or alias, else a new indicator with a stable ASCII code from its name's pinyin."""
from __future__ import annotations

import re

from schemas.catalog import Derived, Indicator, label_key

BOUNDARY = re.compile(r"[，。；：！？、,;:!?（）()\[\]【】\s]")
WHEN = re.compile(r"^(?:\d{4}年度?|今年|全年|本年度?|年内|上半年|下半年|[一二三四]季度|当年)")
LINKS = ("以及", "其中", "共计", "累计", "先后", "同时", "此外", "另外", "全年共", "和", "及", "与", "并", "还",
         "共", "另", "又")
TAILS = ("共计", "累计", "总计", "合计", "达到", "共", "达", "约", "为", "了", "计")
ORGANISE = ("组织开展", "组织召开", "开展了", "组织", "开展", "举办", "召开", "举行", "进行")
VERBS = ("发放", "安装", "制作", "整理", "备案", "调处", "调解", "化解", "排查", "受理", "办理", "举办", "开展",
         "提供", "培训", "走访", "接待", "张贴", "悬挂", "播放", "推送", "印发", "审核", "审查")
SETTINGS = ("在", "对", "向", "为", "给")  # where or for whom, before the verb of a clause
MAX_NAME = 14


def clause_before(text: str, start: int, floor: int = 0) -> str:
    """The words from the last boundary (or the previous figure) up to the figure."""
    cut = max([floor] + [m.end() for m in BOUNDARY.finditer(text, floor, start)])
    return text[cut:start]


def words_after(text: str, end: int) -> str:
    m = BOUNDARY.search(text, end)
    return text[end:m.start() if m else len(text)].removeprefix("的")


def _strip(words: str) -> str:
    changed = True
    while changed:
        old = words
        words = WHEN.sub("", words)
        for w in LINKS:
            words = words.removeprefix(w)
        for w in TAILS:
            words = words.removesuffix(w)
        changed = words != old
    return words


def name_of(text: str, start: int, end: int, floor: int = 0, previous: str = "") -> str:
    """A name for the indicator a figure counts; '' when the report gives none."""
    words = _strip(clause_before(text, start, floor))
    words = words.rsplit("等", 1)[-1]
    for verb in ORGANISE:  # 重点内容组织开展法律专题培训 → 法律专题培训
        at = words.rfind(verb)
        if at >= 0 and len(words) - at - len(verb) >= 2:
            words = words[at + len(verb):]
            break
    if words[:1] in SETTINGS:  # 在河道坑塘安装警示标识牌 → 安装警示标识牌; 对群众提供… → 提供…
        at = min((i for i in (words.find(v) for v in VERBS) if i > 0), default=-1)
        words = words[at:] if at > 0 else words
    if len(words) < 2 or words in ORGANISE:  # 组织开展12次法律专题培训: the name follows the figure
        after = _strip(words_after(text, end))
        if len(after) >= 2:
            return after[:MAX_NAME]
    if len(words) == 2 and words in VERBS and previous:  # 排查矛盾纠纷35起，化解33起 → 化解矛盾纠纷
        return words + _object(previous)
    return words[-MAX_NAME:] if len(words) >= 2 else ""


def _object(name: str) -> str:
    for verb in VERBS:
        if name.startswith(verb):
            return name[len(verb):]
    return name


def keys_of(name: str) -> set[str]:
    """A name and its verb-swapped twin: 宣传彩页发放 ↔ 发放宣传彩页."""
    keys = {label_key(name)}
    for verb in VERBS:
        if name.endswith(verb) and len(name) > len(verb):
            keys.add(label_key(verb + name[:-len(verb)]))
        if name.startswith(verb) and len(name) > len(verb):
            keys.add(label_key(name[len(verb):] + verb))
    return keys


def keys_of_entry(entry: Indicator | Derived) -> set[str]:
    """What an entry is matched by: its name's and aliases' keys (and twins), of three characters or more."""
    return {k for n in (entry.name, *entry.aliases) for k in keys_of(n) if len(k) >= 3}


class NameIndex:
    """The catalog's keys by unit, so that matching a figure's words looks up each of their substrings (at
    most the longest key's length a position) instead of searching the words for every key of every
    indicator: adopt was quadratic in figures (1,000 / 2,000 / 4,000: 28 / 76 / 188 s, issue 22)."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str], set[str]] = {}   # (unit, key) → codes
        self._longest = 0

    def add(self, entry: Indicator | Derived) -> None:
        for key in keys_of_entry(entry):
            self._codes.setdefault((entry.unit, key), set()).add(entry.code)
            self._longest = max(self._longest, len(key))

    def remove(self, entry: Indicator | Derived) -> None:
        for key in keys_of_entry(entry):
            codes = self._codes.get((entry.unit, key), set())
            codes.discard(entry.code)
            if not codes:
                self._codes.pop((entry.unit, key), None)

    def match(self, words: str, unit: str) -> str | None:
        """The indicator whose name or alias the words hold nearest their end (then the longest, then the
        greatest code), with the same unit: the key ending last is found first, scanning ends backwards."""
        text = label_key(words)
        for end in range(len(text), 2, -1):
            for size in range(min(self._longest, end), 2, -1):
                codes = self._codes.get((unit, text[end - size:end]))
                if codes:
                    return max(codes)
        return None


def code_base(name: str) -> str:
    """XUANCHUANCAIYE for 宣传彩页: the pinyin of the name, at most 24 letters."""
    from pypinyin import lazy_pinyin  # ~1 s to load its dictionaries: only when a new indicator is named

    letters = ""
    for syllable in lazy_pinyin(name, errors=lambda chars: [c for c in chars if c.isascii() and c.isalnum()]):
        syllable = re.sub(r"[^A-Za-z0-9]", "", syllable).upper()
        if len(letters) + len(syllable) > 24:
            break
        letters += syllable
    return letters if letters[:1].isalpha() else f"F{letters}"


def code_for(base: str, taken: set[str], start: int = 1) -> tuple[str, int]:
    """The base (code_base of a name), else base_2, base_3 …, trying from number `start`; the first code
    not taken and its number."""
    n = start
    code = base if n == 1 else f"{base}_{n}"
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code, n
