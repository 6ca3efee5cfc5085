"""Co-financing rules with the real figures of the agency's calls, asserted to the cent."""
from decimal import Decimal as D

import pytest

from grants.calls.rules import (
    CofinancingCheck,
    CofinancingKind,
    CofinancingRule,
    WaiverStatus,
    check_cofinancing,
    check_totals_add_up,
    format_percentage,
    maximum_subsidy_for,
    minimum_own_contribution,
    totals_mismatch_message,
)

# Action plan: own contribution at least equal to the subsidy.
ACTION_PLAN = CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(1))
# Regie-role: own contribution at least 20% of the total project cost; a motivated waiver is possible.
REGIE_ROLE = CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(20), waiver_allowed=True)
REGIE_ROLE_STRICT = CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(20), waiver_allowed=False)
# EU fund: the subsidy is at most 75% of the total eligible cost.
EU_FUND = CofinancingRule(CofinancingKind.SUBSIDY_MAX_SHARE, D(75))
NO_RULE = CofinancingRule(CofinancingKind.NONE)

EU_SUBSIDY = D("1204985.71")
EU_OWN = D("401661.92")
EU_TOTAL = D("1606647.63")
EU_TOTAL_AS_TYPED = D("1606641.63")  # the agency's text: a typing error of 6,00 EUR

COUNTER_VOICES_AWARDS = [D(n) for n in (42464, 49146, 49000, 30575, 50000, 14810, 35000,
                                         50000, 50000, 17000, 50000)]
COUNTER_VOICES_REPORTED_TOTAL = D("438177.00")


# --------------------------------------------------------------------------- the rule itself


@pytest.mark.parametrize(("rule", "expected"), [
    (NO_RULE, "Geen cofinanciering vereist."),
    (CofinancingRule(CofinancingKind.NONE, waiver_allowed=True), "Geen cofinanciering vereist."),
    (ACTION_PLAN, "Uw eigen bijdrage is minstens gelijk aan de gevraagde subsidie."),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("1.0000")),  # as Numeric(9, 4) returns it
     "Uw eigen bijdrage is minstens gelijk aan de gevraagde subsidie."),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("0.5")),
     "Uw eigen bijdrage is minstens 50% van de gevraagde subsidie."),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("0.125")),
     "Uw eigen bijdrage is minstens 12,5% van de gevraagde subsidie."),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(2)),
     "Uw eigen bijdrage is minstens 2 keer de gevraagde subsidie."),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("1.5")),
     "Uw eigen bijdrage is minstens 1,5 keer de gevraagde subsidie."),
    (REGIE_ROLE, "Uw eigen bijdrage is minstens 20% van de totale projectkost. "
                 "Een gemotiveerde afwijking kan worden aangevraagd."),
    (REGIE_ROLE_STRICT, "Uw eigen bijdrage is minstens 20% van de totale projectkost."),
    (CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D("20.0000")),
     "Uw eigen bijdrage is minstens 20% van de totale projectkost."),
    (EU_FUND, "De subsidie bedraagt hoogstens 75% van de totale subsidiabele kost."),
    (CofinancingRule(CofinancingKind.SUBSIDY_MAX_SHARE, D("62.5"), waiver_allowed=True),
     "De subsidie bedraagt hoogstens 62,5% van de totale subsidiabele kost. "
     "Een gemotiveerde afwijking kan worden aangevraagd."),
])
def test_describe(rule, expected):
    assert rule.describe() == expected


@pytest.mark.parametrize(("value", "expected"), [
    (D(20), "20%"),
    (D("20.0000"), "20%"),
    (D("1E+1"), "10%"),
    (D("62.50"), "62,5%"),
    (D("33.3333"), "33,3333%"),
    (D("0.5"), "0,5%"),
])
def test_format_percentage(value, expected):
    assert format_percentage(value) == expected


@pytest.mark.parametrize(("kind", "value"), [
    (CofinancingKind.MULTIPLE_OF_SUBSIDY, None),
    (CofinancingKind.MULTIPLE_OF_SUBSIDY, D(0)),
    (CofinancingKind.MULTIPLE_OF_SUBSIDY, D(-1)),
    (CofinancingKind.SHARE_OF_TOTAL_COST, None),
    (CofinancingKind.SHARE_OF_TOTAL_COST, D(0)),
    (CofinancingKind.SHARE_OF_TOTAL_COST, D(100)),  # own = whole cost: the formula would divide by zero
    (CofinancingKind.SHARE_OF_TOTAL_COST, D(120)),
    (CofinancingKind.SUBSIDY_MAX_SHARE, None),
    (CofinancingKind.SUBSIDY_MAX_SHARE, D("100.01")),
    (CofinancingKind.SUBSIDY_MAX_SHARE, D("NaN")),
    (CofinancingKind.SUBSIDY_MAX_SHARE, D("Infinity")),
])
def test_rules_that_cannot_be_applied_are_refused(kind, value):
    with pytest.raises(ValueError):
        CofinancingRule(kind, value)


