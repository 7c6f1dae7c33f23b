"""The words of a report's sentences, as a township clerk reads them: whole words from jieba (a name is
never cut inside a word by a length limit), and the few kinds of words naming cares about — the verbs
of township work, the verbs that only say something was done (开展, 组织), the subjects (镇综治中心, 全乡),
the modifiers (各类) and the function words no name may begin or end with (和, 超, 至, 的, 了, 等).

jieba's part-of-speech tags are not used: on this vocabulary they are too often wrong (排查/vn, 所/c,
深入开展/i); the lists below decide, and jieba only says where words begin and end."""
from __future__ import annotations

import re
from functools import lru_cache

# Verbs of township work: what a clerk counts is "verb + object" (发放宣传彩页, 排查矛盾纠纷).
VERBS = frozenset((
    "发放", "安装", "制作", "整理", "备案", "调处", "调解", "化解", "排查", "受理", "办理", "提供", "走访", "接待",
    "张贴", "悬挂", "播放", "推送", "印发", "审核", "审查", "签订", "签署", "聘请", "聘任", "划分", "划定", "配备",
    "配齐", "组建", "设立", "设置", "建立", "成立", "建成", "整改", "查处", "检查", "巡查", "核查", "督查", "劝导",
    "救助", "慰问", "帮扶", "登记", "代写", "解答", "出动", "摸排", "清理", "拆除", "培育", "选聘", "派驻", "编制",
    "梳理", "修订", "制定", "出台", "清查", "处置", "处理", "消除", "治理", "约谈", "宣讲", "发布", "推出",
    "刊发", "转发", "上报", "报送", "收集", "征集", "采集", "录入", "参加", "参与", "覆盖", "帮助", "指导",
    "协调", "督办", "化解", "接收", "签发", "更新", "维护", "新建", "新增", "打击", "抓获", "破获", "侦破", "立案",
    "结案", "办结", "调查", "回访", "走访慰问", "排查整治", "排查化解", "整治", "挂牌", "张挂", "分发", "赠送",
    "捐赠", "投放", "设置了", "悬挂了", "举报", "联系", "对接", "组织召开", "完成", "模拟", "包联",
))
# Verbs that say only that something happened: dropped from a name (开展4次综合性应急演练 → 综合性应急演练).
LIGHT = frozenset(("开展", "组织", "组织开展", "深入开展", "扎实开展", "广泛开展", "举办", "召开", "举行", "进行",
                   "开展了", "举办了", "召开了", "组织了", "进行了", "实施", "完成", "提供", "累计", "共", "先后",
                   "累计开展", "共开展", "积极开展", "持续开展", "集中开展", "全面开展", "组织召开"))
# Holding verbs of a stock: the object alone names it (划分15个基础网格 → 基础网格).
HOLDING = frozenset(("划分", "划定", "配备", "配齐", "组建", "设立", "设置", "建立", "成立", "建成", "现有",
                     "共有", "拥有", "建有", "覆盖", "设"))
# Verbs that need their object: alone they are no name a clerk can fill (划分, 签订).
NEEDS_OBJECT = (VERBS | LIGHT | HOLDING) - frozenset(("调处", "调解", "化解", "宣讲", "巡查",
                                                       "慰问", "回访", "走访"))
FUNCTION = frozenset(("和", "及", "与", "或", "并", "以及", "超", "超过", "至", "的", "了", "等", "着", "过", "之",
                      "以上", "左右", "余", "多", "达", "共", "计", "约", "为", "是", "在", "对", "向", "给", "将",
                      "把", "被", "从", "于", "其中", "同时", "还", "又", "也", "都", "另", "均", "各", "次", "其"))
# Words of manner before a verb (深入开展 → 开展): never the start of a name.
ADVERBS = frozenset(("深入", "广泛", "积极", "扎实", "持续", "全面", "大力", "认真", "集中", "及时", "先后", "累计",
                     "共", "共计", "合计", "总计", "全年", "成功", "依法", "主动", "定期", "不定期", "多次", "逐步",
                     "切实", "进一步", "有效", "分别", "陆续", "常态化", "精准", "重点", "已", "已经", "均", "全部",
                     "共同", "联合", "同步", "常年", "及时"))
# Modifiers that do not change what is counted (调处各类矛盾纠纷 is 调处矛盾纠纷): for matching only.
MODIFIERS = re.compile(r"各类|各种|各项|各级|相关|有关|多种|多类|一系列|形式多样的?|丰富多彩的?|全体")
QUOTES = {"“": "”", "《": "》", "「": "」", "‘": "’", '"': '"', "（": "）", "(": ")"}
DOMAIN = ("网格员", "专职网格员", "调解员", "法律明白人", "矛盾纠纷", "防溺亡", "反诈", "综治中心", "责任状",
          "法律顾问", "宣传彩页", "宣传单", "宣传册", "警示标识牌", "普法", "撤离演练", "应急演练", "巡逻队",
          "志愿服务队", "安全隐患", "风险隐患", "履职事项", "事项清单", "典型案例")


@lru_cache(maxsize=1)
def _jieba():
    """jieba with its dictionary loaded once (~1 s), quietly, and the words of township work it lacks."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in DOMAIN:
        jieba.add_word(word, freq=200_000)
    return jieba


def teach(*names: str) -> None:
    """Words jieba must keep whole: the township's and county's names (下蜀镇 is one word, not 下/蜀/镇)."""
    for name in names:
        if name:
            _jieba().add_word(name, freq=200_000)


def words(text: str) -> list[str]:
    """Whole words of a piece of a sentence; a quotation (“法律进万家”, 《民法典》) stays one word."""
    out: list[str] = []
    rest = text
    while rest:
        at = min((rest.find(q) for q in QUOTES if q in rest), default=-1)
        if at < 0:
            return out + _jieba().lcut(rest, HMM=True)
        close = rest.find(QUOTES[rest[at]], at + 1)
        if close < 0:
            return out + _jieba().lcut(rest[:at], HMM=True) + [rest[at:]]
        out += _jieba().lcut(rest[:at], HMM=True) + [rest[at:close + 1]]
        rest = rest[close + 1:]
    return out


def is_verb(word: str) -> bool:
    return word in VERBS or word in LIGHT or word in HOLDING


def split_verb(name: str) -> tuple[str, str]:
    """(verb, object) of a name: 发放宣传彩页 → (发放, 宣传彩页), 宣传彩页发放 → (发放, 宣传彩页),
    普法宣传版面 → ('', 普法宣传版面). Modifiers dropped from the object (各类)."""
    for verb in sorted(VERBS | LIGHT | HOLDING, key=len, reverse=True):
        if name.startswith(verb) and len(name) > len(verb) + 1:
            return verb, MODIFIERS.sub("", name[len(verb):])
        if name.endswith(verb) and len(name) > len(verb) + 1:
            return verb, MODIFIERS.sub("", name[:-len(verb)])
    return "", MODIFIERS.sub("", name)


def balanced(name: str) -> bool:
    """No half of a quotation: each opening mark closed after it, no closing mark alone."""
    for open_, close in QUOTES.items():
        if open_ == close:
            if name.count(open_) % 2:
                return False
            continue
        depth = 0
        for ch in name:
            depth += (ch == open_) - (ch == close)
            if depth < 0:
                return False
        if depth:
            return False
    return True
