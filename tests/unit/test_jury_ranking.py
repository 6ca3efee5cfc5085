"""The jury ranking (grants/jury/ranking.py): figures computed by hand, ties, normalisation per
juror, the threshold and envelope lines, and properties checked against an exact Fraction oracle."""
from __future__ import annotations

import statistics
from decimal import Decimal as D
from fractions import Fraction
from math import floor

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grants.jury.ranking import (
    DISAGREEMENT_SPREAD,
    DISAGREEMENT_STD,
    ApplicationInput,
    CriterionInput,
    SheetInput,
    bench_ranking,
    build_ranking,
)

ENVELOPE = D("500000.00")

# Three criteria on different scales: weights 50 (0..10), 30 (1..5), 20 (0..4).
THREE = [CriterionInput(1, D(50), 0, 10), CriterionInput(2, D(30), 1, 5), CriterionInput(3, D(20), 0, 4)]
# One criterion of weight 100 on 0..100: a sheet's total is its score, which keeps the arithmetic short.
POINTS = [CriterionInput(1, D(100), 0, 100)]


def app(application_id, dossier=None, requested="1000.00", organisation=None):
    dossier = dossier if dossier is not None else f"D-{application_id:03d}"
    return ApplicationInput(application_id, dossier or None, organisation or f"Org {application_id}", D(requested))


def points(application_id, juror_id, total):
    return SheetInput(application_id, juror_id, {1: D(str(total))})


def rank_points(sheets, applications=None, **kwargs):
    ids = sorted({s.application_id for s in sheets})
    applications = applications if applications is not None else [app(i) for i in ids]
    kwargs.setdefault("envelope", ENVELOPE)
    return build_ranking(POINTS, applications, sheets, **kwargs)


# --------------------------------------------------------------------------- one sheet's total


@pytest.mark.parametrize(("scores", "total"), [
    ({1: 10, 2: 5, 3: 4}, "100.00"),  # the highest mark everywhere
    ({1: 0, 2: 1, 3: 0}, "0.00"),  # the lowest mark everywhere (scale 2 starts at 1)
    ({1: 7, 2: 4, 3: 3}, "72.50"),  # 50*7/10 + 30*3/4 + 20*3/4 = 35 + 22.5 + 15
    ({1: "6.5", 2: 2, 3: 1}, "45.00"),  # 32.5 + 30*1/4 + 20*1/4 = 32.5 + 7.5 + 5
    ({1: "3.3", 2: 5, 3: 0}, "46.50"),  # 16.5 + 30 + 0
    ({1: 8, 2: 3}, "68.75"),  # 3 left empty: (50*0.8 + 30*0.5) / 80 * 100 = 55 / 80 * 100
    ({2: 4}, "75.00"),  # only 2 scored: its weight counts for everything, 3/4
    ({1: 9, 3: 1}, "71.43"),  # 2 left empty: (50*0.9 + 20*0.25) / 70 * 100 = 50 / 70 * 100 = 71.428...
])
def test_sheet_total(scores, total):
    sheet = SheetInput(1, 7, {k: D(str(v)) for k, v in scores.items()})
    ranking = build_ranking(THREE, [app(1)], [sheet], envelope=ENVELOPE)
    assert ranking.rows[0].weighted_total == D(total)
    assert ranking.sheets[0].total == D(total)


def test_a_score_given_as_none_is_left_empty():
    with_none = SheetInput(1, 7, {1: D(8), 2: D(3), 3: None})
    ranking = build_ranking(THREE, [app(1)], [with_none], envelope=ENVELOPE)
    assert ranking.rows[0].weighted_total == D("68.75")  # as if 3 were missing


def test_display_rounds_half_up():
    # 100 * 0.01 / 8 = 0.125 points: half up gives 0.13 (banker's rounding would give 0.12).
    eighths = [CriterionInput(1, D(100), 0, 8)]
    ranking = build_ranking(eighths, [app(1)], [SheetInput(1, 1, {1: D("0.01")})], envelope=ENVELOPE)
    assert ranking.rows[0].weighted_total == D("0.13")


