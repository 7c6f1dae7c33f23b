"""units.yaml in time (issue 28): from/until/merged_into/renamed_from/names read, each impossible timeline
refused in Chinese with its line, and the one notion `active_in` with what follows from it."""
import pytest

from schemas.problems import ContractError
from schemas.registry import dump_registry, load_registry
from schemas.registry_time import (
    absent_notice,
    active_in,
    changes_in,
    expected_pairs,
    name_in,
    predecessors,
    year_names,
)

HEAD = 'township: {code: "410423105", name: 下汤镇, county: 鲁山县}\nunits:\n'
MERGED = HEAD + """\
- {code: "410423105001", name: 下汤镇司法所, kind: office}
- {code: "410423105211", name: 东村, until: 2025-06, merged_into: "410423105299"}
- {code: "410423105212", name: 西村, until: 2025-06, merged_into: "410423105299"}
- {code: "410423105213", name: 南村, until: 2025-06, merged_into: "410423105299"}
- {code: "410423105299", name: 新下汤村, from: 2025-07}
- {code: "410423105301", name: 新华社区, kind: community, from: 2025-03}
- code: "410423105202"
  name: 松垛村
  names: [{name: 松垛堡村, until: 2025-04}]
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def problems_of(tmp_path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_registry(path)
    assert "请修改 units.yaml 后重试" in str(caught.value)
    return [(p.line, p.message) for p in caught.value.problems]


@pytest.fixture
def merged(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text(MERGED, encoding="utf-8")
    return load_registry(path)


def test_a_timed_registry_is_read_and_survives_the_round_trip(merged, tmp_path):
    east = merged.by_code()["410423105211"]
    assert (east.until, east.merged_into, east.from_) == ("2025-06", "410423105299", None)
    again = tmp_path / "again.yaml"
    again.write_text(dump_registry(merged), encoding="utf-8")
    assert "from: 2025-07" in again.read_text(encoding="utf-8") or "from: '2025-07'" in again.read_text(encoding="utf-8")
    assert load_registry(again) == merged


def test_active_in_is_from_until_both_included(merged):
    units = merged.by_code()
    assert [active_in(units["410423105211"], m) for m in ("2025-01", "2025-06", "2025-07")] == [True, True, False]
    assert [active_in(units["410423105299"], m) for m in ("2025-06", "2025-07", "2026-01")] == [False, True, True]
    owed = expected_pairs(merged, [f"2025-{m:02d}" for m in range(1, 13)])
    # office 12 + three villages 6 each + successor 6 + community 10 (from March) + 松垛村 12
    assert len(owed) == 12 + 18 + 6 + 10 + 12
    assert ("410423105211", "2025-07") not in owed and ("410423105299", "2025-07") in owed


def test_history_names_and_notices_follow_the_successor(merged):
    assert sorted(predecessors(merged, "410423105299")) == ["410423105211", "410423105212", "410423105213"]
    assert absent_notice(merged, "410423105211", "2025-07") == "本单位自2025年7月起并入新下汤村，请由新下汤村报送"
    # June's own return in July is taken; in August the folder is closed and says where to report
    assert absent_notice(merged, "410423105211", "2025-06", "2025-07") == ""
    assert "请由新下汤村报送" in absent_notice(merged, "410423105211", "2025-06", "2025-08")
    assert "自2025年3月起报送" in absent_notice(merged, "410423105301", "2025-02")
    songduo = merged.by_code()["410423105202"]
    assert (name_in(songduo, "2025-04"), name_in(songduo, "2025-05")) == ("松垛堡村", "松垛村")


def test_the_years_changes_and_the_appendix_names(merged):
    assert changes_in(merged, 2025) == ["2025年3月起新设新华社区（410423105301）",
                                        "2025年5月起松垛堡村更名为松垛村",
                                        "2025年7月起新设新下汤村（410423105299）",
                                        "2025年7月起东村、西村、南村并入新下汤村"]
    assert changes_in(merged, 2024) == []
    names = year_names(merged, 2025)
    assert names["410423105211"] == "东村（2025年7月起并入新下汤村）"
    assert names["410423105299"] == "新下汤村"
    assert set(year_names(merged, 2026)) == {"410423105001", "410423105299", "410423105301", "410423105202"}


def test_a_code_used_twice_is_refused_at_its_second_line(tmp_path):
    text = MERGED + '- {code: "410423105212", name: 西村二组}\n'
    [(line, message)] = problems_of(tmp_path, text)
    assert line == line_of(text, "西村二组") and "单位代码重复" in message and "410423105212" in message


def test_a_successor_missing_or_closed_is_refused_with_its_line(tmp_path):
    text = MERGED.replace('until: 2025-06, merged_into: "410423105299"}\n- {code: "410423105212"',
                          'until: 2025-06, merged_into: "410423105999"}\n- {code: "410423105212"')
    [(line, message)] = problems_of(tmp_path, text)
    assert line == line_of(text, "410423105999") and "410423105999 不是名录中的单位代码" in message
    closed = MERGED.replace('name: 新下汤村, from: 2025-07}', 'name: 新下汤村, from: 2025-07, until: 2025-06}')
    found = problems_of(tmp_path, closed)
    assert (line_of(closed, "新下汤村"), "until（2025-06）早于 from（2025-07）：最后报送的月份不能早于开始报送的月份") in found
    assert {line for line, m in found if "在 2025-07 不存在" in m} == {line_of(closed, n) for n in ("东村", "西村", "南村")}


def test_a_merge_cycle_and_a_bad_month_are_refused_with_their_lines(tmp_path):
    text = HEAD + """\