def test_a_float_value_is_refused():
    with pytest.raises(TypeError):
        CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, 20.0)  # type: ignore[arg-type]


def test_rule_from_stored_strings_and_ints():
    rule = CofinancingRule("share_of_total_cost", 20)  # type: ignore[arg-type]
    assert rule.kind is CofinancingKind.SHARE_OF_TOTAL_COST
    assert rule.value == D(20) and isinstance(rule.value, D)
    assert rule == REGIE_ROLE_STRICT


def test_full_share_is_a_valid_maximum():
    rule = CofinancingRule(CofinancingKind.SUBSIDY_MAX_SHARE, D(100))
    assert check_cofinancing(rule, subsidy=D(1000), own_contribution=D(0)).ok


# --------------------------------------------------------------------------- minimum own contribution


@pytest.mark.parametrize(("rule", "subsidy", "other", "expected"), [
    (NO_RULE, D("25000.00"), D(0), D("0.00")),
    (ACTION_PLAN, D("25000.00"), D(0), D("25000.00")),
    (ACTION_PLAN, D("25000.00"), D(10000), D("25000.00")),  # other funding does not count as own
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("0.35")), D("10000.01"), D(0), D("3500.01")),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(2)), D("1234.56"), D(0), D("2469.12")),
    # regie-role: own >= 20% of (subsidy + own) -> own >= 60.000 x 20 / 80
    (REGIE_ROLE, D("60000.00"), D(0), D("15000.00")),
    (REGIE_ROLE, D("60000.00"), D("20000.00"), D("20000.00")),
    (REGIE_ROLE, D("0.01"), D(0), D("0.01")),  # 0,0025 rounds up, never down to 0
    (CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(30)), D("70000.00"), D(0), D("30000.00")),
    (CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(30)), D("10000.00"), D(0), D("4285.72")),
    # EU fund: subsidy <= 75% of (subsidy + own) -> own >= subsidy / 3
    (EU_FUND, EU_SUBSIDY, D(0), D("401661.91")),
    (EU_FUND, D("75.00"), D(0), D("25.00")),
    (EU_FUND, D("75.00"), D("30.00"), D("0.00")),  # other funding already covers the rest
])
def test_minimum_own_contribution(rule, subsidy, other, expected):
    result = minimum_own_contribution(rule, subsidy, other)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(("rule", "total", "expected"), [
    (REGIE_ROLE, D("80000.00"), D("16000.00")),
    (REGIE_ROLE, D("75000.01"), D("15000.01")),  # 15.000,002 rounds up
])
def test_minimum_own_contribution_of_a_stated_total(rule, total, expected):
    assert minimum_own_contribution(rule, D("60000.00"), total_cost=total) == expected


# --------------------------------------------------------------------------- maximum subsidy


@pytest.mark.parametrize(("rule", "total", "expected"), [
    (NO_RULE, D("1000.00"), D("1000.00")),
    (ACTION_PLAN, D("50000.00"), D("25000.00")),
    (ACTION_PLAN, D("50000.01"), D("25000.00")),  # 25.000,005 rounds down
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("0.5")), D("30000.00"), D("20000.00")),
    (CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(2)), D("100.00"), D("33.33")),
    (REGIE_ROLE, D("75000.00"), D("60000.00")),
    (CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(30)), D("100.00"), D("70.00")),
    (EU_FUND, EU_TOTAL, D("1204985.72")),  # 1.204.985,7225
    (EU_FUND, EU_TOTAL_AS_TYPED, D("1204981.22")),  # 1.204.981,2225
    (EU_FUND, D("0.03"), D("0.02")),  # 0,0225 rounds down
])
def test_maximum_subsidy_for(rule, total, expected):
    result = maximum_subsidy_for(rule, total)
    assert result == expected
    assert result.as_tuple().exponent == -2


# --------------------------------------------------------------------------- action plan