def test_weights_need_not_add_up_to_100():
    # Weights 1 and 3 give the same totals as 25 and 75: the sum of the weights divides.
    small = [CriterionInput(1, D(1), 0, 10), CriterionInput(2, D(3), 0, 10)]
    ranking = build_ranking(small, [app(1)], [SheetInput(1, 1, {1: D(2), 2: D(6)})], envelope=ENVELOPE)
    assert ranking.rows[0].weighted_total == D("50.00")  # (1*0.2 + 3*0.6) / 4 * 100 = 2.0 / 4 * 100


# --------------------------------------------------------------------------- an application's figures


@pytest.mark.parametrize(("totals", "mean", "median", "std", "low", "high", "disagreement"), [
    # 80, 60, 70: mean 70; deviations 10, -10, 0: variance 200/2 = 100, std 10.
    (["80", "60", "70"], "70.00", "70.00", "10.00", "60.00", "80.00", False),
    # 90, 50, 60, 70: mean 67.5, median (60+70)/2 = 65; squares 506.25 + 306.25 + 56.25 + 6.25 = 875,
    # 875/3 = 291.67, std 17.08; spread 40.
    (["90", "50", "60", "70"], "67.50", "65.00", "17.08", "50.00", "90.00", True),
    # A single sheet: the standard deviation is undefined, not 0.
    (["64.5"], "64.50", "64.50", None, "64.50", "64.50", False),
    # Spread exactly 25 with a low std: mean 55, squares 4*25 + 400 = 500, 500/4 = 125, std 11.18.
    (["50", "50", "50", "50", "75"], "55.00", "50.00", "11.18", "50.00", "75.00", True),
    # Spread 24.9 and std 11.14: below both lines.
    (["50", "50", "50", "50", "74.9"], "54.98", "50.00", "11.14", "50.00", "74.90", False),
    # Two sheets 24 apart: spread below 25, but std 24/sqrt(2) = 16.97 >= 15.
    (["50", "74"], "62.00", "62.00", "16.97", "50.00", "74.00", True),
    # Two sheets 21 apart: std 14.85 < 15 and spread 21 < 25.
    (["50", "71"], "60.50", "60.50", "14.85", "50.00", "71.00", False),
])
def test_application_figures(totals, mean, median, std, low, high, disagreement):
    sheets = [points(1, juror, total) for juror, total in enumerate(totals, start=1)]
    row = rank_points(sheets).rows[0]
    assert (row.weighted_total, row.mean, row.median, row.min, row.max) == (
        D(mean), D(mean), D(median), D(low), D(high))
    assert row.std == (None if std is None else D(std))
    assert row.count == len(totals)
    assert row.disagreement is disagreement


def test_disagreement_lines_are_the_documented_constants():
    assert (DISAGREEMENT_SPREAD, DISAGREEMENT_STD) == (D(25), D(15))


def test_only_the_given_sheets_count_and_their_number_is_shown():
    ranking = rank_points([points(1, 1, 80), points(1, 2, 60), points(2, 1, 50)])
    assert [(r.application_id, r.count) for r in ranking.rows] == [(1, 2), (2, 1)]


# --------------------------------------------------------------------------- ranks and ties


def test_competition_ranking_and_tie_order():
    # Totals: 1 -> 80; 2 (dossier A), 5 (dossier B), 3 (no dossier) -> 70; 4 -> 50.
    applications = [app(1, "X"), app(2, "A"), app(3, ""), app(4, "Z"), app(5, "B")]
    sheets = [points(1, 1, 80), points(2, 1, 70), points(3, 1, 70), points(4, 1, 50), points(5, 1, 70)]
    ranking = rank_points(sheets, applications)
    assert [(r.application_id, r.rank) for r in ranking.rows] == [(1, 1), (2, 2), (5, 2), (3, 2), (4, 5)]


def test_a_tie_without_dossier_numbers_is_listed_by_application_id():
    applications = [app(9, ""), app(4, ""), app(6, "")]
    ranking = rank_points([points(9, 1, 60), points(4, 1, 60), points(6, 1, 60)], applications)
    assert [(r.application_id, r.rank) for r in ranking.rows] == [(4, 1), (6, 1), (9, 1)]