- {code: "A1", name: 甲村, until: 2025-06, merged_into: "B1"}
- {code: "B1", name: 乙村, until: 2025-08, merged_into: "A1"}
- {code: "C1", name: 丙村, from: 2025-13}
"""
    found = problems_of(tmp_path, text)
    assert (line_of(text, "丙村"), "应为年月，如 2025-07（这里是“2025-13”）") in found
    path = tmp_path / "units.yaml"
    path.write_text(text.replace("from: 2025-13", "from: 2025-01"), encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_registry(path)
    cycles = [p.line for p in caught.value.problems if "形成循环" in p.message]
    assert cycles == [line_of(text, "甲村"), line_of(text, "乙村")]


def test_the_documented_example_is_a_valid_registry(tmp_path):
    """docs/office/units.md's units.yaml loads, and says what the page says it says."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "office" / "units.md").read_text(encoding="utf-8")
    path = tmp_path / "units.yaml"
    path.write_text(re.search(r"```yaml\n(.*?)```", page, re.S)[1], encoding="utf-8")
    registry = load_registry(path)
    assert "2025年7月起东村、西村、南村并入新下汤村" in changes_in(registry, 2025)
    assert year_names(registry, 2025)["410423105401"] == "岳庄村（2025年10月起更名为岳庄社区）"
    assert "2025年7月起东村、西村、南村并入新下汤村" in page


def test_the_drafts_missing_units_name_the_months_each_owed(merged):
    from tasks.drafts.truth import missing_returns
    from tasks.ledger.aggregate import Figures

    months = tuple(f"2025-{m:02d}" for m in range(1, 13))
    only = frozenset({("410423105001", m) for m in months} | {("410423105202", m) for m in months[:11]}
                     | {("410423105211", m) for m in months[:6]})
    [silent, gaps] = missing_returns(Figures(periods=months, unit_months=only), merged, 2025)
    assert silent.startswith("2025年全年没有收到这些单位的月报表：西村（应报1—6月）、南村（应报1—6月）、"
                             "新下汤村（应报7—12月）、新华社区（应报3—12月）。")
    assert "松垛村缺12月" in gaps and "东村" not in silent + gaps


def test_a_merged_units_month_goes_in_one_way_at_a_time(merged):
    """Through 东村's own folder while it is open (July), through 新下汤村's once it is closed (August on);
    never a month 新下汤村 itself reports, nor a unit that was not merged into it."""
    from tasks.returns.unit_time import for_predecessor

    east, heir = "410423105211", "410423105299"
    assert not for_predecessor(merged, heir, east, "2025-06", "2025-07")
    assert absent_notice(merged, east, "2025-06", "2025-07") == ""
    assert for_predecessor(merged, heir, east, "2025-06", "2025-08")
    assert absent_notice(merged, east, "2025-06", "2025-08").endswith("请由新下汤村报送")
    assert not for_predecessor(merged, heir, east, "2025-07", "2025-08")         # not 东村's month
    assert not for_predecessor(merged, heir, "410423105202", "2025-03", "2025-08")  # 松垛村 was never merged
