"""The demo calls: the historical calls as they were, one open call of each kind, idempotent."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D

import sqlalchemy as sa

from grants.calls.models import Call
from grants.calls.rules import CofinancingKind
from grants.calls.states import CallKind, CallStatus, SelectionMode
from grants.demo.calls import demo_call_specs, seed_calls
from grants.extensions import db
from grants.timeutil import format_local
from tests.support.calls import brussels

HISTORICAL = ["Lokaal actieplan polarisatie 2022", "Maatschappelijke tegengeluiden mobiliseren 2017",
              "Lokale regierol 2015", "Lokale regierol 2021-2022"]
OPEN = ["Lokaal actieplan polarisatie 2027", "Maatschappelijke tegengeluiden 2027", "Lokale regierol 2027"]


def _by_title() -> dict[str, Call]:
    return {c.title: c for c in db.session.scalars(sa.select(Call))}


def test_seeding_twice_changes_nothing(app):
    messages = []
    assert seed_calls(messages.append) == {"calls": 7}
    db.session.commit()
    first = {c.title: (c.id, c.version) for c in _by_title().values()}
    assert seed_calls(messages.append) == {"calls": 7}
    db.session.commit()
    assert {c.title: (c.id, c.version) for c in _by_title().values()} == first
    assert sorted(first) == sorted(HISTORICAL + OPEN)
    assert messages == ["Calls: 7 added, 7 demo calls in total.", "Calls: 0 added, 7 demo calls in total."]


def test_the_historical_calls_as_they_were(app):
    seed_calls()
    db.session.commit()
    calls = _by_title()
    for title in HISTORICAL:
        assert calls[title].status == CallStatus.DECIDED
    action_plan = calls["Lokaal actieplan polarisatie 2022"]
    assert (action_plan.kind, action_plan.selection_mode, action_plan.dossier_prefix) == (
        CallKind.ACTION_PLAN, SelectionMode.SIGN_UP, "AP")
    assert format_local(action_plan.closes_at) == "01-07-2022 23:59"
    assert action_plan.project_start == date(2022, 10, 1) and action_plan.max_duration_months == 36
    assert action_plan.max_amount == D("25000.00") and action_plan.cofinancing_kind == CofinancingKind.MULTIPLE_OF_SUBSIDY

    counter = calls["Maatschappelijke tegengeluiden mobiliseren 2017"]
    assert (counter.kind, counter.selection_mode, counter.dossier_prefix) == (
        CallKind.COUNTER_VOICES, SelectionMode.COMPETITIVE, "TG")
    assert format_local(counter.opens_at, "%d-%m-%Y") == "01-07-2017"
    assert counter.closes_at == brussels(2017, 9, 29, 23, 59)
    assert (counter.envelope, counter.max_amount, counter.max_duration_months) == (D("500000.00"), D("50000.00"), 24)
    assert counter.project_start == date(2018, 3, 1) and sum(c.weight for c in counter.criteria) == 100

    regie_2015 = calls["Lokale regierol 2015"]
    assert regie_2015.dossier_prefix == "RR" and regie_2015.envelope == D("568311.00")
    assert regie_2015.max_amount == D("85000.00") and regie_2015.renewable_times == 2
    assert regie_2015.project_start == date(2016, 3, 1)

    regie_2021 = calls["Lokale regierol 2021-2022"]
    assert regie_2021.envelope == D("1500000.00") and regie_2021.max_amount_per_year == D("60000.00")
    assert regie_2021.cofinancing_kind == CofinancingKind.SHARE_OF_TOTAL_COST and regie_2021.cofinancing_value == 20
    assert regie_2021.waiver_allowed and regie_2021.renewable_times == 3
    assert regie_2021.project_start == date(2021, 7, 1) and regie_2021.max_duration_months == 12
    assert regie_2021.eligible_cost_categories == ["staff", "operating"]
    assert regie_2021.previous_round_id == regie_2015.id


def test_one_call_of_each_kind_is_open_now(app):
    seed_calls()
    db.session.commit()
    calls = _by_title()
    today = brussels(2026, 11, 24, 12, 0)
    kinds = set()
    for title in OPEN:
        call = calls[title]
        assert call.status == CallStatus.PUBLISHED and call.is_open_at(today)
        assert format_local(call.closes_at, "%m-%Y") == "02-2027"
        kinds.add(call.kind)
    assert kinds == {CallKind.ACTION_PLAN, CallKind.COUNTER_VOICES, CallKind.REGIE_ROLE}
    assert calls["Lokale regierol 2027"].previous_round_id == calls["Lokale regierol 2021-2022"].id
    assert [c.dossier_prefix for c in (calls[t] for t in OPEN)] == ["AP", "TG", "RR"]


def test_the_open_calls_move_along_when_the_demo_is_loaded_later():
    later = datetime(2027, 6, 1, 10, 0, tzinfo=timezone.utc)
    for spec in demo_call_specs(later)[4:]:
        assert spec["opens"] < later < spec["closes"]
