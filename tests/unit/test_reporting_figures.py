"""The follow-up's small pure computations and its state records."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.reporting.figures import (
    PaymentLine, action_status, category_budgets, duration_text, kpi_targets, project_figures, scaled_budgets,
    split_in_proportion,
)
from grants.reporting.rules import ProjectStatus
from grants.reporting.states import PAYMENT_STATES, PROJECT_STATES, REPORT_STATES, PaymentStatus, ReportStatus
from tests.unit import test_state_tables as tables

MACHINES = [tables.Machine("report", REPORT_STATES, ReportStatus.DRAFT),
            tables.Machine("payment", PAYMENT_STATES, PaymentStatus.PLANNED),
            tables.Machine("project", PROJECT_STATES, ProjectStatus.TO_START)]
CHECKS = [tables.test_the_machine_reports_no_problems, tables.test_every_state_has_exactly_one_record,
          tables.test_every_label_is_given_in_both_languages_and_tells_the_states_apart,
          tables.test_every_sentence_of_a_record_has_both_languages_with_the_same_placeholders,
          tables.test_badges_are_the_known_ones,
          tables.test_every_transition_leads_to_a_state_of_the_machine_and_someone_may_take_it,
          tables.test_every_state_is_reachable_from_the_initial_one]


@pytest.mark.parametrize("machine", MACHINES, ids=[m.name for m in MACHINES])
@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__[5:] for c in CHECKS])
def test_the_follow_up_machines_are_complete(machine, check):
    check(machine)


def test_the_report_cycle_reopens_on_changes_and_ends_approved():
    assert REPORT_STATES.can(ReportStatus.SUBMITTED, ReportStatus.CHANGES_REQUESTED, tables.Actor.ADMIN)
    assert REPORT_STATES.can(ReportStatus.CHANGES_REQUESTED, ReportStatus.SUBMITTED, tables.Actor.APPLICANT)
    assert not REPORT_STATES.can(ReportStatus.SUBMITTED, ReportStatus.APPROVED, tables.Actor.APPLICANT)
    assert REPORT_STATES[ReportStatus.APPROVED].targets == frozenset()
    assert REPORT_STATES.where(editable=True) == {ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED}
    assert PROJECT_STATES[ProjectStatus.RUNNING].label == "Lopende"


@pytest.mark.parametrize(("total", "weights", "expected"), [
    ("100.00", [1, 1, 1], ("33.33", "33.34", "33.33")),
    ("49146.00", [60, 40], ("29487.60", "19658.40")),
    ("0.01", [1, 1], ("0.01", "0.00")),
    ("10.00", [0, 0], ("5.00", "5.00")),
    ("45000.00", [30000, 15000], ("30000.00", "15000.00")),
])
def test_split_in_proportion_to_the_cent(total, weights, expected):
    assert split_in_proportion(D(total), [D(w) for w in weights]) == tuple(D(e) for e in expected)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9).map(lambda c: D(c) / 100),
       st.lists(st.integers(0, 10**6), min_size=1, max_size=8).map(lambda ws: [D(w) for w in ws]))
def test_shares_add_up_and_stay_within_a_cent(total, weights):
    shares = split_in_proportion(total, weights)
    assert sum(shares) == total and len(shares) == len(weights)
    whole = sum(weights) or len(weights)
    for share, weight in zip(shares, weights if sum(weights) else [1] * len(weights)):
        assert abs(share - total * weight / whole) <= D("0.01")


def test_kpi_targets_prefer_the_confirmed_value_and_flag_the_planned_one():
    targets = kpi_targets([(1, D(400), D(500)), (2, None, D(30)), (3, None, None)])
    assert (targets[1].target, targets[1].confirmed) == (D(400), True)
    assert (targets[2].target, targets[2].confirmed) == (D(30), False)
    assert targets[3].target is None


def test_project_figures_from_the_payments():
    lines = [PaymentLine("advance", "paid", D("24000.00")), PaymentLine("balance", "planned", D("16000.00")),
             PaymentLine("interim", "approved", D("100.00")), PaymentLine("reclaim", "due", D("50.00")),
             PaymentLine("reclaim", "reclaimed", D("25.00")), PaymentLine("balance", "cancelled", D("9.00"))]
    figures = project_figures(D("40000.00"), lines)
    assert (figures.paid, figures.expected, figures.payable, figures.reclaim_open, figures.reclaimed) == (
        D("24000.00"), D("16000.00"), D("100.00"), D("50.00"), D("25.00"))
    assert figures.paid_net == D("23975.00") and figures.reclaim_total == D("75.00")


@pytest.mark.parametrize(("statuses", "expected"), [
    ([], ProjectStatus.TO_START), (["to_start", "to_start"], ProjectStatus.TO_START),
    (["to_start", "started"], ProjectStatus.STARTED), (["started", "running"], ProjectStatus.RUNNING),
    (["finished", "to_start"], ProjectStatus.RUNNING), (["finished", "finished"], ProjectStatus.FINISHED),
])
def test_an_actions_status_follows_its_projects(statuses, expected):
    assert action_status(statuses) == expected


@pytest.mark.parametrize(("months", "text"), [(24, "2 jaar"), (12, "1 jaar"), (18, "18 maanden"), (1, "1 maand")])
def test_duration_text(months, text):
    assert duration_text(months) == text


def test_category_budgets_keep_the_eligible_ones_in_the_calls_order():
    lines = [("operating", D("100.00")), ("staff", D("200.00")), ("catering", D("50.00")), ("staff", D("1.00"))]
    assert category_budgets(lines, ["staff", "operating"]) == {"staff": D("201.00"), "operating": D("100.00")}
    assert category_budgets([], ["staff"]) == {"staff": D("0.00")}
    assert scaled_budgets({"staff": D("30000.00"), "operating": D("15000.00")}, D("60000.00")) == {
        "staff": D("40000.00"), "operating": D("20000.00")}
