"""The exact/approx rule of DESIGN §5, table-tested."""
import pytest

from tasks.drafts.wording import Way, per_month, percent, state_figure, state_number


@pytest.mark.parametrize("n, style, stated", [
    (0, "approx", "0"), (1, "approx", "1"), (9, "approx", "9"), (10, "approx", "10"),
    (15, "approx", "10余"), (19, "approx", "10余"), (70, "approx", "70"), (73, "approx", "70余"),
    (100, "approx", "100"), (128, "exact", "128"), (128, "approx", "100余"), (214, "approx", "200余"),
    (7260, "approx", "7000余"), (10000, "approx", "10000"), (10001, "approx", "10000余"),
    (23, "approx", "20余"), (4150, "approx", "4000余"), (630, "approx", "600余"), (107, "approx", "100余"),
    (12, "exact", "12"), (0, "exact", "0"), (73, "exact", "73"),
])
def test_state_number(n, style, stated):
    assert state_number(n, style) == stated


def test_state_figure_appends_the_unit():
    assert state_figure(73, "approx", "起") == "70余起"
    assert state_figure(1, "exact", "场") == "1场"
    assert state_figure(7260, "approx", "份") == "7000余份"


@pytest.mark.parametrize("n, kwargs, stated", [  # DESIGN §7's examples, then the edges
    (953, {"digits": 2}, "950余"), (1523, {"digits": 2}, "1500余"), (2846, {"digits": 2}, "2800余"),
    (73, {"digits": 2}, "73"), (1500, {"digits": 2}, "1500"),
    (23456, {"wan": True}, "2万余"), (56000, {"wan": True}, "5万余"), (50000, {"wan": True}, "5万"),
    (300001, {"wan": True}, "30万余"), (15300, {"wan": True, "digits": 2}, "1.5万余"), (9999, {"wan": True}, "9000余"),
    (15, {"numerals": "hanzi"}, "十余"), (23456, {"wan": True, "numerals": "hanzi"}, "两万余"),
    (123456, {"wan": True, "digits": 2, "numerals": "hanzi"}, "十二万余"),
    (2950, {"word": "近"}, "近3000"), (2100, {"word": "近"}, "2000余"), (3000, {"word": "近"}, "3000"),
    (76, {"word": "多"}, "70多"),
])
def test_state_number_in_a_townships_own_way(n, kwargs, stated):
    assert state_number(n, "approx", **kwargs) == stated


def test_exact_ignores_wan_and_states_hanzi_as_said():
    assert state_number(12089, "exact", wan=True) == "12089"
    assert state_number(2, "exact", numerals="hanzi") == "两"


@pytest.mark.parametrize("num, den, decimals, stated", [
    (73, 73, 1, "100%"), (55, 56, 1, "98.2%"), (991, 1000, 1, "99.1%"), (1, 3, 0, "33%"), (2, 3, 2, "66.67%"),
    (1, 0, 1, ""),
    # exact halves round up, as a reader rounds (half-to-even would print 12%, 6.2%, 2%)
    (1, 8, 0, "13%"), (1, 16, 1, "6.3%"), (1, 40, 0, "3%"),
])
def test_percent(num, den, decimals, stated):
    assert percent(num, den, decimals) == stated


def test_per_month_is_a_frequency_only_when_every_month_had_the_same_count():
    hanzi = Way(numerals="hanzi")
    assert per_month([1] * 12, 12, hanzi, "次") == "每月一次"
    assert per_month([2] * 12, 24, hanzi, "次") == "每月两次"
    assert per_month([1] * 11 + [13], 24, hanzi, "次") == "全年共二十四次"
    assert per_month([20] * 11 + [0], 213, Way(style="approx"), "次") == "全年共200余次"
    assert per_month([6000] * 11 + [6469], 72469, Way(style="approx", wan=True), "次") == "全年共7万余次"