def test_ranks_use_unrounded_totals():
    # A: (70 + 70 + 70.01) / 3 = 70.00333..., B: 70. Both are shown as 70.00; A ranks first.
    sheets = [points(2, 1, 70), points(2, 2, 70), points(2, 3, 70),
              points(1, 1, 70), points(1, 2, 70), points(1, 3, "70.01")]
    ranking = rank_points(sheets)
    assert [(r.application_id, r.weighted_total, r.rank) for r in ranking.rows] == [
        (1, D("70.00"), 1), (2, D("70.00"), 2)]


def test_the_order_of_the_sheets_never_splits_a_tie():
    # The same three totals in another order: in floating point 33.33 + 66.67 + 10.01 and
    # 10.01 + 66.67 + 33.33 need not be equal; the ranking must still call it a tie.
    marks = ["33.33", "66.67", "10.01"]
    sheets = [points(1, j, m) for j, m in enumerate(marks, 1)] + [
        points(2, j, m) for j, m in enumerate(reversed(marks), 1)]
    ranking = rank_points(sheets)
    assert [r.rank for r in ranking.rows] == [1, 1]


# --------------------------------------------------------------------------- normalised per juror


def test_normalisation_by_hand():
    # Juror 1 (strict) scores applications 1 and 2: 30 and 50; mean 40, std 14.142, z -0.7071, +0.7071.
    # Juror 2 (lenient) scores 3 and 4: 70 and 90; mean 80, std 14.142, z -0.7071, +0.7071.
    # All sheets: 30, 50, 70, 90: mean 60, std sqrt(2000/3) = 25.8199.
    # Normalised: 60 +/- 0.70711 * 25.8199 = 60 +/- 18.2574 -> 78.26 (2 and 4) and 41.74 (1 and 3).
    sheets = [points(1, 1, 30), points(2, 1, 50), points(3, 2, 70), points(4, 2, 90)]
    ranking = rank_points(sheets)
    assert [(r.application_id, r.weighted_total, r.rank, r.normalised_total, r.normalised_rank, r.rank_change)
            for r in ranking.rows] == [
        (4, D("90.00"), 1, D("78.26"), 1, 0),
        (3, D("70.00"), 2, D("41.74"), 3, -1),
        (2, D("50.00"), 3, D("78.26"), 1, 2),  # the strict juror's best moves up two places
        (1, D("30.00"), 4, D("41.74"), 3, 1),
    ]
    assert (ranking.mean_all, ranking.std_all) == (D("60.00"), D("25.82"))
    assert [(j.juror_id, j.count, j.mean, j.std, j.offset) for j in ranking.jurors] == [
        (1, 2, D("40.00"), D("14.14"), D("-20.00")),
        (2, 2, D("80.00"), D("14.14"), D("20.00")),
    ]
    assert [(s.application_id, s.juror_id, s.total, s.z, s.normalised) for s in ranking.sheets_for(2)] == [
        (2, 1, D("50.00"), D("0.7071"), D("78.26"))]


def test_a_juror_who_gives_everything_the_same_total_gets_z_zero():
    # Juror 1: 60 and 60 (std 0). Juror 2: 80 and 40: mean 60, std 28.284, z +/-0.7071.
    # All sheets: 60, 60, 80, 40: mean 60, std sqrt(800/3) = 16.3299.
    # Application 1: (60 + (60 + 0.7071 * 16.3299)) / 2 = (60 + 71.5470) / 2 = 65.7735 -> 65.77
    # Application 2: (60 + 48.4530) / 2 = 54.2265 -> 54.23
    sheets = [points(1, 1, 60), points(2, 1, 60), points(1, 2, 80), points(2, 2, 40)]
    ranking = rank_points(sheets)
    assert [(r.application_id, r.normalised_total) for r in ranking.rows] == [(1, D("65.77")), (2, D("54.23"))]
    flat = [s for s in ranking.sheets if s.juror_id == 1]
    assert [(s.z, s.normalised) for s in flat] == [(D("0.0000"), D("60.00")), (D("0.0000"), D("60.00"))]
    juror = ranking.jurors[0]
    assert (juror.std, juror.normalised) == (D("0.00"), False)
    assert ranking.jurors[1].normalised is True


