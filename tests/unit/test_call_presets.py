"""The presets carry the real rules of the three calls (DOMAIN.md), and those rules hold together."""
from datetime import datetime
from decimal import Decimal as D

import pytest

from grants.calls.operations import CallData, check_call_data
from grants.calls.presets import ACTION_PLAN, COUNTER_VOICES, OTHER, PRESETS, REGIE_ROLE, preset_for
from grants.calls.rules import (
    CofinancingKind, CofinancingRule, WaiverStatus, check_cofinancing, minimum_own_contribution,
)
from grants.calls.states import CallKind, SelectionMode, TriggerKind
from grants.timeutil import from_local

OPENS = from_local(datetime(2027, 1, 4, 9, 0))
CLOSES = from_local(datetime(2027, 3, 31, 23, 59))


def test_a_preset_for_every_kind():
    assert set(PRESETS) == set(CallKind)
    assert preset_for("regie_role") is REGIE_ROLE


@pytest.mark.parametrize("preset", [ACTION_PLAN, COUNTER_VOICES, REGIE_ROLE])
def test_each_preset_is_a_valid_call_once_dates_and_envelope_are_given(preset):
    data = CallData.from_preset(preset, title="Test", opens_at=OPENS, closes_at=CLOSES,
                                envelope=preset.envelope or D("1000000"))
    assert check_call_data(data) == {}
    assert sum(t.percent for t in data.tranches) == 100
    assert [t.trigger for t in data.tranches] == [TriggerKind.AWARD, TriggerKind.FINAL_REPORT]


def test_the_empty_preset_asks_for_every_amount():
    data = CallData.from_preset(OTHER, title="", opens_at=OPENS, closes_at=CLOSES)
    errors = check_call_data(data)
    assert errors["title"] == "Geef de oproep een titel."


@pytest.mark.parametrize(("preset", "subsidy", "own", "total", "ok", "minimum"), [
    # action plan: 25,000 euro needs at least 25,000 of co-financing
    (ACTION_PLAN, D("25000.00"), D("25000.00"), None, True, D("25000.00")),
    (ACTION_PLAN, D("25000.00"), D("24999.99"), None, False, D("25000.00")),
    # regie-role: 60,000 a year with at least 20% of the total cost as own contribution
    (REGIE_ROLE, D("60000.00"), D("15000.00"), None, True, D("15000.00")),
    (REGIE_ROLE, D("60000.00"), D("14999.99"), None, False, D("15000.00")),
    # counter-voices: no co-financing
    (COUNTER_VOICES, D("50000.00"), D("0.00"), None, True, D("0.00")),
])
def test_the_preset_rules_with_the_real_figures(preset, subsidy, own, total, ok, minimum):
    rule = CofinancingRule(preset.cofinancing_kind, preset.cofinancing_value, preset.waiver_allowed)
    result = check_cofinancing(rule, subsidy=subsidy, own_contribution=own, total_cost=total)
    assert result.ok is ok
    assert minimum_own_contribution(rule, subsidy) == minimum


def test_only_the_regie_role_lets_the_applicant_ask_for_a_waiver():
    regie = CofinancingRule(REGIE_ROLE.cofinancing_kind, REGIE_ROLE.cofinancing_value, REGIE_ROLE.waiver_allowed)
    plan = CofinancingRule(ACTION_PLAN.cofinancing_kind, ACTION_PLAN.cofinancing_value, ACTION_PLAN.waiver_allowed)
    assert check_cofinancing(regie, subsidy=D(60000), own_contribution=D(0), waiver=WaiverStatus.ACCEPTED).ok
    assert not check_cofinancing(plan, subsidy=D(25000), own_contribution=D(0), waiver=WaiverStatus.ACCEPTED).ok


def test_the_figures_of_domain_md():
    assert (ACTION_PLAN.max_amount, ACTION_PLAN.selection_mode) == (D(25000), SelectionMode.SIGN_UP)
    assert ACTION_PLAN.cofinancing_kind == CofinancingKind.MULTIPLE_OF_SUBSIDY and ACTION_PLAN.cofinancing_value == 1
    assert [k.name for k in ACTION_PLAN.kpis] == ["Actieplan opgemaakt", "Actieplan uitgevoerd"]
    assert set(ACTION_PLAN.allowed_kinds) == {"municipality", "vgc", "vzw_de_rand"}
    assert ACTION_PLAN.report_months == (6, 12, 24) and ACTION_PLAN.max_duration_months == 36

    assert (COUNTER_VOICES.max_amount, COUNTER_VOICES.envelope, COUNTER_VOICES.max_duration_months) == (
        D(50000), D(500000), 24)
    assert COUNTER_VOICES.selection_mode == SelectionMode.COMPETITIVE
    assert sum(c.weight for c in COUNTER_VOICES.criteria) == 100
    assert [c.weight for c in COUNTER_VOICES.criteria] == sorted((c.weight for c in COUNTER_VOICES.criteria), reverse=True)
    assert set(COUNTER_VOICES.allowed_kinds) == {"nonprofit", "school", "university", "municipality",
                                                 "other_local_government"}

    assert (REGIE_ROLE.max_amount_per_year, REGIE_ROLE.envelope, REGIE_ROLE.renewable_times) == (
        D(60000), D(1500000), 3)
    assert (REGIE_ROLE.cofinancing_kind, REGIE_ROLE.cofinancing_value, REGIE_ROLE.waiver_allowed) == (
        CofinancingKind.SHARE_OF_TOTAL_COST, D(20), True)
    assert REGIE_ROLE.eligible_cost_categories == ("staff", "operating")  # no structural or overhead costs
    assert REGIE_ROLE.allowed_kinds == ("municipality",) and REGIE_ROLE.partnerships_allowed
    assert sum(c.weight for c in REGIE_ROLE.criteria) == 100


def test_presets_cannot_be_changed_by_accident():
    values = ACTION_PLAN.call_values()
    values["allowed_kinds"].append("nonprofit")
    assert "nonprofit" not in ACTION_PLAN.allowed_kinds
    changed = ACTION_PLAN.but(max_amount=D(30000))
    assert changed.max_amount == D(30000) and ACTION_PLAN.max_amount == D(25000)
