"""The decision form: every check of an award with its Dutch message beside the field, overrides only
with a reason (audited, shown on the awards page), and bad input as a message or a 404, never a 500."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.applications.models import ApplicationKpi
from grants.applications.states import ApplicationStatus
from grants.audit.models import AuditEvent
from grants.awards.models import Decision, DecisionOutcome
from grants.calls.models import CallKpi
from grants.calls.rules import CofinancingKind, WaiverStatus
from grants.extensions import db

D = Decimal


@pytest.fixture
def admin(logged_in):
    browser, user = logged_in("admin")
    return browser


def _decide(browser, app, **fields):
    data = {"outcome": "awarded", "amount": "40000", "motivation": "Sterk project."}
    data.update(fields)
    return browser.post(f"/admin/applications/{app.id}/decision", data,
                        token_from=f"/admin/applications/{app.id}/decision")


def _decision(app) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.application_id == app.id))


def test_an_award_lower_than_requested_with_cofinancing_and_confirmed_kpis(admin, factory):
    call = factory.call(cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST, cofinancing_value=D("20"))
    kpi = CallKpi(call_id=call.id, position=1, name="Deelnemers", unit="personen")
    db.session.add(kpi)
    db.session.flush()
    app = factory.application(call, status=ApplicationStatus.ADMISSIBLE,
                              requested_amount=D("40000.00"))
    # own contribution 5.000: at 20% of the total cost an award of 20.000 needs 5.000 (20.000 x 20/80)
    db.session.add(ApplicationKpi(application_id=app.id, kpi_id=kpi.id, planned_value=D("100")))
    db.session.commit()
    response = _decide(admin, app, amount="20.000,00", **{f"kpi_{kpi.id}": "80"})
    assert response.status_code == 302, response.get_data(as_text=True)
    decision = _decision(app)
    assert decision.outcome == DecisionOutcome.AWARDED
    assert decision.amount == D("20000.00")
    assert decision.required_own_contribution == D("5000.00")
    assert decision.published_at is None
    assert db.session.get(ApplicationKpi, app.kpi_values[0].id).confirmed_value == D("80.00")
    # a draft changes nothing the applicant sees, not even the status
    assert db.session.get(type(app), app.id).status == ApplicationStatus.ADMISSIBLE
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "award.decide"))
    assert event.changes["amount"] == [None, "20000.00"]


def test_the_awards_page_shows_the_sum_and_the_committed_difference(admin, factory):
    call = factory.call(committed_amount=D("438177.00"))
    a = factory.application(call, status=ApplicationStatus.ADMISSIBLE, requested_amount=D("42464.00"))
    b = factory.application(call, status=ApplicationStatus.ADMISSIBLE, requested_amount=D("49146.00"))
    db.session.commit()
    assert _decide(admin, a, amount="42464").status_code == 302
    assert _decide(admin, b, amount="49146").status_code == 302
    page = admin.get(f"/admin/calls/{call.id}/awards").get_data(as_text=True)
    assert "91.610,00 EUR" in page  # 42.464 + 49.146
    assert "346.567,00 EUR" in page  # 438.177 - 91.610


def test_the_committed_amount_is_editable_and_audited(admin, factory):
    call = factory.call()
    factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    url = f"/admin/calls/{call.id}/awards"
    response = admin.post(f"{url}/committed", {"committed_amount": "438.177,00"}, token_from=url)
    assert response.status_code == 302
    assert db.session.get(type(call), call.id).committed_amount == D("438177.00")
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "award.committed")) is not None
    response = admin.post(f"{url}/committed", {"committed_amount": "-3"}, token_from=url)
    assert response.status_code == 400
    assert "negatief" in response.get_data(as_text=True)


@pytest.mark.parametrize("amount, message", [
    ("-5", "Een bedrag mag niet negatief zijn."),
    ("1e400", "Geef een bedrag in euro"),
    ("veertig", "Geef een bedrag in euro"),
    ("0", "Het toegekende bedrag moet groter dan nul zijn."),
    ("45000", "hoger dan het gevraagde bedrag"),
    ("", "Vul het toegekende bedrag in."),
])
def test_bad_amounts_get_a_message_beside_the_field(admin, factory, amount, message):
    app = factory.application(status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    response = _decide(admin, app, amount=amount)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="amount-error"' in html
    assert _decision(app) is None


def test_above_the_maximum_blocks_until_overridden_with_a_reason(admin, factory):
    call = factory.call(max_amount=D("30000.00"))
    app = factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    response = _decide(admin, app, amount="35000")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "hoger dan het maximum van 30.000,00 EUR" in html
    assert "Geef een motivering om de toekenning ondanks de opmerkingen door te zetten." in html
    assert _decision(app) is None

    response = _decide(admin, app, amount="35000", override_reason="Uitzonderlijk sterk; minister akkoord.")
    assert response.status_code == 302
    decision = _decision(app)
    assert decision.overridden_checks == ["above_maximum"]
    assert decision.override_reason == "Uitzonderlijk sterk; minister akkoord."
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "award.decide"))
    assert event.reason == "Uitzonderlijk sterk; minister akkoord."
    page = admin.get(f"/admin/calls/{call.id}/awards").get_data(as_text=True)
    assert "Uitzonderlijk sterk; minister akkoord." in page
    assert "afgeweken: maximum van de oproep" in page
    # the override covers the check: the award does not hold up the publication
    from grants.awards.operations import publication_problems
    assert publication_problems(db.session.get(type(call), call.id)) == []


def test_the_per_year_maximum(admin, factory):
    call = factory.call(max_amount=D("200000.00"), max_amount_per_year=D("60000.00"))
    app = factory.application(call, status=ApplicationStatus.ADMISSIBLE, requested_amount=D("80000.00"),
                              start_date=__import__("datetime").date(2027, 1, 1),
                              end_date=__import__("datetime").date(2027, 12, 31))
    db.session.commit()
    response = _decide(admin, app, amount="70000")
    assert response.status_code == 400
    assert "hoogstens 60.000,00 EUR per jaar" in response.get_data(as_text=True)


def test_cofinancing_short_blocks_and_an_accepted_waiver_lifts_it(admin, factory):
    call = factory.call(cofinancing_kind=CofinancingKind.MULTIPLE_OF_SUBSIDY, cofinancing_value=D("1"),
                        waiver_allowed=True)
    app = factory.application(call, status=ApplicationStatus.ADMISSIBLE, requested_amount=D("25000.00"),
                              waiver=WaiverStatus.REQUESTED)
    db.session.commit()
    response = _decide(admin, app, amount="25000")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "vraagt de oproep een eigen bijdrage van minstens 25.000,00 EUR" in html
    assert "De gevraagde afwijking is nog niet aanvaard." in html
    # an award of 5.000 is covered by the 5.000 of own contribution
    assert _decide(admin, app, amount="5000").status_code == 302
    assert _decision(app).required_own_contribution == D("5000.00")
    app.waiver = WaiverStatus.ACCEPTED
    db.session.commit()
    assert _decide(admin, app, amount="25000", version=str(_decision(app).version)).status_code == 302
    decision = _decision(app)
    assert decision.amount == D("25000.00") and decision.required_own_contribution is None


def test_the_envelope_is_checked_to_the_cent(admin, factory):
    call = factory.call(envelope=D("80000.00"))
    a = factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    b = factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    assert _decide(admin, a, amount="40000").status_code == 302
    response = _decide(admin, b, amount="40000,01")
    assert response.status_code == 400
    assert "0,01 EUR meer dan het budget" in response.get_data(as_text=True)
    assert _decide(admin, b, amount="40000,00").status_code == 302  # exactly the envelope


def test_one_award_per_organisation(admin, factory):
    call = factory.call(one_award_per_organisation=True, one_application_per_organisation=False)
    org = factory.organisation()
    a = factory.application(call, org, status=ApplicationStatus.ADMISSIBLE)
    b = factory.application(call, org, status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    assert _decide(admin, a).status_code == 302
    response = _decide(admin, b)
    assert response.status_code == 400
    assert f"deze organisatie heeft er al een (dossier {a.dossier_number})" in response.get_data(as_text=True)


@pytest.mark.parametrize("status, message", [
    (ApplicationStatus.SUBMITTED, "de ontvankelijkheid is nog niet beoordeeld"),
    (ApplicationStatus.INADMISSIBLE, "de aanvraag is onontvankelijk verklaard"),
])
def test_no_award_before_or_after_a_negative_screening(admin, factory, status, message):
    app = factory.application(status=status)
    db.session.commit()
    response = _decide(admin, app)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("outcome", ["awarded", "rejected", "waitlisted"])
def test_no_decision_on_a_withdrawn_application_even_with_a_reason(admin, factory, outcome):
    app = factory.application(status=ApplicationStatus.WITHDRAWN)
    db.session.commit()
    response = _decide(admin, app, outcome=outcome, override_reason="Toch graag.")
    assert response.status_code == 400
    assert "ingetrokken" in response.get_data(as_text=True)
    assert _decision(app) is None


def test_a_rejection_needs_a_motivation(admin, factory):
    app = factory.application(status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    response = _decide(admin, app, outcome="rejected", amount="", motivation="")
    assert response.status_code == 400
    assert "Motiveer de beslissing" in response.get_data(as_text=True)
    assert _decide(admin, app, outcome="rejected", amount="", motivation="Te weinig vernieuwend.").status_code == 302
    assert _decision(app).outcome == DecisionOutcome.REJECTED and _decision(app).amount is None


@pytest.mark.parametrize("outcome", ["", "granted", "1e400"])
def test_an_unknown_outcome_is_a_message(admin, factory, outcome):
    app = factory.application(status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    assert _decide(admin, app, outcome=outcome).status_code == 400


def test_a_negative_kpi_target_is_a_message(admin, factory):
    call = factory.call()
    kpi = CallKpi(call_id=call.id, position=1, name="Deelnemers")
    db.session.add(kpi)
    db.session.flush()
    app = factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    db.session.add(ApplicationKpi(application_id=app.id, kpi_id=kpi.id, planned_value=D("100")))
    db.session.commit()
    response = _decide(admin, app, **{f"kpi_{kpi.id}": "-4"})
    assert response.status_code == 400
    assert _decision(app) is None


@pytest.mark.parametrize("url", [
    "/admin/applications/999999/decision", "/admin/applications/99999999999999999999/decision",
    "/admin/calls/999999/awards", "/admin/calls/999999/awards/proposal", "/admin/calls/1/awards/mail/granted",
])
def test_unknown_ids_are_404(admin, url):
    assert admin.get(url).status_code == 404


def test_a_stale_form_does_not_overwrite(admin, factory):
    app = factory.application(status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    assert _decide(admin, app, amount="30000").status_code == 302
    version = _decision(app).version
    assert _decide(admin, app, amount="31000", version=str(version)).status_code == 302
    response = _decide(admin, app, amount="32000", version=str(version))
    assert response.status_code == 409
    assert _decision(app).amount == D("31000.00")


@pytest.mark.parametrize("role", ["juror", "applicant"])
def test_others_are_refused_on_the_agency_pages_by_role(logged_in, factory, role):
    # As on every /admin/ page: refused by role before any lookup (403), so nothing about the call or the
    # application is confirmed; the pages they could reach (letter, public list) answer 404.
    app = factory.application(status=ApplicationStatus.ADMISSIBLE)
    org = app.organisation
    db.session.commit()
    browser, _user = logged_in(role, organisations=[org])
    for url in (f"/admin/applications/{app.id}/decision", f"/admin/calls/{app.call_id}/awards",
                f"/admin/calls/{app.call_id}/awards/proposal", "/admin/awards/mail/awarded"):
        response = browser.get(url)
        assert response.status_code == 403, url
        assert app.title not in response.get_data(as_text=True)
    assert browser.post(f"/admin/calls/{app.call_id}/awards/publish", {}).status_code in (400, 403)
    assert browser.get(f"/applications/{app.id}/award-letter").status_code == 404
    assert browser.get(f"/calls/{app.call_id}/awards").status_code == 404

def test_two_first_decisions_at_the_same_moment_give_the_conflict_message(admin, factory, monkeypatch):
    app = factory.application(status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    assert _decide(admin, app, amount="30000").status_code == 302
    # the second admin loaded the form before the first decision existed
    from grants.awards import operations
    monkeypatch.setattr(operations, "decision_of", lambda _app: None)
    response = _decide(admin, app, amount="20000")
    assert response.status_code == 409
    assert "tegelijk" in response.get_data(as_text=True)
    assert _decision(app).amount == D("30000.00")


def test_the_decision_page_shows_the_jury_advice_and_links_its_history(admin, factory):
    from grants.jury.models import AdviceOutcome, JuryAdvice
    app = factory.application(status=ApplicationStatus.UNDER_REVIEW)
    db.session.add(JuryAdvice(application_id=app.id, outcome=AdviceOutcome.AWARD, motivation="Unaniem positief."))
    db.session.commit()
    html = admin.get(f"/admin/applications/{app.id}/decision").get_data(as_text=True)
    assert "Unaniem positief." in html
    assert _decide(admin, app, amount="35000").status_code == 302
    decision = _decision(app)
    html = admin.get(f"/admin/applications/{app.id}/decision").get_data(as_text=True)
    assert f"/admin/history/decisions/{decision.id}" in html
    history = admin.get(f"/admin/history/decisions/{decision.id}").get_data(as_text=True)
    assert "legde de (ontwerp)beslissing vast" in history and "35.000,00 EUR" in history
