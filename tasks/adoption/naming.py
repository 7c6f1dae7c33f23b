"""What a figure counts, named as a clerk reads it on a monthly return (DESIGN §7.1): the activity, verb
and object, in whole words, at most 16 characters.

- Count first (开展4次综合性应急演练, 15场村级撤离演练, 聘请3名法律顾问): the object follows the figure; a
  verb that only says something happened (开展) or that something is held (划分, 配备) is dropped, any
  other is kept (签订30余份责任状 → 签订责任状).
- Noun first (发放宣传彩页7000余份, 排查矛盾纠纷85起): the words before it, less the subject (镇政府, 全乡,
  人民调解委员会), the time (2024年), manner words (深入) and 开展/组织.
- A 等 list keeps its head: one example is kept (推送典型案例等资讯 → 推送典型案例资讯), several give way to
  the verb (排查安全生产、消防等风险隐患 → 排查风险隐患).
Where no such name can be made (a bare verb, half a quotation, a word that names nothing), the name is
the best whole words found and `ask` says what the operator must decide: never a fragment in silence."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.adoption.words import (
    ADVERBS,
    FUNCTION,
    HOLDING,
    LIGHT,
    MODIFIERS,
    NEEDS_OBJECT,
    VERBS,
    balanced,
    is_verb,
    split_verb,
    words,
)

MAX_NAME = 16
WINDOW = 120  # characters looked at either side of a figure: a clause is shorter, a 等 list rarely longer
BOUNDARY = "，。；：！？、,;:!?[]【】 \t\n"
STRONG = "，。；：！？,;:!?\n"
OPENING, CLOSING = "“《「‘（(", "”》」’）)"  # inside these no boundary: 村（社区）综治中心
WHEN = re.compile(r"^(?:\d{2,4}|\d{4}年度?|年度?|今年|全年|本年度?|年内|上半年|下半年|[一二三四]季度|当年|今年以来|"
                  r"年初以来|以来|截至目前|目前|截至|期间|其中)$")
TAILS = frozenset(("共计", "累计", "总计", "合计", "达到", "共", "达", "约", "为", "了", "计", "有", "近",
                   "成"))  # 划分成34个网格: the verb's complement
SETTINGS = frozenset(("在", "对", "向", "为", "给", "面向", "针对", "围绕", "通过"))
KEEP_LIGHT = frozenset(("提供",))  # 提供法律咨询 reads as the activity; 开展 never does
PEOPLE = frozenset(("人", "人次", "名", "户", "户次", "家"))  # N人参加…: the people who did what follows
GENERIC = frozenset(("群众", "人员", "企业", "工作", "活动", "事项", "问题", "会议", "资料", "人", "次", "件", "个"))


@dataclass(frozen=True)
class Naming:
    name: str       # '' when the report gives none
    ask: str = ""   # what the operator must decide about the name ('' when a clerk can fill it as it is)
    used: int = 0   # where the words the name took end: the next figure's own words begin after


def _outside_quotes(text: str, lo: int, hi: int, marks: str) -> list[int]:
    """Positions in [lo, hi) of any of `marks` not inside “…” or 《…》 (a quoted slogan's commas)."""
    depth, out = 0, []
    for i in range(lo, hi):
        ch = text[i]
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in marks:
            out.append(i)
    return out


def _before_start(text: str, lo: int, hi: int, marks: str = BOUNDARY) -> int:
    found = _outside_quotes(text, lo, hi, marks)
    return found[-1] + 1 if found else lo


def clause_before(text: str, start: int, floor: int = 0) -> str:
    """The words from the last boundary (or the previous figure's words) up to the figure."""
    return text[_before_start(text, max(floor, start - WINDOW), start):start]


def _trimmed(ws: list[str], own: frozenset[str]) -> list[str]:
    """Words of a name less what no name begins or ends with: time, links, manner, subjects, settings."""
    ws = [w for w in ws if w.strip() and w not in own and not MODIFIERS.fullmatch(w)]  # 各类: counts the same
    changed = True
    while changed and ws:
        before = list(ws)
        if ws[0] in SETTINGS:  # 在河道坑塘安装警示标识牌 → 安装警示标识牌; 对辖区内 (no verb): a setting only
            verbs = [i for i, w in enumerate(ws) if is_verb(w) and i + 1 < len(ws)]
            ws = ws[verbs[0]:] if verbs else []
        while ws and (WHEN.match(ws[0]) or ws[0] in FUNCTION or ws[0] in ADVERBS or ws[0] in "、"):
            ws = ws[1:]
        while ws and (ws[-1] in TAILS or ws[-1] in FUNCTION or ws[-1] in "、" or ws[-1] in ADVERBS):
            ws = ws[:-1]
        first = next((i for i, w in enumerate(ws) if is_verb(w)), len(ws))
        if 0 < first < len(ws) - 1:  # who did it, and when: 镇法律服务所提供…, 网格员全年走访群众 → 走访群众
            ws = ws[first:]
        changed = ws != before
    return ws


def _setting_only(ws: list[str]) -> bool:
    """Whether the words end in a setting with no verb after it (…对辖区内, 在全镇范围内): they say where,
    not what; the figure's own words follow it."""
    at = max((i for i, w in enumerate(ws) if w in SETTINGS), default=-1)
    return at >= 0 and not any(is_verb(w) for w in ws[at + 1:])


def _light_cut(ws: list[str]) -> list[str]:
    """After the last 开展/组织 that leaves two characters or more: 组织开展法律专题培训 → 法律专题培训."""
    for i in range(len(ws) - 1, -1, -1):
        if ws[i] in LIGHT and ws[i] not in KEEP_LIGHT and len("".join(ws[i + 1:])) >= 2:
            return ws[i + 1:]
    return ws


def _fit(ws: list[str]) -> str:
    """At most 16 characters, by whole words: the leading verb kept, the words after it dropped first."""
    while len("".join(ws)) > MAX_NAME and len(ws) > 1:
        del ws[1 if is_verb(ws[0]) and len(ws) > 2 else 0]
    return "".join(ws)


def _object_after(text: str, end: int, stop: int) -> tuple[list[str], list[str], int]:
    """The noun phrase right after a count (4次综合性应急演练和… → 综合性应急演练), the verb phrase after
    it (15家企业开展安全检查, 200余人参加宪法宣誓), and where the noun phrase ends."""
    at = end + 1 if text[end:end + 1] == "的" else end
    ws = words(text[at:stop])
    n = next((i for i, w in enumerate(ws) if w in FUNCTION or is_verb(w) or w == "、"), len(ws))
    v = next((i for i, w in enumerate(ws[n:], n) if w in FUNCTION or w == "、"), len(ws)) if n < len(ws) \
        and is_verb(ws[n]) else n
    return ws[:n], ws[n:v], at + len("".join(ws[:n]))


def _listed(text: str, lo: int, cut: int, start: int, own: frozenset[str],
            after: list[str] = ()) -> list[str] | None:  # type: ignore[assignment]
    """A 等 list before the figure: its one example and the noun after 等, or the verb and that noun; the
    noun after the figure when the count comes right after 等 (模拟火灾扑救、防汛救灾等10个场景 → 模拟场景)."""
    ws = words(text[cut:start])
    if "等" not in ws:
        return None
    at = len(ws) - 1 - ws[::-1].index("等")
    tail = _trimmed(ws[at + 1:], own) or (list(after) if at == len(ws) - 1 else [])
    if not tail or any(is_verb(w) for w in tail):  # 等重点内容组织开展培训: not a list of what is counted
        return None
    head_from = _before_start(text, lo, start, STRONG)
    head = words(text[head_from:cut]) + ws[:at]
    items = _trimmed(head, own)
    several = any(w in ("、", "和", "及", "以及", "与") for w in items)
    verb = next((w for w in items if is_verb(w)), "")
    verb = "" if verb in LIGHT and verb not in KEEP_LIGHT else verb
    if not several:
        one = _light_cut(items)
        if len("".join(one + tail)) <= MAX_NAME:
            return one + tail
    return ([verb] if verb else []) + tail


def name_of(text: str, start: int, end: int, floor: int = 0, previous: str = "", ceiling: int | None = None,
            own: frozenset[str] = frozenset(), measure: str = "") -> Naming:
    """The name of what the figure text[start:end] counts. `floor`: where the previous figure's words end;
    `ceiling`: where the next figure begins; `own`: the township's and county's names, never in a name."""
    ceiling = len(text) if ceiling is None else ceiling
    lo = max(floor, start - WINDOW)
    cut = _before_start(text, lo, start)
    stop = next(iter(_outside_quotes(text, end, min(ceiling, end + WINDOW), BOUNDARY)), min(ceiling, end + WINDOW))
    before = _trimmed(words(text[cut:start]), own)
    after, doing, used = _object_after(text, end, stop)
    after = _trimmed(after, own)
    if _setting_only(before):  # 组织力量对辖区内4个产业园: where it was done, the count comes first
        before = []
    listed = _listed(text, lo, cut, start, own, after)
    if listed:
        return _judged(_fit(listed), end)
    doing = _light_cut(_trimmed(doing, own))
    if doing and (not before or is_verb(before[-1]) or measure in PEOPLE) and (not after or "".join(after) in GENERIC):
        return _judged(_fit(doing + after), used)  # 200余人参加宪法宣誓 → 参加宪法宣誓; 15家企业开展安全检查
    if after and (not before or is_verb(before[-1])) and len("".join(after)) >= 2:  # the count comes first
        verb = before[-1] if before else ""
        keep = verb and not ((verb in LIGHT or verb in HOLDING) and len("".join(after)) >= 3)
        return _judged(_fit(([verb] if keep else []) + after), used)
    ws = _light_cut(before)
    if ws and len(ws[0]) == 1 and ws[0] in HOLDING and len("".join(ws[1:])) >= 3:  # 设镇级总网格长1名、镇级副
        # 网格长2名: what is held names it, as the list's next items are named (组建平安志愿者队伍 keeps 组建)
        ws = ws[1:]
    if ws and after and not any(is_verb(w) for w in ws):  # 机关60余名干部: the count sits inside the noun
        return _judged(_fit(ws + after), used)
    name = _fit(ws)
    if name in VERBS and previous:  # 排查矛盾纠纷35起，化解33起 → 化解矛盾纠纷
        return _judged(_fit([name, split_verb(previous)[1] or previous]), end)
    if len(name) < 2 and len("".join(after)) >= 2:
        return _judged(_fit(after), used)
    return _judged(name if len(name) >= 2 else "", end)


def _judged(name: str, used: int) -> Naming:
    """The name, and what to ask when a clerk could not fill it as it is."""
    if not name:
        return Naming("", "", used)
    if name in NEEDS_OBJECT:
        ask = f"“{name}”只是动词，原文没有说{name}的是什么"
    elif not balanced(name):
        ask = f"“{name}”是引文的一部分"
    elif name in GENERIC:
        ask = f"“{name}”说不出计的是哪项工作"
    else:
        return Naming(name, "", used)
    return Naming(name, ask + "：请在指标目录（indicators.yaml）中改为它计的事项（动词加对象，如“发放宣传彩页”），"
                        "再运行 township template --all", used)


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