def test_a_juror_with_a_single_sheet_gets_z_zero():
    # Juror 3 scored only application 2: no spread of their own, so z = 0 and the value is mean_all.
    # Juror 1: 40 and 80: mean 60, std sqrt(2 * 20^2 / 1) = 28.28, z -0.7071, +0.7071.
    # All sheets 40, 80, 90: mean 70, std sqrt(1400/2) = 26.4575.
    # Application 1: 70 - 0.70711 * 26.4575 = 51.2917 -> 51.29.
    # Application 2: (70 + 0.70711 * 26.4575 + 70) / 2 = (88.7083 + 70) / 2 = 79.3541 -> 79.35.
    sheets = [points(1, 1, 40), points(2, 1, 80), points(2, 3, 90)]
    ranking = rank_points(sheets)
    single = [s for s in ranking.sheets if s.juror_id == 3][0]
    assert (single.z, single.normalised) == (D("0.0000"), D("70.00"))
    assert [(j.juror_id, j.count, j.std) for j in ranking.jurors] == [(1, 2, D("28.28")), (3, 1, None)]
    assert [(r.application_id, r.normalised_total) for r in ranking.rows] == [(2, D("79.35")), (1, D("51.29"))]


def test_normalised_values_are_clipped_to_the_points_scale():
    # Juror 1: 0, 0, 0, 100 (z -0.5, -0.5, -0.5, 1.5). Juror 2: 100, 100, 100, 0.
    # All sheets: four 0, four 100: mean 50, std sqrt(8 * 2500 / 7) = 53.452.
    # 50 + 1.5 * 53.452 = 130.18 -> 100; 50 - 1.5 * 53.452 = -30.18 -> 0.
    sheets = [points(a, 1, 100 if a == 4 else 0) for a in (1, 2, 3, 4)] + [
        points(a, 2, 0 if a == 4 else 100) for a in (1, 2, 3, 4)]
    values = sorted(s.normalised for s in rank_points(sheets).sheets)
    assert values[0] == D("0.00") and values[-1] == D("100.00")


# --------------------------------------------------------------------------- unscored applications


def test_applications_without_a_sheet_come_last_with_no_figures():
    applications = [app(1, "C"), app(2, "B"), app(3, "A"), app(4, "")]
    ranking = rank_points([points(1, 1, 20)], applications, threshold=D(10))
    assert [r.application_id for r in ranking.rows] == [1, 3, 2, 4]  # unscored: by dossier, none last
    for row in ranking.rows[1:]:
        assert row.count == 0 and not row.scored
        assert (row.weighted_total, row.median, row.std, row.min, row.max, row.normalised_total) == (None,) * 6
        assert (row.rank, row.normalised_rank, row.rank_change) == (None, None, None)
        assert row.above_threshold is False and row.disagreement is False and row.spread is None
    assert ranking.threshold_index == 1  # the line falls before the unscored applications


def test_nothing_to_rank():
    ranking = build_ranking(POINTS, [], [], threshold=D(50), envelope=ENVELOPE)
    assert (ranking.rows, ranking.jurors, ranking.sheets) == ((), (), ())
    assert (ranking.threshold_index, ranking.envelope_index, ranking.mean_all, ranking.std_all) == (None,) * 4
    assert ranking.requested_total == D("0.00")


def test_applications_but_no_sheets_yet():
    ranking = build_ranking(POINTS, [app(2), app(1)], [], envelope=D(1500))
    assert [(r.application_id, r.rank, r.running_requested, r.within_envelope) for r in ranking.rows] == [
        (1, None, D("1000.00"), True), (2, None, D("2000.00"), False)]
    assert ranking.threshold_index is None and ranking.envelope_index == 1


# --------------------------------------------------------------------------- the money line

