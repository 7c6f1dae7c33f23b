"""The indicator catalog (DESIGN §2): what clerks report and how the draft states it."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from schemas import load_yaml
from schemas.problems import ContractError, ContractProblem, model_fields, validation_problems
from schemas.snapshots import snapshotted

Style = Literal["exact", "approx"]
# 70余起, 70多起 (something dropped); 近3000人次 (a little short of it); 数十次 (20–99: several tens);
# 上百人 (100–199: reaching a hundred); outside its range 数 and 上 state as 余 does
Word = Literal["余", "多", "近", "数", "上"]
# 12次, 十余次 / 两万余人次 / 一千余份, or bare: Chinese numerals without the 一 before 百/千/万 where the figure
# is approximate (千余份, 近千人, 百余人次, 万余人; exactly 1000 is still 一千份)
Numerals = Literal["arabic", "hanzi", "bare"]
Operator = Literal["<=", "<", ">=", ">", "==", "!="]
# flow: what happened in the month, a period's figure the sum of its months (DHIS2's SUM); stock: a count
# held at a time (网格, 法律顾问, 清单N项), a period's figure each unit's latest value in it, summed over
# units (DHIS2's "last value in period, sum in org unit hierarchy"). tasks/ledger/aggregate.py applies it.
Kind = Literal["flow", "stock"]
KIND_WORDS = {"flow": "按月相加", "stock": "期末数"}


class Stating(BaseModel):
    """How the draft states a figure (DESIGN §7). Left unset (None), the township's default in
    township.toml [wording] applies: a township that states every figure exactly says so once."""
    model_config = ConfigDict(frozen=True, defer_build=True)
    style: Style | None = None
    digits: int | None = Field(default=None, ge=1, le=3)  # approx: significant digits kept (1: 70余, 2: 1500余)
    wan: bool | None = None                               # approx: from 10,000 on in 万 (2万余人次)
    word: Word = "余"
    numerals: Numerals = "arabic"
    per: Literal["month"] | None = None                   # 每月一次: the same count every month, as a frequency


class Indicator(Stating):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    unit: str
    section: str = ""
    aliases: tuple[str, ...] = ()
    kind: Kind = "flow"

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_in_words(cls, value: object) -> object:
        if value not in ("flow", "stock"):
            raise ValueError("kind 只能是 flow（每月发生的数，年度数为各月相加）或 stock（期末数：月末现有的数量，"
                             f"年度数为各单位最近一个月的数相加），这里是“{value}”")
        return value


class Derived(Stating):
    """A figure the draft states but no clerk reports: a sum of indicators (发放各类宣传资料 = LEAFLET +
    LAW_BOOK) or a ratio stated as a percentage (调解成功率 = MEDIATED / DISPUTE → 99.1%)."""
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    unit: str = ""
    aliases: tuple[str, ...] = ()
    sum: tuple[str, ...] = ()
    ratio: tuple[str, str] | None = None
    decimals: int = Field(default=1, ge=0, le=2)  # a ratio's decimals at most: 100%, 99.1%

    @model_validator(mode="after")
    def _one_kind(self) -> Derived:
        if bool(self.sum) == bool(self.ratio):
            raise ValueError(f"derived {self.code}: give either sum or ratio")
        return self

    def terms(self) -> tuple[str, ...]:
        return self.sum or tuple(self.ratio or ())


class Rule(BaseModel):
    """A cross-field rule like DHIS2's validation rules: left <op> right over indicator codes."""
    model_config = ConfigDict(frozen=True, defer_build=True)
    code: str
    left: str
    op: Operator
    right: str
    level: Literal["error", "warning"] = "warning"
    message: str

    def terms(self, side: str) -> list[str]:
        return [t.strip() for t in getattr(self, side).split("+") if t.strip()]


LABEL_NOISE = re.compile(r"[\s:：*（）()\[\]【】]")


def label_key(text: object) -> str:
    """Normalise a label for matching: NFKC, no whitespace or punctuation clerks add (（）:：*)."""
    return _label_key(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=8192)
def _label_key(text: str) -> str:  # labels repeat across thousands of returns: normalise each once
    return LABEL_NOISE.sub("", unicodedata.normalize("NFKC", text))


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    version: int = 1
    indicators: tuple[Indicator, ...]
    derived: tuple[Derived, ...] = ()
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        seen: dict[str, str] = {}
        for ind in self.indicators:
            for key in (ind.code, label_key(ind.name), *map(label_key, ind.aliases)):
                if seen.setdefault(key, ind.code) != ind.code:
                    raise ValueError(f"“{key}”同时指向指标 {seen[key]} 和 {ind.code}，名称和别名不能重复")
        codes = {i.code for i in self.indicators}
        for d in self.derived:
            if d.code in seen or label_key(d.name) in seen:
                raise ValueError(f"catalog: derived {d.code} repeats a code or name of an indicator")
            unknown = [t for t in d.terms() if t not in codes]
            if unknown:
                raise ValueError(f"derived {d.code}: unknown indicator {unknown[0]}")
        for rule in self.rules:
            for term in rule.terms("left") + rule.terms("right"):
                if term not in codes:
                    raise ValueError(f"校验规则 {rule.code} 用到了目录中没有的指标 {term}")
        return self

    def by_code(self) -> Mapping[str, Indicator]:
        return self.code_table

    def lookup(self) -> Mapping[str, str]:
        """label key (code, name or alias) → indicator code."""
        return self.label_table

    # Built once per catalog (it is frozen), not once per file: validating a return asks for both.
    # Plain dicts (they travel to the reading workers with the catalog); read them, never change them.
    @cached_property
    def code_table(self) -> Mapping[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def stocks(self) -> frozenset[str]:
        """The codes of the indicators counted as stocks (kind: stock): what `figures_for` needs to know."""
        return frozenset(i.code for i in self.indicators if i.kind == "stock")

    def kind_of(self, code: str) -> Kind:
        """An indicator's kind; a derived sum is a stock when all its terms are (a ratio: a flow)."""
        if code in self.code_table:
            return self.code_table[code].kind
        d = next((d for d in self.derived if d.code == code), None)
        return "stock" if d is not None and d.sum and set(d.sum) <= self.stocks else "flow"

    @cached_property
    def label_table(self) -> Mapping[str, str]:
        table: dict[str, str] = {}
        for ind in self.indicators:
            table[ind.code] = ind.code
            table[label_key(ind.code)] = ind.code
            table[label_key(ind.name)] = ind.code
            for alias in ind.aliases:
                table[label_key(alias)] = ind.code
        return table


@snapshotted
def load_catalog(path: Path) -> Catalog:
    """indicators.yaml as a model; anything wrong in it a `ContractError` naming the line and the field."""
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContractError(path.name, [ContractProblem("", mark.line + 1 if mark else None,
                                                "YAML 格式错误：请检查缩进、冒号和引号")]) from None
    try:
        return Catalog(**(data if isinstance(data, dict) else {}))
    except ValidationError as exc:
        raise ContractError(path.name, validation_problems(exc, text, model_fields(Catalog), yaml=True)) from None
