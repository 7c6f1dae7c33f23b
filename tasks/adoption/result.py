"""What adopting a report found: each figure with the indicator it became, each number skipped with its
reason, and warnings for the operator; as the review table's rows and as DESIGN §7's JSON."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from schemas.catalog import Kind, Stating


@dataclass(frozen=True)
class Figure:
    paragraph: int       # 1-based, the report's paragraphs (blank ones counted; a .txt's line number)
    start: int
    end: int
    phrase: str          # as printed: 70余起, 98.2%
    code: str
    name: str
    unit: str
    stating: Stating
    total: int           # a yearly total the draft states as this phrase again
    new: bool            # a new indicator (False: one the catalog had)
    derived: str = ""    # "ratio" / "sum" for a derived figure
    kind: Kind = "flow"  # as the catalog aggregates it: flow (the months' sum) or stock (期末数)
    ask: str = ""        # what the operator must decide about the name ('' when a clerk can fill it)
    place: str = ""      # a table cell: 第5段后的表格第2行第3列 ("" for a body paragraph)

    @property
    def name_ok(self) -> bool:
        return not self.ask

    def way(self) -> str:
        """The review table's words for the stating: 约数·保留2位·万·余 …"""
        s = self.stating
        if self.derived == "ratio":
            return "百分比（派生）"
        numerals = {"hanzi": ["汉字"], "bare": ["汉字（千余、近千）"]}.get(s.numerals, [])
        if s.style != "approx":
            return "·".join(["精确", *numerals])
        word = {"数": "数十", "上": "上百"}.get(s.word, s.word)
        parts = ["约数", f"保留{s.digits}位"] + (["万"] if s.wan else []) + [word]
        return "·".join(parts + numerals)


@dataclass(frozen=True)
class Skip:
    paragraph: int
    text: str
    reason: str
    place: str = ""      # as Figure.place


@dataclass(frozen=True)
class Adoption:
    template: Path
    catalog: Path
    year: int | None
    figures: tuple[Figure, ...]
    skipped: tuple[Skip, ...]
    warnings: tuple[str, ...] = field(default=())
    kept: tuple[tuple[str, str], ...] = ()     # (code, name): indicators no template states, kept for their data
    dropped: tuple[tuple[str, str], ...] = ()  # (code, name): reference indicators no template states, removed
    literals: tuple[dict[str, str], ...] = ()  # numbers kept as printed: listed in every draft's to-do

    def as_json(self) -> dict[str, object]:
        return {"template": str(self.template), "catalog": str(self.catalog), "year": self.year,
                "figures": [{"code": f.code, "name": f.name, "unit": f.unit, "style": f.stating.style or "exact",
                             "digits": f.stating.digits, "wan": bool(f.stating.wan), "word": f.stating.word,
                             "numerals": f.stating.numerals, "phrase": f.phrase, "paragraph": f.paragraph,
                             "new": f.new, "derived": f.derived or None, "total": f.total,
                             "kind": f.kind, "name_ok": f.name_ok, "ask": f.ask or None,
                             "place": f.place or f"第{f.paragraph}段"}
                            for f in self.figures],
                "skipped": [{"text": s.text, "reason": s.reason, "paragraph": s.paragraph,
                             "place": s.place or f"第{s.paragraph}段"} for s in self.skipped],
                "carried_over": [{"text": r["text"], "reason": r["reason"], "place": r["place"]}
                                 for r in self.literals],
                "warnings": list(self.warnings),
                "kept": [{"code": c, "name": n} for c, n in self.kept],
                "dropped": [{"code": c, "name": n} for c, n in self.dropped]}