# The eleven projects of the counter-voices call (2017) with their awarded amounts, and two more
# with cents, ranked in this order by totals 95, 90, ..., 35.
MONEY = [
    ("CIBO Antwerpen", "42464.00", "42464.00"),
    ("Stad Roeselare", "49146.00", "91610.00"),
    ("KU Leuven", "49000.00", "140610.00"),
    ("Samo pravo Bissegem", "30575.00", "171185.00"),
    ("Ceapire Antwerpen", "50000.00", "221185.00"),
    ("Gemeente Molenbeek", "14810.00", "235995.00"),
    ("Vroemvroem Gent", "35000.00", "270995.00"),
    ("Partage en couleurs Molenbeek", "50000.00", "320995.00"),  # total 60: exactly the threshold
    ("Averroes Gent", "50000.00", "370995.00"),
    ("Stad Vilvoorde", "17000.00", "387995.00"),
    ("PAJ Antwerpen", "50000.00", "437995.00"),  # the listed awards add up to 437.995,00
    ("Stad Mechelen", "41250.55", "479245.55"),
    ("Gemeente Zele", "28300.45", "507546.00"),  # 479.245,55 + 28.300,45: past 500.000
]


def money_ranking(threshold, envelope):
    applications = [app(i, requested=amount, organisation=name) for i, (name, amount, _) in enumerate(MONEY, 1)]
    sheets = [points(i, 1, 100 - 5 * i) for i in range(1, len(MONEY) + 1)]
    return build_ranking(POINTS, applications, sheets, threshold=threshold, envelope=envelope)


def test_running_totals_threshold_and_envelope_lines():
    ranking = money_ranking(D(60), ENVELOPE)
    assert [(r.organisation, r.running_requested) for r in ranking.rows] == [
        (name, D(running)) for name, _, running in MONEY]
    assert [r.above_threshold for r in ranking.rows] == [True] * 8 + [False] * 5
    assert ranking.threshold_index == 8  # the first row below 60 points
    assert [r.within_envelope for r in ranking.rows] == [True] * 12 + [False]
    assert ranking.envelope_index == 12
    assert [r.fundable for r in ranking.rows] == [True] * 8 + [False] * 5
    assert ranking.requested_total == D("507546.00")


def test_a_running_total_equal_to_the_envelope_is_within_it():
    ranking = money_ranking(None, D("479245.55"))
    assert ranking.envelope_index == 12 and ranking.rows[11].within_envelope
    ranking = money_ranking(None, D("479245.54"))
    assert ranking.envelope_index == 11


def test_without_threshold_every_scored_application_is_above_it():
    ranking = money_ranking(None, D("10000000"))
    assert all(r.above_threshold for r in ranking.rows)
    assert (ranking.threshold_index, ranking.envelope_index) == (None, None)


def test_a_threshold_nobody_reaches_draws_the_line_at_the_top():
    assert money_ranking(D(100), ENVELOPE).threshold_index == 0
    assert money_ranking(D(0), ENVELOPE).threshold_index is None  # everybody is at least 0


def test_the_threshold_is_compared_with_the_unrounded_total():
    # (60 + 60 + 59.99) / 3 = 59.9966...: shown as 60.00, but below a threshold of 60.
    sheets = [points(1, 1, 60), points(1, 2, 60), points(1, 3, "59.99")]
    row = rank_points(sheets, threshold=D(60)).rows[0]
    assert row.weighted_total == D("60.00") and row.above_threshold is False


# --------------------------------------------------------------------------- input the database never holds


@pytest.mark.parametrize(("sheets", "message"), [
    ([SheetInput(1, 1, {1: D(101)})], "outside the scale"),
    ([SheetInput(1, 1, {1: D(-1)})], "outside the scale"),
    ([SheetInput(1, 1, {2: D(5)})], "not in the call"),
    ([SheetInput(1, 1, {1: D(5), 2: D(5)})], "not in the call"),
    ([SheetInput(1, 1, {})], "empty"),
    ([SheetInput(1, 1, {1: D(5)}), SheetInput(1, 1, {1: D(6)})], "two sheets"),
    ([SheetInput(2, 1, {1: D(5)})], "not ranked"),
    ([SheetInput(1, 1, {1: D("NaN")})], "not a number"),
])
def test_impossible_sheets_are_refused(sheets, message):
    with pytest.raises(ValueError, match=message):
        build_ranking(POINTS, [app(1)], sheets, envelope=ENVELOPE)


