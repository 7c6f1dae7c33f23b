"""`township adopt` and the reading of a 修改稿 are bounded (issue 22, item 5): the catalog is matched by
key, so the work per figure does not grow with the indicators made before it; a hostile .docx is refused
before (or while) a limited child reads it, with exit 2 and the reason in Chinese."""
from __future__ import annotations

import docx

import tasks.adoption.naming as naming
from flows.bench.adopt import many_figures_report
from tasks.adoption.adopt import read_paragraph
from tasks.adoption.rewrite import text_of
from tasks.adoption.working import Working
from tasks.home import open_home
from tests.helpers import make_home


def test_matching_a_figure_does_not_search_every_indicator_made_before_it(tmp_path, monkeypatch):
    """Every indicator's keys (its name's and aliases') were computed again for every later figure:
    ~500,000 times for 1,000 figures. Now a few times an indicator, whatever the figures' number."""
    home = make_home(tmp_path / "home")
    calls = []
    real = naming.keys_of
    monkeypatch.setattr(naming, "keys_of", lambda name: calls.append(name) or real(name))
    doc = docx.Document(str(many_figures_report(1000, tmp_path / "report.docx")))
    work = Working(home.catalog.indicators, home.catalog.derived, home.settings.wording)
    figures, skips = [], []
    for number, paragraph in enumerate(doc.paragraphs, start=1):
        found, _ = read_paragraph(text_of(paragraph), number, 2024, work, skips)
        figures += found
    assert len(figures) == 1000 and sum(f.new for f in figures) == 1000
    entries = len(home.catalog.indicators) + len(home.catalog.derived)
    assert len(calls) <= 4 * (len(figures) + entries), len(calls)
