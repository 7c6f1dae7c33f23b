"""Names, kinds and skipped numbers as township staff write them (issue 23, found adopting real reports of
other townships, docs/development/adoption-trial.md): count-first 等 lists, a setting before a count,
各类 that counts the same, the township named by the report's own title, per-village norms (每个村配备N名)
that are no figure of the township, and 覆盖N人 (people reached: a flow). Pure functions on sentences."""
from __future__ import annotations

import pytest

from tasks.adoption.adopt import own_names
from tasks.adoption.kinds import kind_of
from tasks.adoption.naming import name_of
from tasks.adoption.scan import NORM_REASON, scan
from tasks.home import init_home, open_home


def named(text: str, phrase: str, **kwargs) -> str:
    at = text.index(phrase)
    return name_of(text, at, at + len(phrase), **kwargs).name


@pytest.mark.parametrize("text, phrase, name", [
    # count first after a 等 list: the list's verb and the noun after the figure (never 安全生产, the last item)
    ("举行安全稳定综合演练，模拟火灾扑救、疫情防控、防汛救灾、安全生产等10个场景，全面检验应急处置能力。", "10个", "模拟场景"),
    # noun first after a 等 list keeps its head, as before
    ("推送典型案例等资讯100余条。", "100余条", "推送典型案例资讯"),
    # a setting before the count says where, not what: 对辖区内 is no name
    ("连日来，组织力量对辖区内4个产业园开展安全生产专项检查整治行动。", "4个", "产业园"),
    ("在全镇范围内对12家企业开展安全检查。", "12家", "安全检查企业"),
    # 各类 counts the same thing: 开展各类应急演练 is 应急演练, 办理各类便民服务事项 is 办理便民服务事项
    ("今年，全镇累计开展各类应急演练15场次，演练涉及人数4000余人次。", "15场次", "应急演练"),
    ("全年办理各类便民服务事项1500余件。", "1500余件", "办理便民服务事项"),
    # count first after a holding verb and its complement (划分成): the verb and what is held, never 划分成
    ("彬州市水口镇把全镇划分成34个网格，设镇级总网格长1名。", "34个", "划分网格"),
    ("全镇划分为12个网格。", "12个", "划分网格"),
    # noun first after 设 (held): what is held names it, as the next figures of the list are named
    ("设镇级总网格长1名、镇级副网格长2名、村级网格长14名。", "1名", "镇级总网格长"),
    ("设镇级总网格长1名、镇级副网格长2名、村级网格长14名。", "2名", "镇级副网格长"),
    # a holding verb of two characters stays in a noun-first name, as before
    ("组建平安志愿者队伍36支，开展巡逻2万余人次。", "36支", "组建平安志愿者队伍"),
    # people a training reached: 覆盖 stays in the name (it is no holding here)
    ("结合党纪学习教育，开展法治培训，覆盖镇村干部200余人，组织考试1次。", "200余人", "覆盖镇村干部"),
    # the count inside a noun phrase: 机关60余名干部 counts 机关干部, never 机关
    ("将机关60余名干部进行分组，每天由科级干部带队。", "60余名", "机关干部"),
    # count first, two figures of one clause, each its own object (unchanged)
    ("全乡开展4次综合性应急演练和15场村级撤离演练。", "4次", "综合性应急演练"),
])
def test_a_figure_is_named_by_what_it_counts(text, phrase, name):
    assert named(text, phrase) == name


def test_the_township_a_report_names_itself_by_is_never_in_a_name(tmp_path):
    """A new home still holds the reference township (下汤镇) until units.yaml is corrected: the report's own
    title says which township it is, and 下蜀镇 leaves 梳理编制下蜀镇基本履职事项清单."""
    init_home(tmp_path / "home")
    texts = ["句容市下蜀镇2025年法治政府建设情况报告", "市委、市政府：", "2025年，下蜀镇坚持…"]
    own = own_names(open_home(tmp_path / "home"), texts)
    assert {"下蜀镇", "下蜀", "句容市", "句容", "下汤镇"} <= own
    text = "立足镇发展需求和管理实际，梳理编制下蜀镇基本履职事项清单117项、配合履职事项清单54项。"
    assert named(text, "117项", own=own) == "梳理编制基本履职事项清单"
    assert own_names(open_home(tmp_path / "home"), ["关于2024年度法治建设工作情况的报告"]) == \
        own_names(open_home(tmp_path / "home"))  # a title naming no township adds nothing


@pytest.mark.parametrize("text, norm, figures", [
    ("各行政村均成立了不少于15人的巡逻队伍，将机关60余名干部进行分组。", "15人", ["60余名"]),
    ("划分一级网格129个、二级网格477个，每个网格覆盖18户左右。", "18户", ["129个", "477个"]),
    ("每个村配备2名专职网格员，全镇共配备专职网格员30名。", "2名", ["30名"]),
    ("每个村民小组确定1名信息员。", "1名", []),
])
def test_a_norm_each_village_meets_is_no_figure_of_the_township(text, norm, figures):
    found, skipped = scan(text)
    assert [f.phrase for f in found] == figures
    assert [(s.text, s.reason) for s in skipped] == [(norm, NORM_REASON)]


def test_a_numbered_set_of_duties_is_a_formulation_not_a_figure():
    found, skipped = scan("同时，明确网格员七项职责，即基础信息采集、社情民意收集。制定五项措施。")
    assert not found and [s.text for s in skipped] == ["七项职责", "五项措施"]


def test_what_all_villages_did_together_is_still_a_figure():
    found, skipped = scan("各村共排查矛盾纠纷85起，各村（社区）开展宣传活动120场。")
    assert [f.phrase for f in found] == ["85起", "120场"] and not skipped


@pytest.mark.parametrize("before, measure, after, kind", [
    ("开展法治培训，覆盖镇村干部", "人", "", "flow"),       # people a training reached
    ("开展入户宣传，覆盖群众", "户", "", "flow"),
    ("开展法治宣传“六进”活动32场次，覆盖群众", "人次", "", "flow"),
    ("全镇共配备专职网格员", "名", "", "stock"),            # held, as before
    ("镇政府聘请", "名", "法律顾问", "stock"),
    ("划分一级网格", "个", "", "stock"),
])
def test_people_reached_are_a_flow_and_people_held_a_stock(before, measure, after, kind):
    assert kind_of(before, measure, after) == kind