@pytest.mark.parametrize("make", [
    lambda: CriterionInput(1, D(0), 0, 10),
    lambda: CriterionInput(1, D(10), 5, 5),
    lambda: ApplicationInput(1, None, "X", D("-0.01")),
    lambda: build_ranking(POINTS, [app(1), app(1)], [], envelope=ENVELOPE),
    lambda: build_ranking(POINTS + POINTS, [], [], envelope=ENVELOPE),
    lambda: build_ranking(POINTS, [], [], threshold=D("100.01"), envelope=ENVELOPE),
    lambda: build_ranking(POINTS, [], [], envelope=D(-1)),
])
def test_impossible_input_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_bench_runs_and_reports_milliseconds():
    assert bench_ranking(n_applications=200, jurors=3, criteria=4) > 0


# --------------------------------------------------------------------------- properties against an exact oracle


def cents_half_up(value: Fraction) -> D:
    hundredths = value * 100
    whole = floor(abs(hundredths) + Fraction(1, 2))
    return D(-whole if hundredths < 0 else whole).scaleb(-2)


def exact_total(criteria, sheet) -> Fraction:
    by_id = {c.id: c for c in criteria}
    num = sum(Fraction(by_id[k].weight) * Fraction(v - by_id[k].scale_min) / (by_id[k].scale_max - by_id[k].scale_min)
              for k, v in sheet.scores.items())
    den = sum(Fraction(by_id[k].weight) for k in sheet.scores)
    return 100 * num / den


@st.composite
def call_inputs(draw, same_span=False):
    n_criteria = draw(st.integers(1, 4))
    span = draw(st.integers(1, 10))
    criteria = []
    for c in range(1, n_criteria + 1):
        low = draw(st.integers(0, 2))
        high = low + (span if same_span else draw(st.integers(1, 10)))
        criteria.append(CriterionInput(c, D(draw(st.integers(1, 50))), low, high))
    n_apps = draw(st.integers(0, 12))
    jurors = draw(st.integers(1, 5))
    # Dossier numbers are unique (or missing), and not in the order of the ids.
    applications = [ApplicationInput(a, draw(st.sampled_from([None, f"D-{(7 * a) % 13:02d}"])), f"Org {a}",
                                     D(draw(st.integers(0, 6_000_000))).scaleb(-2))
                    for a in range(1, n_apps + 1)]
    sheets = []
    for a in range(1, n_apps + 1):
        for j in range(1, jurors + 1):
            if not draw(st.booleans()):
                continue
            scored = draw(st.lists(st.sampled_from(criteria), min_size=1, max_size=n_criteria,
                                   unique_by=lambda c: c.id))
            sheets.append(SheetInput(a, j, {c.id: D(draw(st.integers(c.scale_min, c.scale_max))) for c in scored}))
    threshold = draw(st.one_of(st.none(), st.integers(0, 100).map(D)))
    envelope = D(draw(st.integers(0, 30_000_000))).scaleb(-2)
    return criteria, applications, sheets, threshold, envelope


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(call_inputs())
def test_figures_ranks_and_money_line_match_an_exact_oracle(inputs):
    criteria, applications, sheets, threshold, envelope = inputs
    ranking = build_ranking(criteria, applications, sheets, threshold=threshold, envelope=envelope)
    totals: dict[int, list[Fraction]] = {a.application_id: [] for a in applications}
    for sheet in sheets:
        totals[sheet.application_id].append(exact_total(criteria, sheet))
    means = {a: sum(t) / len(t) for a, t in totals.items() if t}

    assert sorted(r.application_id for r in ranking.rows) == sorted(totals)
    seen_unscored = False
    running = D("0.00")
    for index, row in enumerate(ranking.rows):
        mine = totals[row.application_id]
        assert row.count == len(mine)
        running += next(a.requested for a in applications if a.application_id == row.application_id)
        assert row.running_requested == running
        assert row.within_envelope == (running <= envelope)
        if not mine:
            seen_unscored = True
            assert row.rank is None and row.weighted_total is None and not row.above_threshold
            continue
        assert not seen_unscored, "a scored application after an unscored one"
        # Competition ranking on the exact means.
        assert row.rank == 1 + sum(1 for m in means.values() if m > means[row.application_id])
        assert row.weighted_total == cents_half_up(means[row.application_id])
        assert row.median == cents_half_up(Fraction(statistics.median(mine)))
        assert (row.min, row.max) == (cents_half_up(min(mine)), cents_half_up(max(mine)))
        if len(mine) == 1:
            assert row.std is None
        else:
            assert abs(row.std - D(statistics.stdev([float(t) for t in mine])).quantize(D("0.01"))) <= D("0.01")
        assert row.above_threshold == (threshold is None or means[row.application_id] >= threshold)
        if index:
            before = ranking.rows[index - 1]
            assert (before.rank, before.dossier_number is None, before.dossier_number or "", before.application_id) < (
                row.rank, row.dossier_number is None, row.dossier_number or "", row.application_id)

    below = [i for i, r in enumerate(ranking.rows) if not r.above_threshold]
    assert ranking.threshold_index == (below[0] if threshold is not None and below else None)
    over = [i for i, r in enumerate(ranking.rows) if not r.within_envelope]
    assert ranking.envelope_index == (over[0] if over else None)
    assert [r.above_threshold for r in ranking.rows] == sorted((r.above_threshold for r in ranking.rows), reverse=True)