@pytest.mark.parametrize(("subsidy", "own", "ok", "minimum", "maximum", "shortfall"), [
    (D("25000.00"), D("25000.00"), True, D("25000.00"), D("25000.00"), D(0)),
    (D("25000.00"), D("24999.99"), False, D("25000.00"), D("24999.99"), D("0.01")),
    (D("25000.00"), D("30000.00"), True, D("25000.00"), D("30000.00"), D(0)),
    (D("25000.00"), D("0.00"), False, D("25000.00"), D("0.00"), D("25000.00")),
    (D("0.00"), D("0.00"), True, D("0.00"), D("0.00"), D(0)),
    # exact comparison: 25.000,004 is more than 25.000,00 even though both show as 25.000,00
    (D("25000.004"), D("25000.00"), False, D("25000.01"), D("25000.00"), D("0.01")),
])
def test_action_plan(subsidy, own, ok, minimum, maximum, shortfall):
    check = check_cofinancing(ACTION_PLAN, subsidy=subsidy, own_contribution=own)
    assert (check.ok, check.minimum_own, check.maximum_subsidy, check.shortfall, check.waived) == \
        (ok, minimum, maximum, shortfall, False)


@pytest.mark.parametrize(("own", "expected"), [
    (D("25000.00"), "De eigen bijdrage van 25.000,00 EUR volstaat: minstens 25.000,00 EUR is vereist."),
    (D("24999.99"), "De eigen bijdrage van 24.999,99 EUR is te laag: minstens 25.000,00 EUR is vereist "
                    "(tekort: 0,01 EUR)."),
])
def test_action_plan_messages(own, expected):
    assert check_cofinancing(ACTION_PLAN, subsidy=D("25000.00"), own_contribution=own).message == expected


@pytest.mark.parametrize(("subsidy", "own", "ok"), [
    (D("10000.01"), D("3500.00"), False),  # 35% of 10.000,01 is 3.500,0035
    (D("10000.01"), D("3500.01"), True),
    (D("10000.00"), D("3500.00"), True),
])
def test_percentage_of_the_subsidy(subsidy, own, ok):
    rule = CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("0.35"))
    assert check_cofinancing(rule, subsidy=subsidy, own_contribution=own).ok is ok


# --------------------------------------------------------------------------- regie-role


@pytest.mark.parametrize(("subsidy", "own", "other", "ok", "minimum", "shortfall"), [
    (D("60000.00"), D("15000.00"), D(0), True, D("15000.00"), D(0)),  # total 75.000,00
    (D("60000.00"), D("14999.99"), D(0), False, D("15000.00"), D("0.01")),
    (D("60000.00"), D("20000.00"), D(0), True, D("15000.00"), D(0)),
    (D("60000.00"), D("0.00"), D(0), False, D("15000.00"), D("15000.00")),
    (D("60000.00"), D("20000.00"), D("20000.00"), True, D("20000.00"), D(0)),  # total 100.000,00
    (D("60000.00"), D("19999.99"), D("20000.00"), False, D("20000.00"), D("0.01")),
])
def test_regie_role(subsidy, own, other, ok, minimum, shortfall):
    check = check_cofinancing(REGIE_ROLE, subsidy=subsidy, own_contribution=own, other_funding=other)
    assert (check.ok, check.minimum_own, check.shortfall, check.waived) == (ok, minimum, shortfall, False)
    assert check.maximum_subsidy is None


@pytest.mark.parametrize(("own", "total", "ok", "minimum", "shortfall"), [
    (D("15000.00"), D("75000.00"), True, D("15000.00"), D(0)),
    (D("15000.00"), D("80000.00"), False, D("16000.00"), D("1000.00")),  # stated total wins
    (D("16000.00"), D("80000.00"), True, D("16000.00"), D(0)),
    # exact: 20% of 75.000,004 is 15.000,0008, more than 15.000,00
    (D("15000.00"), D("75000.004"), False, D("15000.01"), D("0.01")),
])
def test_regie_role_with_a_stated_total(own, total, ok, minimum, shortfall):
    check = check_cofinancing(REGIE_ROLE_STRICT, subsidy=D("60000.00"), own_contribution=own, total_cost=total)
    assert (check.ok, check.minimum_own, check.shortfall) == (ok, minimum, shortfall)


REGIE_FAIL = ("De eigen bijdrage van 14.999,99 EUR is minder dan 20% van de totale projectkost van "
              "74.999,99 EUR: minstens 15.000,00 EUR is vereist (tekort: 0,01 EUR).")


