"""Awarding: the checks on one award, the allocation proposal and payment tranches, to the cent."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.awards.rules import (
    AWARDABLE_STATUSES,
    AllocationCandidate,
    AwardedApplication,
    AwardProblem,
    AwardTerms,
    ExistingAward,
    Outcome,
    ProblemCode,
    blocking,
    check_award,
    compare_proposals,
    may_override,
    overridable,
    override_refusal,
    propose_allocation,
    tranche_amounts,
)
from grants.calls.rules import CofinancingKind, CofinancingRule, WaiverStatus

# --------------------------------------------------------------------------- the three calls

COUNTER_VOICES = AwardTerms(envelope=D("500000.00"), max_amount=D("50000.00"))
ACTION_PLAN = AwardTerms(envelope=D("2000000.00"), max_amount=D("25000.00"),
                         cofinancing=CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(1)))
REGIE_ROLE = AwardTerms(envelope=D("1500000.00"), max_amount=D("240000.00"), max_amount_per_year=D("60000.00"),
                        cofinancing=CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(20), waiver_allowed=True))

# The 11 counter-voices awards of 2017 (DOMAIN.md), in the order of the progress report.
COUNTER_VOICES_AWARDS = [
    ("CIBO", D("42464")), ("Stad Roeselare", D("49146")), ("KU Leuven", D("49000")),
    ("Samo pravo", D("30575")), ("Ceapire", D("50000")), ("Gemeente Molenbeek", D("14810")),
    ("Vroemvroem", D("35000")), ("Partage en couleurs", D("50000")), ("Averroes", D("50000")),
    ("Stad Vilvoorde", D("17000")), ("PAJ", D("50000")),
]
COUNTER_VOICES_TOTAL = D("437995.00")

DEADLINE = datetime(2017, 9, 29, 21, 59, tzinfo=timezone.utc)


def application(**changes) -> AwardedApplication:
    values = dict(application_id=1, organisation_id=10, status="under_review", requested=D("42464.00"),
                  own_contribution=D("0.00"), dossier_number="TG-2017-0001")
    values.update(changes)
    return AwardedApplication(**values)


def other_awards(exclude_last: bool = True) -> list[ExistingAward]:
    """The counter-voices awards as already decided, each for its own organisation (ids 101...)."""
    items = COUNTER_VOICES_AWARDS[:-1] if exclude_last else COUNTER_VOICES_AWARDS
    return [ExistingAward(application_id=100 + i, organisation_id=1000 + i, amount=amount,
                          dossier_number=f"TG-2017-{i:04d}") for i, (_name, amount) in enumerate(items, 1)]


# =========================================================================== check_award


def test_an_award_within_every_rule_has_no_problems():
    check = check_award(COUNTER_VOICES, application(), D("42464.00"), other_awards())
    assert check.ok and check.problems == ()
    assert check.required_own_contribution == D("0.00")
    assert check.envelope_left == D("500000.00") - D("387995.00") - D("42464.00")


@pytest.mark.parametrize("amount", [D("0.00"), D("-1.00")])
def test_an_amount_of_zero_or_less_is_not_an_award(amount):
    check = check_award(COUNTER_VOICES, application(), amount)
    assert check.codes == (ProblemCode.NOT_POSITIVE,)
    assert check.problems[0].message == "Het toegekende bedrag moet groter dan nul zijn."


def test_more_than_requested_names_the_excess():
    check = check_award(COUNTER_VOICES, application(requested=D("42464.00")), D("45000.00"))
    assert check.codes == (ProblemCode.ABOVE_REQUESTED,)
    problem = check.problems[0]
    assert problem.message == ("Het toegekende bedrag van 45.000,00 EUR is hoger dan het gevraagde bedrag van "
                               "42.464,00 EUR (2.536,00 EUR te veel).")
    assert problem.gap == D("2536.00")


@pytest.mark.parametrize(("amount", "problem"), [
    (D("50000.00"), False),
    (D("50000.01"), True),
])
def test_the_call_maximum_is_inclusive_to_the_cent(amount, problem):
    check = check_award(COUNTER_VOICES, application(requested=D("60000.00")), amount)
    assert (ProblemCode.ABOVE_MAXIMUM in check.codes) is problem
    if problem:
        assert check.problems[0].message == ("Het toegekende bedrag van 50.000,01 EUR is hoger dan het maximum van "
                                             "50.000,00 EUR per aanvraag (0,01 EUR te veel).")
        assert check.problems[0].gap == D("0.01")


@pytest.mark.parametrize(("months", "amount", "problem"), [
    (12, D("60000.00"), None),
    (12, D("60000.01"), "Het toegekende bedrag van 60.000,01 EUR is hoger dan 60.000,00 EUR: hoogstens "
                        "60.000,00 EUR per jaar voor 1 jaar (0,01 EUR te veel)."),
    (13, D("120000.00"), None),  # a started year counts: 13 months are two years
    (24, D("120000.01"), "Het toegekende bedrag van 120.000,01 EUR is hoger dan 120.000,00 EUR: hoogstens "
                         "60.000,00 EUR per jaar voor 2 jaar (0,01 EUR te veel)."),
    (None, D("60000.01"), "Het toegekende bedrag van 60.000,01 EUR is hoger dan 60.000,00 EUR: hoogstens "
                          "60.000,00 EUR per jaar voor 1 jaar (0,01 EUR te veel)."),  # unknown: one year
    (60, D("240000.01"), "Het toegekende bedrag van 240.000,01 EUR is hoger dan het maximum van 240.000,00 EUR "
                         "per aanvraag (0,01 EUR te veel)."),  # five years: the call maximum is lower
])
def test_the_maximum_per_year_counts_the_project_years(months, amount, problem):
    app = application(requested=D("300000.00"), own_contribution=D("100000.00"), duration_months=months)
    check = check_award(REGIE_ROLE, app, amount)
    messages = [p.message for p in check.problems if p.code is ProblemCode.ABOVE_MAXIMUM]
    assert messages == ([problem] if problem else [])


def test_cofinancing_is_checked_at_the_awarded_amount_not_the_requested_one():
    # action plan 1:1: 25.000 requested with 20.000 of its own; awarding 20.000 meets the rule
    app = application(requested=D("25000.00"), own_contribution=D("20000.00"))
    full = check_award(ACTION_PLAN, app, D("25000.00"))
    assert full.codes == (ProblemCode.COFINANCING,)
    assert full.required_own_contribution == D("25000.00")
    assert full.problems[0].message == ("Bij een toekenning van 25.000,00 EUR vraagt de oproep een eigen bijdrage "
                                        "van minstens 25.000,00 EUR; de aanvraag vermeldt 20.000,00 EUR "
                                        "(tekort: 5.000,00 EUR).")
    assert full.problems[0].gap == D("5000.00")
    lower = check_award(ACTION_PLAN, app, D("20000.00"))
    assert lower.ok
    assert lower.required_own_contribution == D("20000.00")


@pytest.mark.parametrize(("own", "ok"), [(D("15000.00"), True), (D("14999.99"), False)])
def test_regie_role_own_share_of_twenty_percent_to_the_cent(own, ok):
    app = application(requested=D("60000.00"), own_contribution=own, duration_months=12)
    check = check_award(REGIE_ROLE, app, D("60000.00"))
    assert check.required_own_contribution == D("15000.00")  # 20% of 75.000
    assert check.ok is ok
    if not ok:
        assert check.problems[0].message.endswith("(tekort: 0,01 EUR). Er is geen afwijking aangevraagd.")


def test_a_lower_award_lowers_the_required_share():
    app = application(requested=D("60000.00"), own_contribution=D("10000.00"), duration_months=12)
    assert check_award(REGIE_ROLE, app, D("60000.00")).codes == (ProblemCode.COFINANCING,)
    check = check_award(REGIE_ROLE, app, D("40000.00"))
    assert check.ok and check.required_own_contribution == D("10000.00")


@pytest.mark.parametrize(("waiver", "ok", "note"), [
    (WaiverStatus.ACCEPTED, True, None),
    (WaiverStatus.REQUESTED, False, "De gevraagde afwijking is nog niet aanvaard."),
    (WaiverStatus.REFUSED, False, "De gevraagde afwijking is geweigerd."),
])
def test_an_accepted_waiver_lets_the_cofinancing_check_pass(waiver, ok, note):
    app = application(requested=D("60000.00"), own_contribution=D("0.00"), duration_months=12, waiver=waiver)
    check = check_award(REGIE_ROLE, app, D("60000.00"))
    assert check.ok is ok
    assert check.cofinancing_waived is ok
    assert check.required_own_contribution == D("15000.00")  # still shown: what the rule asks
    if note:
        assert check.problems[0].message.endswith(note)


def test_a_waiver_does_not_help_where_the_call_allows_none():
    app = application(requested=D("25000.00"), own_contribution=D("0.00"), waiver=WaiverStatus.ACCEPTED)
    check = check_award(ACTION_PLAN, app, D("25000.00"))
    assert check.codes == (ProblemCode.COFINANCING,)
    assert not check.cofinancing_waived
    assert "afwijking" not in check.problems[0].message


def test_the_envelope_can_be_filled_exactly_to_the_cent():
    terms = AwardTerms(envelope=COUNTER_VOICES_TOTAL, max_amount=D("50000.00"))
    paj = application(application_id=111, requested=D("50000.00"))
    check = check_award(terms, paj, D("50000.00"), other_awards())
    assert check.ok and check.envelope_left == D("0.00")


def test_one_cent_over_the_envelope_names_the_excess():
    terms = AwardTerms(envelope=COUNTER_VOICES_TOTAL - D("0.01"), max_amount=D("50000.00"))
    check = check_award(terms, application(application_id=111, requested=D("50000.00")), D("50000.00"),
                        other_awards())
    assert check.codes == (ProblemCode.ENVELOPE,)
    assert check.problems[0].message == (
        "Het budget van de oproep is 437.994,99 EUR. De andere toekenningen (387.995,00 EUR) en dit bedrag "
        "(50.000,00 EUR) komen samen op 437.995,00 EUR: 0,01 EUR meer dan het budget.")
    assert check.problems[0].gap == D("0.01")
    assert check.envelope_left == D("-0.01")


def test_amending_an_award_does_not_count_its_old_amount_twice():
    terms = AwardTerms(envelope=COUNTER_VOICES_TOTAL, max_amount=D("50000.00"))
    awards = other_awards(exclude_last=False)  # PAJ's own award (application 111) is among them
    paj = application(application_id=111, organisation_id=1011, status="awarded", requested=D("50000.00"))
    assert check_award(terms, paj, D("50000.00"), awards).ok
    assert check_award(AwardTerms(envelope=COUNTER_VOICES_TOTAL, max_amount=D("50000.00"),
                                  one_award_per_organisation=True), paj, D("45000.00"), awards).ok


def test_one_award_per_organisation_where_the_call_says_so():
    terms = AwardTerms(envelope=D("500000.00"), max_amount=D("50000.00"), one_award_per_organisation=True)
    second = application(application_id=200, organisation_id=1001)  # CIBO again (TG-2017-0001)
    check = check_award(terms, second, D("10000.00"), other_awards())
    assert check.codes == (ProblemCode.ONE_PER_ORGANISATION,)
    assert check.problems[0].message == ("Deze oproep staat één toekenning per organisatie toe; deze organisatie "
                                         "heeft er al een (dossier TG-2017-0001).")
    assert check_award(COUNTER_VOICES, second, D("10000.00"), other_awards()).ok  # the call allows more


@pytest.mark.parametrize(("status", "message"), [
    ("withdrawn", "Een aanvraag met status 'ingetrokken' kan geen toekenning krijgen: de aanvrager heeft de "
                  "aanvraag ingetrokken."),
    ("inadmissible", "Een aanvraag met status 'onontvankelijk' kan geen toekenning krijgen: de aanvraag is "
                     "onontvankelijk verklaard."),
    ("draft", "Een aanvraag met status 'in voorbereiding' kan geen toekenning krijgen: de aanvraag is nooit "
              "ingediend."),
    ("submitted", "Een aanvraag met status 'ingediend' kan geen toekenning krijgen: de ontvankelijkheid is nog "
                  "niet beoordeeld."),
    ("info_requested", "Een aanvraag met status 'aanvullende informatie gevraagd' kan geen toekenning krijgen: "
                       "het agentschap wacht nog op aanvullende informatie; de ontvankelijkheid is nog niet "
                       "beoordeeld."),
    ("rejected", "Een aanvraag met status 'afgewezen' kan geen toekenning krijgen: de aanvraag is al afgewezen; "
                 "een toekenning herziet die beslissing."),
    ("running", "Een aanvraag met status 'project loopt' kan geen toekenning krijgen: het project loopt al; "
                "de toekenning ligt vast."),
    ("closed", "Een aanvraag met status 'afgesloten' kan geen toekenning krijgen: het project is afgesloten."),
    ("lost", "Onbekende status 'lost': een toekenning is niet mogelijk."),
    ("admissible", None),
    ("under_review", None),
    ("waitlisted", None),
    ("awarded", None),
])
def test_only_screened_and_not_withdrawn_applications_can_be_awarded(status, message):
    check = check_award(COUNTER_VOICES, application(status=status), D("42464.00"))
    if message is None:
        assert check.ok
    else:
        assert check.codes == (ProblemCode.STATUS,)
        assert check.problems[0].message == message
        assert check.problems[0].status == status


def test_every_problem_is_reported_in_a_fixed_order():
    terms = AwardTerms(envelope=D("100000.00"), max_amount=D("50000.00"), one_award_per_organisation=True,
                       cofinancing=CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(1)))
    app = application(application_id=200, organisation_id=1001, status="submitted", requested=D("40000.00"))
    check = check_award(terms, app, D("60000.00"), other_awards())
    assert check.codes == (ProblemCode.STATUS, ProblemCode.ABOVE_REQUESTED, ProblemCode.ABOVE_MAXIMUM,
                           ProblemCode.COFINANCING, ProblemCode.ENVELOPE, ProblemCode.ONE_PER_ORGANISATION)


@pytest.mark.parametrize("bad", [42464.0, D("42464.001")])
def test_amounts_are_exact_cents(bad):
    with pytest.raises((TypeError, ValueError)):
        check_award(COUNTER_VOICES, application(), bad)


def test_awardable_statuses_are_the_documented_four():
    assert {s.value for s in AWARDABLE_STATUSES} == {"admissible", "under_review", "waitlisted", "awarded"}


# --------------------------------------------------------------------------- overriding


def problem_of(code: ProblemCode, status: str | None = None) -> AwardProblem:
    return AwardProblem(code, "x", status=status)


@pytest.mark.parametrize(("problem", "allowed"), [
    (problem_of(ProblemCode.NOT_POSITIVE), False),
    (problem_of(ProblemCode.STATUS, "withdrawn"), False),
    (problem_of(ProblemCode.STATUS, "inadmissible"), True),
    (problem_of(ProblemCode.STATUS, "rejected"), True),
    (problem_of(ProblemCode.ABOVE_MAXIMUM), True),
    (problem_of(ProblemCode.ABOVE_REQUESTED), True),
    (problem_of(ProblemCode.COFINANCING), True),
    (problem_of(ProblemCode.ENVELOPE), True),
    (problem_of(ProblemCode.ONE_PER_ORGANISATION), True),
])
def test_which_problems_an_admin_may_override(problem, allowed):
    assert may_override(problem) is allowed
    assert (problem in overridable([problem])) is allowed
    assert (problem in blocking([problem])) is not allowed


def test_an_override_needs_a_reason():
    check = check_award(COUNTER_VOICES, application(status="inadmissible"), D("42464.00"), other_awards())
    assert override_refusal(check.problems, "  ") == ("Geef een motivering om de toekenning ondanks de "
                                                      "opmerkingen door te zetten.")
    assert override_refusal(check.problems, "Herziening na bezwaar van 3 november 2017.") is None


def test_a_withdrawn_application_cannot_be_pushed_through():
    check = check_award(COUNTER_VOICES, application(status="withdrawn"), D("42464.00"))
    assert override_refusal(check.problems, "De aanvrager wil toch.") == (
        "Deze toekenning kan niet worden doorgezet: Een aanvraag met status 'ingetrokken' kan geen toekenning "
        "krijgen: de aanvrager heeft de aanvraag ingetrokken.")


def test_no_problem_needs_no_reason():
    assert override_refusal((), "") is None


# =========================================================================== allocation


def candidate(app_id: int, requested: D | str, *, rank: int | None = None, total: D | str | None = None,
              advice: str | None = None, above: bool = True, priority: int | None = None,
              minutes: int = 0, dossier: str | None = None) -> AllocationCandidate:
    return AllocationCandidate(
        application_id=app_id, dossier_number=dossier or f"TG-2017-{app_id:04d}", requested=D(requested),
        submitted_at=DEADLINE - timedelta(days=10) + timedelta(minutes=minutes), rank=rank,
        weighted_total=D(total) if total is not None else None, jury_advice=advice, above_threshold=above,
        priority=priority)


def ranked_counter_voices() -> list[AllocationCandidate]:
    """The 11 selected projects ranked 1-11, then three more that the envelope did not reach."""
    result = [candidate(i, amount, rank=i, total=D(90) - i) for i, (_n, amount) in enumerate(COUNTER_VOICES_AWARDS, 1)]
    result += [candidate(12, "40000", rank=12, total="70"), candidate(13, "10000", rank=13, total="69"),
               candidate(14, "5000", rank=14, total="68")]
    return result


def outcomes(proposal) -> list[tuple[int, str, D]]:
    return [(r.application_id, r.outcome.value, r.amount) for r in proposal.rows]


def test_the_envelope_is_filled_exactly_to_the_cent():
    proposal = propose_allocation("competitive", ranked_counter_voices(), envelope=COUNTER_VOICES_TOTAL)
    assert [r.outcome for r in proposal.rows[:11]] == [Outcome.AWARD] * 11
    assert [r.amount for r in proposal.rows[:11]] == [a for _n, a in COUNTER_VOICES_AWARDS]
    assert proposal.total_proposed == D("437995.00")
    assert proposal.envelope_left == D("0.00")
    assert proposal.rows[10].running_total == D("437995.00")
    assert [r.outcome for r in proposal.rows[11:]] == [Outcome.WAITLIST] * 3
    assert proposal.cutoff_index == 11
    assert proposal.rows[0].reason == ("Toegekend zoals gevraagd; het past binnen het budget (daarna nog "
                                       "395.531,00 EUR over).")


def test_running_totals_add_up_row_by_row():
    proposal = propose_allocation("competitive", ranked_counter_voices(), envelope=D("500000.00"))
    running = D("0.00")
    for row in proposal.rows:
        running += row.amount
        assert row.running_total == running
    assert proposal.total_proposed + proposal.envelope_left == D("500000.00")


def test_when_the_envelope_ends_mid_application_without_partial_awards_the_rest_waits_in_strict_order():
    # 500.000: the 11 take 437.995, 62.005 left; no. 12 asks 40.000 (fits), no. 13 10.000 (fits)...
    # with 460.000: 22.005 left; no. 12 (40.000) does not fit; no. 13 (10.000) would, but waits
    proposal = propose_allocation("competitive", ranked_counter_voices(), envelope=D("460000.00"))
    assert outcomes(proposal)[11:] == [(12, "waitlist", D("0.00")), (13, "waitlist", D("0.00")),
                                       (14, "waitlist", D("0.00"))]
    assert proposal.cutoff_index == 11
    assert proposal.envelope_left == D("22005.00")
    assert proposal.rows[11].reason == ("Reservelijst: het resterende budget van 22.005,00 EUR volstaat niet voor "
                                        "het gevraagde bedrag van 40.000,00 EUR, en deze oproep kent geen "
                                        "gedeeltelijke toekenningen.")
    assert proposal.rows[12].reason == ("Reservelijst: het budget geraakte op bij een aanvraag die hoger in de "
                                        "volgorde staat; de volgorde wordt strikt gevolgd.")


def test_with_partial_awards_the_one_at_the_cut_off_gets_what_is_left():
    proposal = propose_allocation("competitive", ranked_counter_voices(), envelope=D("460000.00"),
                                  partial_awards=True)
    row = proposal.rows[11]
    assert (row.outcome, row.amount, row.partial) == (Outcome.AWARD, D("22005.00"), True)
    assert row.reason == ("Gedeeltelijke toekenning: het resterende budget van 22.005,00 EUR dekt het gevraagde "
                          "bedrag van 40.000,00 EUR niet volledig.")
    assert outcomes(proposal)[12:] == [(13, "waitlist", D("0.00")), (14, "waitlist", D("0.00"))]
    assert proposal.total_proposed == D("460000.00") and proposal.envelope_left == D("0.00")
    assert proposal.cutoff_index == 11


def test_no_partial_award_of_nothing_when_the_envelope_is_used_up_exactly():
    proposal = propose_allocation("competitive", ranked_counter_voices(), envelope=COUNTER_VOICES_TOTAL,
                                  partial_awards=True)
    assert outcomes(proposal)[11] == (12, "waitlist", D("0.00"))
    assert proposal.rows[11].reason == "Reservelijst: het budget is volledig verdeeld."


def test_everything_fits_there_is_no_cut_off():
    proposal = propose_allocation("competitive", ranked_counter_voices(), envelope=D("600000.00"))
    assert all(r.outcome is Outcome.AWARD for r in proposal.rows)
    assert proposal.cutoff_index is None
    assert proposal.envelope_left == D("600000.00") - D("492995.00")


def test_jury_advice_and_the_quality_threshold_come_before_money():
    candidates = [candidate(1, "30000", rank=1, total="80", advice="award"),
                  candidate(2, "30000", rank=2, total="75", advice="reject"),
                  candidate(3, "30000", rank=3, total="74", advice="waitlist"),
                  candidate(4, "30000", rank=4, total="73", above=False),
                  candidate(5, "30000", rank=5, total="72")]
    proposal = propose_allocation("competitive", candidates, envelope=D("60000.00"))
    assert outcomes(proposal) == [(1, "award", D("30000.00")), (2, "reject", D("0.00")),
                                  (3, "waitlist", D("0.00")), (4, "reject", D("0.00")),
                                  (5, "award", D("30000.00"))]
    assert [r.reason for r in proposal.rows[1:4]] == [
        "Afgewezen op advies van de jury.", "Reservelijst op advies van de jury.",
        "Afgewezen: de aanvraag haalt de kwaliteitsdrempel van de jury niet."]
    assert proposal.cutoff_index is None


@pytest.mark.parametrize(("threshold", "expected"), [
    (D("60"), ["award", "award", "reject"]),  # 60 itself passes: the threshold is inclusive
    (D("60.01"), ["award", "reject", "reject"]),
    (None, ["award", "award", "award"]),
])
def test_a_threshold_on_the_weighted_total(threshold, expected):
    candidates = [candidate(1, "1000", rank=1, total="70"), candidate(2, "1000", rank=2, total="60"),
                  candidate(3, "1000", rank=3, total="59.99")]
    proposal = propose_allocation("competitive", candidates, envelope=D("10000.00"), threshold=threshold)
    assert [r.outcome.value for r in proposal.rows] == expected
    if threshold == D("60"):
        assert proposal.rows[2].reason == "Afgewezen: de gewogen totaalscore (59,99) haalt de drempel van 60 niet."


def test_input_order_does_not_matter():
    shuffled = ranked_counter_voices()
    random.Random(7).shuffle(shuffled)
    a = propose_allocation("competitive", shuffled, envelope=D("460000.00"))
    b = propose_allocation("competitive", ranked_counter_voices(), envelope=D("460000.00"))
    assert a == b


# --------------------------------------------------------------------------- ties


def test_a_tie_at_the_cut_off_goes_to_the_higher_weighted_total_and_both_rows_say_so():
    candidates = [candidate(1, "40000", rank=1, total="80"),
                  candidate(2, "30000", rank=2, total="71.5", minutes=50),
                  candidate(3, "30000", rank=2, total="72", minutes=90)]
    proposal = propose_allocation("competitive", candidates, envelope=D("70000.00"))
    assert outcomes(proposal) == [(1, "award", D("40000.00")), (3, "award", D("30000.00")),
                                  (2, "waitlist", D("0.00"))]
    rule = ("Bij gelijke rang gaat de hoogste gewogen totaalscore voor, dan de vroegste indiening, dan het "
            "laagste dossiernummer; hier besliste de gewogen totaalscore")
    assert proposal.rows[1].tie_broken_by == f"Gelijke rang 2 met TG-2017-0002. {rule} (72 tegenover 71,5)."
    assert proposal.rows[2].tie_broken_by == f"Gelijke rang 2 met TG-2017-0003. {rule} (71,5 tegenover 72)."
    assert proposal.rows[0].tie_broken_by is None


def test_equal_totals_at_the_cut_off_go_to_the_earlier_submission_then_the_dossier_number():
    candidates = [candidate(1, "30000", rank=1, total="72", minutes=90),
                  candidate(2, "30000", rank=1, total="72", minutes=50)]
    proposal = propose_allocation("competitive", candidates, envelope=D("30000.00"))
    assert outcomes(proposal) == [(2, "award", D("30000.00")), (1, "waitlist", D("0.00"))]
    # DEADLINE - 10 days = 19-09-2017 21:59 UTC = 23:59 Brussels summer time; +50 and +90 minutes
    assert proposal.rows[0].tie_broken_by.endswith(
        "hier besliste het tijdstip van indiening (20-09-2017 00:49:00 tegenover 20-09-2017 01:29:00).")

    same_moment = [candidate(1, "30000", rank=1, total="72", dossier="TG-2017-0009"),
                   candidate(2, "30000", rank=1, total="72", dossier="TG-2017-0004")]
    proposal = propose_allocation("competitive", same_moment, envelope=D("30000.00"))
    assert outcomes(proposal) == [(2, "award", D("30000.00")), (1, "waitlist", D("0.00"))]
    assert proposal.rows[1].tie_broken_by.endswith(
        "hier besliste het dossiernummer (TG-2017-0009 tegenover TG-2017-0004).")


def test_a_tie_that_decides_nothing_is_not_marked():
    candidates = [candidate(1, "30000", rank=1, total="72"), candidate(2, "30000", rank=1, total="71")]
    proposal = propose_allocation("competitive", candidates, envelope=D("100000.00"))
    assert [r.tie_broken_by for r in proposal.rows] == [None, None]


def test_sign_up_calls_follow_the_applicants_priorities_then_the_submission_time():
    # action plan: 25.000 each; priority 1 of every applicant first, ties by earlier submission
    candidates = [candidate(1, "25000", priority=2, minutes=1),
                  candidate(2, "25000", priority=1, minutes=30),
                  candidate(3, "25000", priority=1, minutes=10),
                  candidate(4, "20000", priority=1, minutes=20, advice="reject", above=False)]  # no jury: ignored
    proposal = propose_allocation("sign_up", candidates, envelope=D("50000.00"), threshold=D(99))
    assert outcomes(proposal) == [(3, "award", D("25000.00")), (4, "award", D("20000.00")),
                                  (2, "waitlist", D("0.00")), (1, "waitlist", D("0.00"))]
    assert proposal.rows[0].tie_broken_by.startswith(
        "Gelijke prioriteit 1 met TG-2017-0004, TG-2017-0002. Bij gelijke prioriteit gaat de vroegste indiening "
        "voor, dan het laagste dossiernummer; hier besliste het tijdstip van indiening")
    assert proposal.rows[2].tie_broken_by is not None
    assert proposal.rows[3].tie_broken_by is None  # priority 2 has no tie


@pytest.mark.parametrize(("mode", "candidates", "error"), [
    ("competitive", [candidate(1, "10", rank=1), candidate(1, "10", rank=2)], "twee keer"),
    ("competitive", [candidate(1, "10")], "geen rang"),
    ("sign_up", [candidate(1, "10")], "geen prioriteit"),
    ("competitive", [candidate(1, "0", rank=1)], "groter dan nul"),
])
def test_an_impossible_proposal_is_refused(mode, candidates, error):
    with pytest.raises(ValueError, match=error):
        propose_allocation(mode, candidates, envelope=D("100.00"))


def test_a_naive_submission_time_is_refused():
    naive = AllocationCandidate(1, "TG-2017-0001", D("10.00"), datetime(2017, 9, 1), rank=1)
    with pytest.raises(ValueError, match="tijdzone"):
        propose_allocation("competitive", [naive], envelope=D("100.00"))


# --------------------------------------------------------------------------- what-if


def test_what_if_a_smaller_envelope_lists_only_what_changes():
    base = propose_allocation("competitive", ranked_counter_voices(), envelope=D("500000.00"))
    smaller = propose_allocation("competitive", ranked_counter_voices(), envelope=D("440000.00"))
    changes = compare_proposals(base, smaller)
    assert [(c.application_id, c.before_outcome, c.before_amount, c.after_outcome, c.after_amount)
            for c in changes] == [
        (12, Outcome.AWARD, D("40000.00"), Outcome.WAITLIST, D("0.00")),
        (13, Outcome.AWARD, D("10000.00"), Outcome.WAITLIST, D("0.00")),
        (14, Outcome.AWARD, D("5000.00"), Outcome.WAITLIST, D("0.00")),
    ]
    assert changes[0].message == "TG-2017-0012: toekenning van 40.000,00 EUR wordt reservelijst."
    assert compare_proposals(base, base) == ()


def test_what_if_partial_awards_and_a_threshold_change_amounts():
    strict = propose_allocation("competitive", ranked_counter_voices(), envelope=D("460000.00"))
    partial = propose_allocation("competitive", ranked_counter_voices(), envelope=D("460000.00"),
                                 partial_awards=True)
    changes = compare_proposals(strict, partial)
    assert [c.message for c in changes] == ["TG-2017-0012: reservelijst wordt toekenning van 22.005,00 EUR."]

    higher = propose_allocation("competitive", ranked_counter_voices(), envelope=D("500000.00"), threshold=D(80))
    changes = compare_proposals(propose_allocation("competitive", ranked_counter_voices(),
                                                   envelope=D("500000.00")), higher)
    # totals 89..79 for ranks 1..11: rank 11 (79) falls below 80, so no. 12-14 move up in the money
    assert changes[0].message == "TG-2017-0011: toekenning van 50.000,00 EUR wordt afwijzing."
    assert {c.application_id for c in changes} == {11, 12, 13, 14}


def test_an_application_missing_from_one_proposal_is_listed():
    a = propose_allocation("competitive", ranked_counter_voices()[:12], envelope=D("500000.00"))
    b = propose_allocation("competitive", ranked_counter_voices()[:11], envelope=D("500000.00"))
    changes = compare_proposals(a, b)
    assert [c.message for c in changes] == ["TG-2017-0012: toekenning van 40.000,00 EUR wordt niet in het voorstel."]


# =========================================================================== tranches


@pytest.mark.parametrize(("awarded", "percents", "expected"), [
    (D("49146.00"), [D(60), D(40)], (D("29487.60"), D("19658.40"))),
    (D("42464.00"), [D("33.33"), D("33.33"), D("33.34")], (D("14153.25"), D("14153.25"), D("14157.50"))),
    (D("30575.00"), [D(100)], (D("30575.00"),)),
    (D("0.01"), [D(50), D(50)], (D("0.01"), D("0.00"))),  # the half cent rounds up on the first
    (D("100.00"), [D("33.33"), D("33.33"), D("33.34")], (D("33.33"), D("33.33"), D("33.34"))),
    (D("14810.00"), [D(70), D(30)], (D("10367.00"), D("4443.00"))),
])
def test_tranche_amounts_add_up_exactly(awarded, percents, expected):
    amounts = tranche_amounts(awarded, percents)
    assert amounts == expected
    assert sum(amounts) == awarded


def test_the_remainder_is_carried_so_no_tranche_drifts_more_than_a_cent():
    # 0,255 rounds up three times; rounding each tranche alone would leave 0,22 for the last (exact 0,235)
    amounts = tranche_amounts(D("1.00"), [D("25.5"), D("25.5"), D("25.5"), D("23.5")])
    assert amounts == (D("0.26"), D("0.25"), D("0.26"), D("0.23"))
    assert sum(amounts) == D("1.00")


@pytest.mark.parametrize(("percents", "error"), [
    ([D(60), D(30)], "tellen op tot 90%"),
    ([D(0), D(100)], "groter dan 0"),
    ([], "minstens één"),
])
def test_tranches_must_add_up_to_a_hundred_percent(percents, error):
    with pytest.raises(ValueError, match=error):
        tranche_amounts(D("1000.00"), percents)


@st.composite
def percent_splits(draw):
    """2 to 6 tranches in hundredths of a percent, each > 0, adding up to exactly 100."""
    count = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=count - 1,
                                max_size=count - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    return [D(b - a) / 100 for a, b in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=200, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10_000_000_00), percents=percent_splits())
def test_tranches_always_add_up_and_stay_within_a_cent_of_their_share(cents, percents):
    awarded = D(cents) / 100
    amounts = tranche_amounts(awarded, percents)
    assert sum(amounts) == awarded
    assert len(amounts) == len(percents)
    for amount, percent in zip(amounts, percents, strict=True):
        exact = awarded * percent / 100
        assert amount == amount.quantize(D("0.01"))
        assert abs(amount - exact) < D("0.01")
        assert amount >= 0


def test_a_tranche_of_two_is_the_rounded_share_and_the_rest():
    awarded = D("42464.00")
    first, second = tranche_amounts(awarded, [D("33.33"), D("66.67")])
    assert first == (awarded * D("0.3333")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert second == awarded - first
