"""Checklist, submission (deadline to the instant, dossier numbers, receipt by e-mail), freezing, withdrawing."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.applications import operations
from grants.applications.models import BudgetLine, Contribution, ContributionKind
from grants.applications.states import ApplicationStatus as S
from grants.audit.models import AuditEvent
from grants.calls.rules import CofinancingKind
from grants.extensions import db
from grants.timeutil import from_local, utcnow

import datetime as dt
import io

from tests.support.applications import complete_application, pdf_bytes, section_form, submit_form


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")


@pytest.fixture
def applicant(logged_in, gent):
    return logged_in("applicant", organisations=[gent], name="Els Peeters", email="els@gent.be")


def _clock(monkeypatch, moment):
    monkeypatch.setattr(operations, "utcnow", lambda: moment)


# --------------------------------------------------------------------------- the checklist


def test_the_checklist_with_real_figures_to_the_cent(applicant, factory, gent):
    """Regie-role rule: own contribution >= 20% of the total cost; the totals must add up exactly."""
    browser, user = applicant
    call = factory.call(cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST, cofinancing_value=D("20"),
                        max_amount=D("60000.00"), max_amount_per_year=D("60000.00"))
    app = complete_application(call, gent, user, requested_amount=D("60000.00"), lines=[
        BudgetLine(position=1, category="staff", description="Coördinator", fte=D("0.80"), months=12,
                   amount=D("52345.67")),
        BudgetLine(position=2, category="operating", description="Werking", amount=D("22654.32"))],
        contributions=[Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=D("10000.00")),
                       Contribution(kind=ContributionKind.OWN_STAFF, source="", amount=D("4999.98"))])
    db.session.commit()
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    # Total cost 74.999,99; financing 60.000 + 10.000 + 4.999,98 = 74.999,98: one cent short.
    assert "De financiering (74.999,98 EUR) is 0,01 EUR minder dan de totale kost van de begroting " \
           "(74.999,99 EUR)." in page
    # 20% of 74.999,99 = 14.999,998 -> at least 15.000,00 (rounded up); 14.999,98 is 0,02 short.
    assert "minstens 15.000,00 EUR is vereist (tekort: 0,02 EUR)" in page
    assert "Minimale eigen bijdrage bij deze subsidie: 15.000,00 EUR." in page
    assert "Voor 1 jaar is hoogstens 60.000,00 EUR mogelijk" in page
    # Fix the staff contribution by two cents and one cent of cost: everything adds up.
    app.contributions[1].amount = D("5000.00")
    app.budget_lines[1].amount = D("22654.33")
    db.session.commit()
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert ("Gevraagde subsidie 60.000,00 EUR + eigen financiële inbreng 10.000,00 EUR + eigen personeelsinzet "
            "5.000,00 EUR + bijdragen van derden 0,00 EUR = totale kost 75.000,00 EUR.") in page
    assert "De eigen bijdrage van 15.000,00 EUR is minstens 20% van de totale projectkost van 75.000,00 EUR." in page
    assert 'class="fail"' not in page


def test_checklist_flags_ineligible_costs_over_the_maximum_missing_fields_and_the_bank_letter(applicant, factory,
                                                                                              gent):
    from tests.support.applications import OTHER_IBAN
    browser, user = applicant
    call = factory.call(max_amount=D("30000.00"))
    app = complete_application(call, gent, user, summary="", iban=OTHER_IBAN, lines=[
        BudgetLine(position=1, category="staff", description="Medewerker", fte=D("1"), months=12,
                   amount=D("44000.00")),
        BudgetLine(position=2, category="overhead", description="Overhead", amount=D("1000.00"))])
    db.session.commit()
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Nog in te vullen: samenvatting." in page
    assert "De gevraagde subsidie van 40.000,00 EUR is hoger dan het maximum van 30.000,00 EUR " \
           "(10.000,00 EUR te veel)." in page
    assert "Deze kosten komen niet in aanmerking in deze oproep: overhead- en structurele kosten (1.000,00 EUR)." \
           in page
    assert "voeg een bevestigingsbrief van de bank toe" in page
    assert "om in te dienen." in page  # time left
    response = browser.post(f"/applications/{app.id}/submit", submit_form(browser, app.id))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "De aanvraag kan nog niet ingediend worden." in html and "Maximumbedrag:" in html
    db.session.refresh(app)
    assert app.status == S.DRAFT and app.dossier_number is None


# --------------------------------------------------------------------------- submit


def test_submit_numbers_freezes_and_shows_the_receipt(applicant, factory, gent):
    browser, user = applicant
    call = factory.call(dossier_prefix="TG", closes_at=from_local(dt.datetime(2099, 9, 29, 23, 59)))
    app = complete_application(call, gent, user)
    db.session.commit()
    response = browser.post(f"/applications/{app.id}/submit", submit_form(browser, app.id))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/applications/{app.id}/receipt")
    db.session.refresh(app)
    assert app.status == S.SUBMITTED and app.dossier_number == "TG-2099-0001" and app.submitted_by_id == user.id
    receipt = browser.get(f"/applications/{app.id}/receipt").get_data(as_text=True)
    assert "TG-2099-0001" in receipt and "40.000,00 EUR" in receipt and "45.000,00 EUR" in receipt
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.submit"))
    assert event.changes == {"status": ["draft", "submitted"], "dossier_number": [None, "TG-2099-0001"]}
    # Frozen: no section, attachment or partner change, and no second submit.
    assert browser.get(f"/applications/{app.id}/sections/summary").status_code == 302
    response = browser.post(f"/applications/{app.id}/sections/summary",
                            {"title": "Gewijzigd", "summary": "x", "version": str(app.version), "fingerprint": ""},
                            token_from=f"/applications/{app.id}")
    assert response.status_code == 400
    assert "Een aanvraag met status &#39;ingediend&#39; kan niet meer gewijzigd worden." in response.get_data(
        as_text=True)
    response = browser.post(f"/applications/{app.id}/attachments",
                            {"file": (io.BytesIO(pdf_bytes()), "plan.pdf")},
                            token_from=f"/applications/{app.id}", content_type="multipart/form-data")
    assert response.status_code == 302
    response = browser.post(f"/applications/{app.id}/submit", {"confirm": "y", "version": str(app.version)},
                            token_from=f"/applications/{app.id}")
    # A repeated submit answers with the existing receipt (see test_idempotency.py), never a second dossier.
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/applications/{app.id}/receipt")
    db.session.refresh(app)
    assert app.title == "Samen tegen haat online" and not app.attachments and app.dossier_number == "TG-2099-0001"


def test_dossier_numbers_run_per_call_and_skip_a_number_taken_by_a_call_with_the_same_prefix(factory, gent):
    from grants.applications.operations import submit_application
    user = factory.user(organisations=[gent])
    closes = from_local(dt.datetime(2099, 2, 28, 23, 59))
    call = factory.call(dossier_prefix="AP", closes_at=closes)
    other = factory.call(dossier_prefix="AP", closes_at=closes)
    orgs = [gent] + [factory.organisation(f"Gemeente {n}") for n in range(3)]
    first = complete_application(other, orgs[0], user)
    submit_application(first, user, loaded_version=None)
    assert first.dossier_number == "AP-2099-0001"
    numbers = []
    for org in orgs[1:]:
        app = complete_application(call, org, user)
        submit_application(app, user, loaded_version=None)
        numbers.append((app.dossier_sequence, app.dossier_number))
    assert numbers == [(2, "AP-2099-0002"), (3, "AP-2099-0003"), (4, "AP-2099-0004")]


def test_the_receipt_email_arrives_at_a_real_smtp_server(applicant, factory, gent, smtp_server):
    browser, user = applicant
    call = factory.call(dossier_prefix="TG")
    app = complete_application(call, gent, user)
    db.session.commit()
    assert browser.post(f"/applications/{app.id}/submit", submit_form(browser, app.id)).status_code == 302
    messages = smtp_server.wait_for(2)
    assert sorted(m["to"][0] for m in messages) == ["els@gent.be", "info@gent.be"]
    db.session.refresh(app)
    for message in messages:
        assert message["subject"] == f"Ontvangstbevestiging {app.dossier_number}: Samen tegen haat online"
        assert f"Dossiernummer: {app.dossier_number}" in message["body"]
        assert "Gevraagde subsidie: 40.000,00 EUR" in message["body"]
        assert f"/applications/{app.id}" in message["body"]


def test_deadline_at_the_exact_instant(applicant, factory, gent, monkeypatch):
    browser, user = applicant
    closes = from_local(dt.datetime(2099, 9, 29, 23, 59))
    call = factory.call(opens_at=closes - timedelta(days=90), closes_at=closes)
    late = complete_application(call, gent, user)
    in_time = complete_application(call, factory.organisation("Aalst", refnis="41002"), user)
    db.session.commit()
    _clock(monkeypatch, closes - timedelta(hours=1))
    form = submit_form(browser, late.id)  # opened while the call is open
    _clock(monkeypatch, closes)  # exactly the closing instant: closed
    response = browser.post(f"/applications/{late.id}/submit", form)
    assert response.status_code == 400
    assert "De indieningstermijn van deze oproep is afgelopen op 29-09-2099 om 23:59" in response.get_data(as_text=True)
    db.session.refresh(late)
    assert late.status == S.DRAFT and late.dossier_number is None
    user.organisations = [gent, in_time.organisation]
    db.session.commit()
    _clock(monkeypatch, closes - timedelta(microseconds=1))  # one microsecond before: still open
    form = submit_form(browser, in_time.id)
    response = browser.post(f"/applications/{in_time.id}/submit", form)
    assert response.status_code == 302
    db.session.refresh(in_time)
    assert in_time.status == S.SUBMITTED and in_time.submitted_at == closes - timedelta(microseconds=1)


def test_submission_refused_after_closing_even_when_the_form_was_opened_before(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user)
    db.session.commit()
    form = submit_form(browser, app.id)  # opened while the call is open
    call.closes_at = utcnow() - timedelta(seconds=1)  # the deadline passes while the user reads
    db.session.commit()
    response = browser.post(f"/applications/{app.id}/submit", form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "De indieningstermijn van deze oproep is afgelopen" in html
    assert "de aanvraag kan niet meer ingediend worden." in html  # about submitting, not "gewijzigd of ingediend"
    db.session.refresh(app)
    assert app.status == S.DRAFT


def test_submit_refused_when_the_application_changed_after_the_checklist_was_shown(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user)
    db.session.commit()
    form = submit_form(browser, app.id)
    app.requested_amount = D("40001.00")  # a colleague changes the figures meanwhile
    db.session.commit()
    response = browser.post(f"/applications/{app.id}/submit", form)
    assert response.status_code == 409
    assert "Bekijk de controlelijst opnieuw" in response.get_data(as_text=True)
    db.session.refresh(app)
    assert app.status == S.DRAFT


def test_submit_requires_confirmation(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user)
    db.session.commit()
    form = submit_form(browser, app.id)
    del form["confirm"]
    response = browser.post(f"/applications/{app.id}/submit", form)
    assert response.status_code == 400
    assert "Bevestig dat de gegevens juist en volledig zijn." in response.get_data(as_text=True)


def test_a_requested_waiver_lets_the_application_in_with_a_warning(applicant, factory, gent):
    from grants.calls.rules import WaiverStatus
    browser, user = applicant
    call = factory.call(cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST, cofinancing_value=D("20"),
                        waiver_allowed=True)
    app = complete_application(call, gent, user, waiver=WaiverStatus.REQUESTED,
                               waiver_motivation="Financieel toezicht.")
    db.session.commit()
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "U kunt indienen; het agentschap beslist over de afwijking." in page
    assert browser.post(f"/applications/{app.id}/submit", submit_form(browser, app.id)).status_code == 302


# --------------------------------------------------------------------------- withdraw


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.ADMISSIBLE, S.UNDER_REVIEW])
def test_withdraw_until_a_decision(applicant, factory, gent, status):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user, status=status)
    db.session.commit()
    response = browser.post(f"/applications/{app.id}/withdraw", {"confirm": "y", "reason": "Project gaat niet door."},
                            token_from=f"/applications/{app.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(app)
    assert app.status == S.WITHDRAWN and app.withdrawn_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.withdraw"))
    assert event.changes["status"] == [status.value, "withdrawn"] and event.reason == "Project gaat niet door."
    assert "ingetrokken" in browser.get(f"/applications/{app.id}").get_data(as_text=True)


@pytest.mark.parametrize("status", [S.AWARDED, S.REJECTED, S.WAITLISTED, S.RUNNING, S.CLOSED, S.INADMISSIBLE,
                                    S.WITHDRAWN])
def test_withdraw_refused_after_a_decision(applicant, factory, gent, status):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user, status=status)
    db.session.commit()
    page = browser.get(f"/applications/{app.id}/withdraw")
    assert page.status_code == 200 and "kan niet meer ingetrokken worden" in page.get_data(as_text=True) or \
        status == S.WITHDRAWN
    response = browser.post(f"/applications/{app.id}/withdraw", {"confirm": "y"},
                            token_from=f"/applications/{app.id}/withdraw")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "kan niet meer ingetrokken worden" in html or "al ingetrokken" in html
    db.session.refresh(app)
    assert app.status == status


def test_withdraw_needs_confirmation(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user)
    db.session.commit()
    response = browser.post(f"/applications/{app.id}/withdraw", {"reason": "x"},
                            token_from=f"/applications/{app.id}/withdraw")
    assert response.status_code == 400
    assert "Bevestig dat u de aanvraag stopzet." in response.get_data(as_text=True)  # a draft is stopped
    assert "\nx</textarea>" in response.get_data(as_text=True)
    db.session.refresh(app)
    assert app.status == S.DRAFT


def test_edits_after_the_deadline_are_refused(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user)
    db.session.commit()
    form = section_form(browser, app.id, "summary")
    call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = browser.post(f"/applications/{app.id}/sections/summary", {**form, "title": "Te laat", "summary": "x"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "De indieningstermijn van deze oproep is afgelopen" in html and 'value="Te laat"' in html
    db.session.refresh(app)
    assert app.title == "Samen tegen haat online"


def test_printable_view(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    app = complete_application(call, gent, user)
    db.session.commit()
    page = browser.get(f"/applications/{app.id}/print").get_data(as_text=True)
    assert "Samen tegen haat online" in page and "Totale projectkost" in page and "45.000,00 EUR" in page
    assert "Wijzigen" not in page and "@media print" not in page  # print rules live in the stylesheet
