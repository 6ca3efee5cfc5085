"""The allocation proposal page: the envelope filled in order, the cut-off, what-if fields recomputed on
the server, ties with their rule, partial awards only where the call allows them, and the bulk accept."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.applications.states import ApplicationStatus
from grants.audit.models import AuditEvent
from grants.awards.models import Decision, DecisionOutcome
from grants.calls.states import SelectionMode
from grants.extensions import db
from grants.timeutil import utcnow

D = Decimal


@pytest.fixture
def admin(logged_in):
    browser, _user = logged_in("admin")
    return browser


def _sign_up(factory, amounts, *, envelope="100000.00", partial=False, priorities=None):
    call = factory.call(selection_mode=SelectionMode.SIGN_UP, envelope=D(envelope), partial_awards=partial)
    apps = []
    base = utcnow() - timedelta(days=5)
    for n, amount in enumerate(amounts):
        apps.append(factory.application(call, status=ApplicationStatus.ADMISSIBLE, requested_amount=D(amount),
                                        priority=(priorities or [1] * len(amounts))[n],
                                        submitted_at=base + timedelta(hours=n)))
    db.session.commit()
    return call, apps


def _decisions(call):
    return {d.application_id: d for d in db.session.scalars(sa.select(Decision))}


def test_the_envelope_is_filled_in_order_exactly_to_the_cent(admin, factory):
    call, apps = _sign_up(factory, ["40000.00", "35000.50", "24999.50", "10000.00"])
    html = admin.get(f"/admin/calls/{call.id}/awards/proposal").get_data(as_text=True)
    assert 'id="proposal-total">100.000,00 EUR' in html
    assert 'id="proposal-left">0,00 EUR' in html
    # the fourth no longer fits: the cut-off line stands before it, and it goes to the waiting list
    assert html.index('id="cutoff"') < html.index(f'id="row-{apps[3].id}"')
    assert html.index(f'id="row-{apps[2].id}"') < html.index('id="cutoff"')


def test_a_partial_award_only_where_the_call_allows_it(admin, factory):
    call, apps = _sign_up(factory, ["60000.00", "50000.00"], partial=False)
    html = admin.get(f"/admin/calls/{call.id}/awards/proposal").get_data(as_text=True)
    assert "deze oproep kent geen gedeeltelijke toekenningen" in html
    assert 'id="proposal-total">60.000,00 EUR' in html

    call2, apps2 = _sign_up(factory, ["60000.00", "50000.00"], partial=True)
    html = admin.get(f"/admin/calls/{call2.id}/awards/proposal").get_data(as_text=True)
    assert "Gedeeltelijke toekenning" in html
    assert 'id="proposal-total">100.000,00 EUR' in html
    assert "40.000,00 EUR" in html


def test_ties_show_both_and_the_rule(admin, factory):
    call, apps = _sign_up(factory, ["60000.00", "60000.00"], priorities=[1, 1])
    html = admin.get(f"/admin/calls/{call.id}/awards/proposal").get_data(as_text=True)
    assert "Gelijke prioriteit 1" in html
    assert "vroegste indiening" in html
    assert apps[0].dossier_number in html and apps[1].dossier_number in html


def test_what_if_envelope_is_recomputed_on_the_server(admin, factory):
    call, apps = _sign_up(factory, ["40000.00", "35000.00", "25000.00"])
    html = admin.get(f"/admin/calls/{call.id}/awards/proposal?envelope=75.000,00").get_data(as_text=True)
    assert 'id="proposal-envelope">75.000,00 EUR' in html
    assert 'id="proposal-total">75.000,00 EUR' in html
    assert f"{apps[2].dossier_number}: toekenning van 25.000,00 EUR wordt reservelijst." in html


@pytest.mark.parametrize("query", ["envelope=-5", "envelope=1e400", "envelope=abc", "threshold=1e400",
                                   "threshold=-1", "envelope=" + "9" * 60])
def test_bad_what_if_values_are_a_message(admin, factory, query):
    call, _apps = _sign_up(factory, ["40000.00"])
    response = admin.get(f"/admin/calls/{call.id}/awards/proposal?{query}")
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)


def test_accept_as_draft_decisions_in_bulk_keeps_earlier_ones(admin, factory, logged_in):
    call, apps = _sign_up(factory, ["40000.00", "35000.00", "30000.00"])
    url = f"/admin/calls/{call.id}/awards/proposal"
    # one decided by hand first: the bulk accept leaves it alone
    admin.post(f"/admin/applications/{apps[0].id}/decision",
               {"outcome": "awarded", "amount": "30000", "motivation": "Zelf beslist."},
               token_from=f"/admin/applications/{apps[0].id}/decision")
    response = admin.post(f"{url}/accept", {"envelope": "", "threshold": ""}, token_from=url)
    assert response.status_code == 302
    decisions = _decisions(call)
    assert decisions[apps[0].id].amount == D("30000.00") and decisions[apps[0].id].motivation == "Zelf beslist."
    assert decisions[apps[1].id].outcome == DecisionOutcome.AWARDED and decisions[apps[1].id].amount == D("35000.00")
    assert decisions[apps[2].id].outcome == DecisionOutcome.WAITLISTED
    assert all(d.published_at is None for d in decisions.values())
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "award.accept_proposal")) is not None


def test_accept_with_a_what_if_envelope_recomputes_it(admin, factory):
    call, apps = _sign_up(factory, ["40000.00", "35000.00", "25000.00"])
    url = f"/admin/calls/{call.id}/awards/proposal"
    assert admin.post(f"{url}/accept", {"envelope": "75000", "threshold": ""}, token_from=url).status_code == 302
    decisions = _decisions(call)
    assert sum(d.amount or 0 for d in decisions.values()) == D("75000.00")
    assert decisions[apps[2].id].outcome == DecisionOutcome.WAITLISTED


def test_competitive_proposal_follows_ranking_threshold_and_advice(admin, factory):
    call = factory.call(envelope=D("100000.00"))
    juror = factory.user(role="juror")
    factory.jury(call, [juror], jurors_per_application=1)
    relevance, feasibility = call.criteria
    apps = []
    for score in (9, 7, 3):
        app = factory.application(call, status=ApplicationStatus.UNDER_REVIEW)
        factory.sheet(factory.assignment(app, juror), {relevance: score, feasibility: score})
        apps.append(app)
    db.session.commit()
    url = f"/admin/calls/{call.id}/awards/proposal"
    html = admin.get(url).get_data(as_text=True)
    assert 'id="proposal-total">80.000,00 EUR' in html  # 40.000 twice: the third does not fit
    # with a threshold of 50 points the third is rejected instead of waiting
    html = admin.get(f"{url}?threshold=50").get_data(as_text=True)
    assert "haalt de drempel van 50 niet" in html
    assert f"{apps[2].dossier_number}: reservelijst wordt afwijzing." in html