@pytest.mark.parametrize(("waiver", "ok", "waived", "message"), [
    (WaiverStatus.NONE, False, False, REGIE_FAIL + " U kunt een gemotiveerde afwijking aanvragen."),
    (WaiverStatus.REQUESTED, False, False,
     REGIE_FAIL + " De gevraagde afwijking wacht op de beslissing van het agentschap."),
    (WaiverStatus.ACCEPTED, True, True, REGIE_FAIL + " Het agentschap heeft een afwijking toegestaan."),
    (WaiverStatus.REFUSED, False, False, REGIE_FAIL + " Het agentschap heeft de gevraagde afwijking geweigerd."),
    ("accepted", True, True, REGIE_FAIL + " Het agentschap heeft een afwijking toegestaan."),  # as stored
])
def test_regie_role_waiver(waiver, ok, waived, message):
    check = check_cofinancing(REGIE_ROLE, subsidy=D("60000.00"), own_contribution=D("14999.99"), waiver=waiver)
    assert (check.ok, check.waived, check.message) == (ok, waived, message)
    assert check.shortfall == D("0.01")  # still shown when waived
    assert check.minimum_own == D("15000.00")


@pytest.mark.parametrize("waiver", list(WaiverStatus))
def test_waiver_on_a_rule_without_waivers_is_ignored(waiver):
    check = check_cofinancing(REGIE_ROLE_STRICT, subsidy=D("60000.00"), own_contribution=D("14999.99"),
                              waiver=waiver)
    assert check == CofinancingCheck(ok=False, minimum_own=D("15000.00"), maximum_subsidy=None,
                                     shortfall=D("0.01"), waived=False, message=REGIE_FAIL)


@pytest.mark.parametrize("waiver", list(WaiverStatus))
def test_waiver_is_irrelevant_when_the_rule_is_met(waiver):
    check = check_cofinancing(REGIE_ROLE, subsidy=D("60000.00"), own_contribution=D("15000.00"), waiver=waiver)
    assert (check.ok, check.waived) == (True, False)
    assert check.message == ("De eigen bijdrage van 15.000,00 EUR is minstens 20% van de totale "
                             "projectkost van 75.000,00 EUR.")


# --------------------------------------------------------------------------- EU fund


@pytest.mark.parametrize(("own", "total", "ok", "maximum", "minimum", "shortfall"), [
    # 1.204.985,71 + 401.661,92 = 1.606.647,63: 75% is 1.204.985,7225
    (EU_OWN, None, True, D("1204985.72"), D("401661.91"), D(0)),
    (EU_OWN, EU_TOTAL, True, D("1204985.72"), D("401661.91"), D(0)),
    # against the mistyped total the subsidy exceeds 75% (1.204.981,2225); the own contribution
    # covers its share, so what falls short is the subsidy, not the own contribution
    (EU_OWN, EU_TOTAL_AS_TYPED, False, D("1204981.22"), D("401661.91"), D(0)),
    # the smallest own contribution that keeps the subsidy within 75%
    (D("401661.91"), None, True, D("1204985.71"), D("401661.91"), D(0)),
    (D("401661.90"), None, False, D("1204985.70"), D("401661.91"), D("0.01")),
])
def test_eu_fund(own, total, ok, maximum, minimum, shortfall):
    check = check_cofinancing(EU_FUND, subsidy=EU_SUBSIDY, own_contribution=own, total_cost=total)
    assert (check.ok, check.maximum_subsidy, check.minimum_own, check.shortfall, check.waived) == \
        (ok, maximum, minimum, shortfall, False)


@pytest.mark.parametrize(("subsidy", "ok"), [
    (D("75.00"), True),  # exactly 75% is allowed
    (D("75.01"), False),
    (D("74.99"), True),
    (D("75.001"), False),  # exact comparison, no rounding first
])
def test_eu_fund_boundary(subsidy, ok):
    assert check_cofinancing(EU_FUND, subsidy=subsidy, own_contribution=D(0), total_cost=D(100)).ok is ok


@pytest.mark.parametrize(("total", "expected"), [
    (EU_TOTAL, "De gevraagde subsidie van 1.204.985,71 EUR is hoogstens 75% van de totale subsidiabele kost "
               "van 1.606.647,63 EUR (maximaal 1.204.985,72 EUR)."),
    (EU_TOTAL_AS_TYPED, "De gevraagde subsidie van 1.204.985,71 EUR is meer dan 75% van de totale "
                        "subsidiabele kost van 1.606.641,63 EUR: hoogstens 1.204.981,22 EUR is toegelaten."),
])
def test_eu_fund_messages(total, expected):
    check = check_cofinancing(EU_FUND, subsidy=EU_SUBSIDY, own_contribution=EU_OWN, total_cost=total)
    assert check.message == expected


