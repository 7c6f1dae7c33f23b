"""Reports whose every number must be accounted for (issue 23, item 3), written as township staff write
them: a table of the year's figures (a 序号 column, row labels, a nested table in a cell), 千余/近千/数十/
上百, fixed formulations (六个方面, “两个维护”), frequencies (每月开展1次), a quoted speech with figures in
it, money and a percentage nothing explains."""
from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Pt

from schemas.registry import Township
from tests.reports import Para

ANLIANG: list[Para] = [
    "郏县安良镇人民政府",
    "关于2024年平安建设工作情况的报告",
    "",
    "2024年，安良镇坚持以习近平新时代中国特色社会主义思想为指导，增强“四个意识”、坚定“四个自信”、做到“两个维护”，"
    "围绕六个方面重点工作，落实三项制度，扎实推进平安建设。现将有关情况报告如下。",
    "一、主要工作",
    "（一）矛盾纠纷排查化解。镇综治中心每月开展1次矛盾纠纷集中排查，全年排查矛盾纠纷85起，调处成功率达100%，"
    "投入专项经费0.5万余元。",
    "（二）普法宣传。全年发放反诈宣传资料千余份，开展法律咨询百余人次，组织群众近千人参加“平安家庭”创建活动，"
    "开展“送法进村”活动数十场，吸引上百人观看法治电影。",
    "（三）基层治理。镇党委书记在全镇平安建设推进会上强调：“全年要开展专项整治行动3轮，做到小事不出村、"
    "大事不出镇。”会后，各村共召开群众会42场。",
    "（四）数据统计。全年主要工作数据见下表。",
    "二、存在的问题",
    "一是群众参与度不够高；二是专业力量不足。",
    "三、2025年工作打算",
    "2025年，安良镇将持续深化平安建设，每季度召开2次平安建设联席会议。",
    "安良镇人民政府",
    "2025年1月10日",
]
ANLIANG_TOWNSHIP = Township(code="410425104", name="安良镇", county="郏县")
TABLE_AFTER = 9  # the table follows 第9段 (（四）数据统计…)
TABLE = [("序号", "工作内容", "完成情况"), ("1", "开展平安宣传活动", "220余次"), ("2", "受理行政复议案件", "7件"),
         ("3", "办理信访事项", "98件")]
NESTED = ("4", "法律服务", [("提供法律援助", "35人次")])  # a table in the last row's cell
# the true activity figures of the report: what adopt must find, each once
FIGURES = ["85起", "千余份", "百余人次", "近千人", "数十场", "上百人", "3轮", "42场", "220余次", "7件", "98件", "35人次"]
NOT_FIGURES = {"“四个意识”", "“四个自信”", "“两个维护”", "六个方面", "三项制度", "每月开展1次", "每季度召开2次",
               "100%", "0.5万余元"}


def write_with_table(paragraphs: list[Para], path: Path, after: int = TABLE_AFTER) -> Path:
    """The report as Word saves it, its table of figures placed after paragraph `after` (1-based)."""
    doc = docx.Document()
    body = []
    for i, para in enumerate(paragraphs):
        p = doc.add_paragraph()
        run = p.add_run(para if isinstance(para, str) else "".join(t for t, _ in para))
        if i < 2:
            run.bold, run.font.size = True, Pt(22)
        body.append(p)
    table = doc.add_table(rows=len(TABLE) + 1, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    last = table.rows[len(TABLE)].cells
    last[0].text, last[1].text = NESTED[0], NESTED[1]
    inner = last[2].add_table(rows=len(NESTED[2]), cols=2)
    for r, (label, figure) in enumerate(NESTED[2]):
        inner.cell(r, 0).text, inner.cell(r, 1).text = label, figure
    body[after - 1]._p.addnext(table._tbl)
    doc.save(str(path))
    return path


def cell_texts(doc) -> list[str]:
    """Every cell paragraph's text of the document's tables, nested ones included, in order."""
    from docx.oxml.ns import qn

    return ["".join(t.text or "" for t in p.iter(qn("w:t")))
            for tbl in doc.element.body.iterchildren(qn("w:tbl")) for p in tbl.iter(qn("w:p"))]
