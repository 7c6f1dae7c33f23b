"""Whether a figure of a report is a flow (what was done: 开展4次演练, the year's figure the months' sum)
or a stock (what is held: 划分15个基础网格, 聘请3名法律顾问, 清单117项, 压减至20项 — the year's figure each
unit's latest value, summed; DESIGN §7.1). Decided from the words around the figure only: a pure
function, so the review shows what it decided and the operator can change `kind` in the catalog."""
from __future__ import annotations

import re
from dataclasses import replace

from schemas.catalog import Catalog, Kind
from tasks.adoption.result import Figure
from tasks.adoption.scan import MEASURE

# Measures that count happenings: whatever the verb, a flow (组建巡逻队开展巡逻120次).
FLOW_MEASURES = frozenset(("次", "场", "场次", "期", "人次", "户次", "起", "课时", "堂", "节", "轮", "封",
                           "份", "本", "册", "张", "篇"))
TALLY = re.compile(r"共计|合计|总计|累计|共|计|达|为|约|\s")
CLAUSE_END = re.compile(r"[，。；：！？,;:!?、\n]")
FIGURE = re.compile(rf"(?:[0-9０-９]+|[零〇一二两三四五六七八九十百千]+)万?(?:余|多)?(?:{MEASURE})")
# Holding something: set up, staffed, counted as it stands. Not after 新 (新组建2支: this year's new ones).
STOCK_VERBS = re.compile(r"(?<!新)(?:划分|划定|配备|配齐|聘请|聘任|聘用|组建|设立|设置了|成立|建立|现有|共有|拥有|"
                         r"建成|建有|覆盖|清单)|至$")
# Doing something (after the holding verb it wins: 设立调解室接待群众300人 counts people received).
FLOW_VERBS = re.compile(r"新增|新建|新招|新聘|新配|新组建|新设|开展|举办|召开|组织|发放|培训|走访|接待|调处|"
                        r"调解(?![委室组员])|化解|排查|受理|办理|服务(?![队站中])|帮助|救助|慰问|参与|参加|签订|整治|"
                        r"查处|劝导|巡逻(?![队组])|演练")  # not the holder's name: 巡逻队, 服务站, 调解委员会
# What units hold, named right before (专职网格员15名) or right after (15个基础网格) the figure.
STOCK_NOUNS = re.compile(r"网格员?|法律顾问|巡逻队|工作小组|工作专班|调解委员会|调解组织|志愿服务队|服务队|"
                         r"工作站|服务站|联络站|微信群|清单")


# 覆盖镇村干部200余人, 覆盖群众3000户: people reached by what was done, a flow (网格覆盖 is said per grid)
REACHED = re.compile(r"覆盖[^，。；、]{0,8}$")
REACH_MEASURES = frozenset(("人", "户", "名", "家"))


def kind_of(words_before: str, measure: str, words_after: str) -> Kind:
    """`words_before`/`words_after`: the paragraph's text before and after the figure (any length; only
    its own clause counts); `measure`: its measure word (个, 名, 支, 项 …)."""
    if measure in FLOW_MEASURES:
        return "flow"
    clauses = CLAUSE_END.split(words_before)
    near = FIGURE.split(clauses[-1])[-1]  # the figure's own words, not an earlier figure's of the clause
    if not TALLY.sub("", near) and len(clauses) > 1:  # 梳理履职事项清单，共计117项: the clause before says what
        near = FIGURE.split(clauses[-2])[-1]
    after = CLAUSE_END.split(words_after)[0]
    if measure in REACH_MEASURES and REACHED.search(near):
        return "flow"
    holds = [m.end() for m in STOCK_VERBS.finditer(near)]
    does = [m.end() for m in FLOW_VERBS.finditer(near)]
    if holds and max(holds) > max(does, default=-1):
        return "stock"
    if does:
        return "flow"
    held = STOCK_NOUNS.search(near[-6:]) or STOCK_NOUNS.search(after[:8])  # 专职网格员15名 · 15个基础网格
    return "stock" if held else "flow"


def kinded(figures: list[Figure], catalog: Catalog) -> tuple[Figure, ...]:
    """Each figure with its indicator's kind as the merged catalog holds it (what the review shows)."""
    return tuple(replace(f, kind=catalog.kind_of(f.code)) for f in figures)
