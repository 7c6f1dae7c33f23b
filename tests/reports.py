"""Townships' own reports, written the way their staff write them, built as real .docx files.

Each report is a list of paragraphs; a paragraph is a string, or a list of (text, bold) runs where the
report's Word split a figure across runs. Each township states its figures its own way."""
from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Pt

from schemas.registry import Registry, Township, Unit

Para = str | list[tuple[str, bool]]

# 宝丰县城关镇: every figure exact, a success rate, a phone number; one figure split across three runs.
CHENGGUAN: list[Para] = [
    "宝丰县城关镇人民政府",
    "关于2024年度法治建设工作情况的报告",
    "",
    "2024年，城关镇党委、政府在县委、县政府的正确领导下，坚持以习近平法治思想为指导，扎实推进法治城关建设，"
    "现将有关情况报告如下。",
    "一、主要工作开展情况",
    "（一）矛盾纠纷排查化解",
    "全年共排查矛盾纠纷356起，成功调解342起，调解成功率96.1%。镇综治中心受理群众来访1208人次，"
    "办理信访事项87件。",
    "（二）普法宣传",
    [("围绕“八五”普法规划，开展“法律进万家”活动48场次，", False), ("发放宣传资料1", False), ("20", True),
     ("89份，张贴标语326条，受教育群众15236人次。", False)],
    "（三）法律服务",
    "镇法律服务所提供法律咨询693人次，代写法律文书41份，办理法律援助案件17件。群众满意度达98%。"
    "咨询电话：0375-6012345。",
    "二、存在的问题",
    "一是普法形式还不够新颖；二是基层调解员业务能力有待提高。",
    "三、2025年工作打算",
    "2025年，城关镇将继续深化法治宣传教育，提升矛盾纠纷化解水平。",
    "城关镇人民政府",
    "2025年1月8日",
]

# 叶县辛集乡: approximate figures keeping two digits, 十余次 in Chinese numerals, numbered points 1. 2. 3.
XINJI: list[Para] = [
    "叶县辛集乡人民政府",
    "2024年法治政府建设工作总结",
    "",
    "今年以来，辛集乡坚持以习近平法治思想为指导，围绕乡党委、政府中心工作，依法行政水平不断提升。",
    "一、工作成效",
    "1.普法宣传广泛深入。全乡共开展各类普法活动120余场次，覆盖群众2800余人次，发放《民法典》读本950余本、"
    "宣传资料1500余份。",
    "2.矛盾化解扎实有效。排查矛盾纠纷65起，化解63起；人民调解委员会接待群众咨询380余人次。",
    "3.依法行政水平提升。审核乡政府合同23份，第3季度开展执法检查十余次。",
    "二、下一步打算",
    "一是加强学习培训；二是规范执法行为；三是持续开展“法律明白人”培养工程。",
]

# 新华区东城街道: 万, 近, 多, several figures a sentence, 两万余 in Chinese numerals, a total broken down (其中).
DONGCHENG: list[Para] = [
    "新华区东城街道办事处",
    "关于2024年度平安建设工作情况的报告",
    "",
    "2024年，东城街道在区委、区政府的坚强领导下，深入推进平安东城建设，辖区社会大局持续稳定。",
    "一、主要做法",
    "（一）群防群治。组建平安志愿者队伍36支，累计开展巡逻2万余人次、排查安全隐患1.2万余处、"
    "整改安全隐患近3000处。",
    "（二）宣传发动。开展平安宣传进社区活动150多场，发放宣传品5万余份，受教育群众两万余人次。",
    "（三）物资保障。全年发放防范宣传资料3200份，其中反诈宣传单2100份、安全手册1100本。",
    "二、2025年工作思路",
    "坚持和发展新时代“枫桥经验”，持续深化平安建设。",
]

REPORTS = {
    "城关镇": (CHENGGUAN, Township(code="410421100", name="城关镇", county="宝丰县")),
    "辛集乡": (XINJI, Township(code="410422200", name="辛集乡", county="叶县")),
    "东城街道": (DONGCHENG, Township(code="410402001", name="东城街道", county="新华区")),
}


def registry_for(township: Township) -> Registry:
    return Registry(township=township, units=(
        Unit(code=f"{township.code}001", name=f"{township.name}司法所", kind="office"),
        Unit(code=f"{township.code}201", name="东关村", kind="village"),
    ))


def write_report(paragraphs: list[Para], path: Path) -> Path:
    """A .docx as Word saves it: the title bold and larger, body text in runs."""
    doc = docx.Document()
    for i, para in enumerate(paragraphs):
        p = doc.add_paragraph()
        for text, bold in ([(para, i < 2)] if isinstance(para, str) else para):
            run = p.add_run(text)
            run.bold = bold
            if i < 2:
                run.font.size = Pt(22)
    doc.save(str(path))
    return path
