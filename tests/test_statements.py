"""What the draft states for each figure of a catalog — derived sums and ratios, frequencies — and what
it refuses to state (0, nothing reported, a ratio without a denominator)."""
from __future__ import annotations

from schemas.catalog import Catalog, Derived, Indicator
from schemas.settings import Wording
from tasks.drafts.statements import statements
from tasks.ledger.aggregate import Figures

CATALOG = Catalog(
    indicators=(
        Indicator(code="LEAFLET", name="宣传彩页发放", unit="份", style="approx"),
        Indicator(code="LAW_BOOK", name="法治书籍发放", unit="本", style="approx"),
        Indicator(code="DISPUTE", name="调处矛盾纠纷", unit="起", style="exact"),
        Indicator(code="MEDIATED", name="调解成功", unit="起", style="exact"),
        Indicator(code="LECTURE", name="宣讲", unit="次", per="month", numerals="hanzi"),
        Indicator(code="MEETING", name="现场会", unit="场"),
        Indicator(code="SIGN", name="警示牌", unit="处", style="approx"),
    ),
    derived=(
        Derived(code="MATERIALS", name="发放各类宣传资料", unit="份", sum=("LEAFLET", "LAW_BOOK"), style="approx"),
        Derived(code="MEDIATION_RATE", name="调解成功率", ratio=("MEDIATED", "DISPUTE")),
        Derived(code="SIGN_RATE", name="警示牌覆盖率", ratio=("SIGN", "MEETING")),
    ),
)


def figures(**totals: int) -> Figures:
    months = {f"2024-{m:02d}": 1 for m in range(1, 13)}
    filled = set(totals) | {"LECTURE"}
    return Figures(periods=tuple(months), totals={**totals, "LECTURE": 12}, by_month={"LECTURE": months},
                   filled=frozenset(filled))


def test_derived_sums_and_ratios_are_stated_from_their_terms():
    stated = statements(figures(LEAFLET=7260, LAW_BOOK=4150, DISPUTE=56, MEDIATED=55, MEETING=0),
                        CATALOG, Wording(), {}, 2024)
    assert stated["MATERIALS"].text == "1万余份" and stated["MATERIALS"].total == 11410
    assert "宣传彩页发放 7260份 + 法治书籍发放 4150本 = 11410份" in stated["MATERIALS"].note
    assert stated["MEDIATION_RATE"].text == "98.2%"
    assert stated["LECTURE"].text == "每月一次"
    assert stated["DISPUTE"].text == "56起"


def test_zero_unreported_and_undefined_figures_are_never_stated():
    stated = statements(figures(MEETING=0, DISPUTE=0), CATALOG, Wording(), {}, 2024)
    assert (stated["MEETING"].text, stated["MEETING"].empty) == ("××场", "本年各单位已接收的月报表中现场会均为0")
    assert (stated["SIGN"].text, stated["SIGN"].empty) == ("××处", "本年没有单位填报警示牌")
    assert stated["MEDIATION_RATE"].text == "××%" and "调处矛盾纠纷" in stated["MEDIATION_RATE"].empty
    assert stated["SIGN_RATE"].empty and stated["MATERIALS"].text == "××份"
