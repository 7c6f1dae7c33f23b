"""The exact/approx rule of DESIGN §5, table-tested."""
import pytest

from tasks.drafts.wording import state_figure, state_number


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