# --------------------------------------------------------------------------- no co-financing


@pytest.mark.parametrize(("subsidy", "own", "waiver"), [
    (D("50000.00"), D("0.00"), WaiverStatus.NONE),
    (D("50000.00"), D("10.00"), WaiverStatus.ACCEPTED),
    (D("0.00"), D("0.00"), WaiverStatus.REQUESTED),
])
def test_no_cofinancing_is_always_ok(subsidy, own, waiver):
    check = check_cofinancing(NO_RULE, subsidy=subsidy, own_contribution=own, waiver=waiver)
    assert check == CofinancingCheck(ok=True, minimum_own=D("0.00"), maximum_subsidy=None, shortfall=D(0),
                                     waived=False, message="Geen cofinanciering vereist.")


# --------------------------------------------------------------------------- inputs


@pytest.mark.parametrize("field", ["subsidy", "own_contribution", "other_funding", "total_cost"])
def test_negative_amounts_are_refused(field):
    amounts = {"subsidy": D(100), "own_contribution": D(100), "other_funding": D(0), "total_cost": D(200)}
    amounts[field] = D("-0.01")
    with pytest.raises(ValueError, match="negatief"):
        check_cofinancing(REGIE_ROLE, **amounts)


@pytest.mark.parametrize("field", ["subsidy", "own_contribution", "other_funding", "total_cost"])
def test_float_amounts_are_refused(field):
    amounts = {"subsidy": D(100), "own_contribution": D(100), "other_funding": D(0), "total_cost": D(200)}
    amounts[field] = 0.1
    with pytest.raises(TypeError):
        check_cofinancing(REGIE_ROLE, **amounts)


def test_whole_euro_ints_are_accepted():
    check = check_cofinancing(ACTION_PLAN, subsidy=25000, own_contribution=25000)  # type: ignore[arg-type]
    assert check.ok and check.minimum_own == D("25000.00")


# --------------------------------------------------------------------------- totals


@pytest.mark.parametrize(("parts", "stated", "difference"), [
    ([EU_SUBSIDY, EU_OWN], EU_TOTAL_AS_TYPED, D("6.00")),
    ([EU_SUBSIDY, EU_OWN], EU_TOTAL, D("0.00")),
    (COUNTER_VOICES_AWARDS, COUNTER_VOICES_REPORTED_TOTAL, D("-182.00")),
    (COUNTER_VOICES_AWARDS, D("437995.00"), D("0.00")),
    ([D("60000.00"), D("15000.00")], D("75000.00"), D("0.00")),
    ([D("0.10"), D("0.20")], D("0.30"), D("0.00")),  # exact, unlike float
    ([D("0.001")], D("0.00"), D("0.001")),  # not rounded
    ([], D("0.00"), D("0.00")),
    ([], D("5.00"), D("-5.00")),
])
def test_check_totals_add_up(parts, stated, difference):
    assert check_totals_add_up(parts, stated) == difference


def test_counter_voices_awards_add_up_to_437_995():
    assert len(COUNTER_VOICES_AWARDS) == 11
    assert check_totals_add_up(COUNTER_VOICES_AWARDS, D("0")) == D("437995.00")


@pytest.mark.parametrize(("parts", "stated", "expected"), [
    ([EU_SUBSIDY, EU_OWN], EU_TOTAL_AS_TYPED,
     "De bedragen tellen op tot 1.606.647,63 EUR, niet tot het vermelde totaal van 1.606.641,63 EUR "
     "(6,00 EUR te veel)."),
    (COUNTER_VOICES_AWARDS, COUNTER_VOICES_REPORTED_TOTAL,
     "De bedragen tellen op tot 437.995,00 EUR, niet tot het vermelde totaal van 438.177,00 EUR "
     "(182,00 EUR te weinig)."),
    ([EU_SUBSIDY, EU_OWN], EU_TOTAL, None),
    (COUNTER_VOICES_AWARDS, D("437995"), None),
])
def test_totals_mismatch_message(parts, stated, expected):
    assert totals_mismatch_message(parts, stated) == expected


def test_totals_refuse_floats():
    with pytest.raises(TypeError):
        check_totals_add_up([0.1, D(1)], D("1.10"))  # type: ignore[list-item]