@PROPERTY
@given(call_inputs())
def test_normalised_ranks_are_a_competition_ranking(inputs):
    criteria, applications, sheets, threshold, envelope = inputs
    rows = [r for r in build_ranking(criteria, applications, sheets, threshold=threshold, envelope=envelope).rows
            if r.scored]
    for row in rows:
        # Shown values are rounded, so only a strict difference in them proves an order.
        higher = sum(1 for other in rows if other.normalised_total > row.normalised_total)
        not_lower = sum(1 for other in rows if other.normalised_total >= row.normalised_total)
        assert higher + 1 <= row.normalised_rank <= not_lower
        assert row.rank_change == row.rank - row.normalised_rank
        assert D(0) <= row.normalised_total <= D(100)


@PROPERTY
@given(call_inputs())
def test_normalisation_keeps_the_order_of_each_jurors_sheets(inputs):
    criteria, applications, sheets, threshold, envelope = inputs
    ranking = build_ranking(criteria, applications, sheets, threshold=threshold, envelope=envelope)
    for juror in ranking.jurors:
        mine = [s for s in ranking.sheets if s.juror_id == juror.juror_id]
        assert len(mine) == juror.count
        for a in mine:
            for b in mine:
                if a.total < b.total:
                    assert a.z <= b.z  # z is shown to 4 decimals: equal when very close
                    assert a.normalised <= b.normalised


@PROPERTY
@given(call_inputs(same_span=True), st.data())
def test_shifting_one_jurors_scores_changes_neither_their_z_nor_the_normalised_order(inputs, data):
    # With every criterion on a scale of the same span, adding 1 to every score of a juror adds the
    # same number of points to each of their sheets, whichever criteria they left empty. Their
    # z-scores cannot change. The call's mean and spread do change, and they are the same affine map
    # for every application, so the normalised ranks stay as they are unless clipping at 0 or 100
    # came into play.
    criteria, applications, sheets, threshold, envelope = inputs
    assume(sheets)
    juror = data.draw(st.sampled_from(sorted({s.juror_id for s in sheets})))
    by_id = {c.id: c for c in criteria}
    assume(all(v + 1 <= by_id[k].scale_max for s in sheets if s.juror_id == juror for k, v in s.scores.items()))
    shifted = [SheetInput(s.application_id, s.juror_id, {k: v + 1 for k, v in s.scores.items()})
               if s.juror_id == juror else s for s in sheets]
    before = build_ranking(criteria, applications, sheets, threshold=threshold, envelope=envelope)
    after = build_ranking(criteria, applications, shifted, threshold=threshold, envelope=envelope)
    for old, new in zip(before.sheets, after.sheets):
        assert abs(old.z - new.z) <= D("0.0001")  # shown to 4 decimals
    clipped = any(s.normalised in (D(0), D(100)) for s in before.sheets + after.sheets)
    if not clipped:
        ranks_before = {r.application_id: r.normalised_rank for r in before.rows}
        ranks_after = {r.application_id: r.normalised_rank for r in after.rows}
        assert ranks_before == ranks_after
