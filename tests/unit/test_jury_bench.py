"""bench_ranking (grants/jury/ranking.py), the figure scripts/bench.py reports as ranking_10k_ms: it
builds a real ranking of random sheets and times it."""
from __future__ import annotations

from decimal import Decimal as D

from grants.jury.ranking import _random_input, bench_ranking, build_ranking


def test_the_benchmark_input_is_a_full_panel_on_every_application():
    criteria, applications, sheets, envelope = _random_input(40, 5, 6, seed=3)
    assert len(criteria) == 6 and sum(c.weight for c in criteria) == D(100)
    assert len(sheets) == 40 * 5 and {len(s.scores) for s in sheets} == {6}
    ranking = build_ranking(criteria, applications, sheets, threshold=D(50), envelope=envelope)
    assert [r.count for r in ranking.rows] == [5] * 40 and ranking.envelope_index is not None


def test_bench_ranking_reports_milliseconds():
    assert bench_ranking(200, jurors=5, criteria=6) > 0
