"""The agency: the list of a call's applications, screening, more information, advice, waivers; the API."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from grants.accounts.operations import create_api_token
from grants.applications.models import Application, BudgetLine, Contribution, ContributionKind, InformationRequest
from grants.applications.states import ApplicationStatus as S
from grants.audit.models import AuditEvent
from grants.calls.rules import CofinancingKind, WaiverStatus
from grants.extensions import db
from grants.organisations.models import OrganisationKind
from grants.timeutil import from_local, utcnow

from tests.support.applications import complete_application, section_form, submit_form


@pytest.fixture
def call(factory):
    return factory.call(title="Tegengeluiden 2027", dossier_prefix="TG")


@pytest.fixture
def submitted(factory, call):
    """Three handed-in applications and one draft, from different kinds of organisations and provinces."""
    gent = factory.organisation("Gent", refnis="44021", province="Oost-Vlaanderen", contact_email="info@gent.be")
    cibo = factory.organisation("CIBO", kind=OrganisationKind.NONPROFIT, kbo="0123456749", province="Antwerpen")
    leuven = factory.organisation("KU Leuven", kind=OrganisationKind.UNIVERSITY, kbo="0419052173",
                                  province="Vlaams-Brabant")
    aalst = factory.organisation("Aalst", refnis="41002", province="Oost-Vlaanderen")
    user = factory.user(organisations=[gent], email="els@gent.be")
    apps = {}
    for number, (org, amount) in enumerate([(gent, "40000.00"), (cibo, "42464.00"), (leuven, "49000.00")], start=1):
        app = complete_application(call, org, user, requested_amount=D(amount), status=S.SUBMITTED,
                                   dossier_number=f"TG-2027-{number:04d}", dossier_sequence=number,
                                   submitted_at=utcnow() - timedelta(days=10 - number), submitted_by_id=user.id,
                                   contributions=[Contribution(kind=ContributionKind.OWN_FINANCIAL, source="",
                                                               amount=D("5000.00"))],
                                   lines=[BudgetLine(position=1, category="operating", description="Alles",
                                                     amount=D(amount) + D("5000.00"))])
        apps[org.name] = app
    apps["Aalst"] = complete_application(call, aalst)
    db.session.commit()
    return apps


@pytest.fixture
def admin(logged_in):
    return logged_in("admin", name="Ann Dossierbeheerder")[0]


@pytest.fixture
def applicant_of(app, factory):
    """A second browser (own cookies), logged in as a member of the given organisation."""
    from tests.conftest import Browser

    def _login(organisation):
        user = factory.user(organisations=[organisation])
        db.session.commit()
        browser = Browser(app.test_client())
        assert browser.login(user.email, factory.PASSWORD).status_code == 302
        return browser
    return _login


def _rows(html: str) -> list[str]:
    import re
    return re.findall(r"TG-2027-\d{4}|\(geen\)", html)


def test_the_list_with_filters_and_sorting(admin, call, submitted):
    url = f"/admin/calls/{call.id}/applications"
    html = admin.get(url).get_data(as_text=True)
    assert _rows(html) == ["TG-2027-0001", "TG-2027-0002", "TG-2027-0003"]  # drafts are not handed in
    assert "42.464,00 EUR" in html and "47.464,00 EUR" in html  # requested and total cost (sum of lines)
    assert "samen gevraagd 131.464,00 EUR" in html
    assert _rows(admin.get(url + "?status=all").get_data(as_text=True)) == [
        "TG-2027-0001", "TG-2027-0002", "TG-2027-0003", "(geen)"]
    assert _rows(admin.get(url + "?status=draft").get_data(as_text=True)) == ["(geen)"]
    assert _rows(admin.get(url + "?q=leuv").get_data(as_text=True)) == ["TG-2027-0003"]
    assert _rows(admin.get(url + "?province=Antwerpen").get_data(as_text=True)) == ["TG-2027-0002"]
    assert _rows(admin.get(url + "?kind=university").get_data(as_text=True)) == ["TG-2027-0003"]
    assert _rows(admin.get(url + "?sort=requested").get_data(as_text=True)) == [
        "TG-2027-0003", "TG-2027-0002", "TG-2027-0001"]
    assert _rows(admin.get(url + "?sort=organisation").get_data(as_text=True)) == [
        "TG-2027-0002", "TG-2027-0001", "TG-2027-0003"]
    # Nonsense in the filters is ignored, never a 500.
    assert admin.get(url + "?status=<x>&kind=%00&sort=drop&q=%25_%00").status_code == 200


def test_the_list_queries_do_not_grow_with_rows(admin, factory, call, submitted):
    def count() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert admin.get(f"/admin/calls/{call.id}/applications?status=all").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count()
    for n in range(5):
        complete_application(call, factory.organisation(f"Gemeente {n}"), status=S.SUBMITTED)
    db.session.commit()
    assert count() == before


def test_the_list_is_for_the_agency_only(logged_in, call, submitted):
    browser, _ = logged_in("applicant", organisations=[submitted["Gent"].organisation])
    assert browser.get(f"/admin/calls/{call.id}/applications").status_code == 403


def test_admissible_and_inadmissible_with_a_reason_and_revision(admin, submitted, smtp_server):
    app = submitted["Gent"]
    url = f"/applications/{app.id}"
    response = admin.post(f"{url}/screening", {"outcome": "inadmissible", "reason": ""}, token_from=url)
    assert response.status_code == 400
    assert "Geef de reden waarom de aanvraag onontvankelijk is." in response.get_data(as_text=True)
    response = admin.post(f"{url}/screening", {"outcome": "inadmissible", "reason": "Te laat ingediend."},
                          token_from=url)
    assert response.status_code == 302
    db.session.refresh(app)
    assert app.status == S.INADMISSIBLE and app.screening_reason == "Te laat ingediend."
    assert smtp_server.wait_for(1)[0]["subject"] == "Uw aanvraag TG-2027-0001 is onontvankelijk"
    # The agency may revise its screening: inadmissible -> admissible.
    assert admin.post(f"{url}/screening", {"outcome": "admissible"}, token_from=url).status_code == 302
    db.session.refresh(app)
    assert app.status == S.ADMISSIBLE
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.screen")
                                .order_by(AuditEvent.id)).all()
    assert [e.changes["status"] for e in events] == [["submitted", "inadmissible"], ["inadmissible", "admissible"]]
    # Twice the same decision is refused with a message, not a 500.
    response = admin.post(f"{url}/screening", {"outcome": "admissible"}, token_from=url)
    assert response.status_code == 400 and "De aanvraag is al ontvankelijk." in response.get_data(as_text=True)


@pytest.mark.parametrize("status", [S.DRAFT, S.AWARDED, S.REJECTED, S.WITHDRAWN, S.UNDER_REVIEW])
def test_screening_refused_where_the_table_does_not_allow_it(admin, submitted, status):
    app = submitted["Gent"]
    app.status = status
    db.session.commit()
    url = f"/applications/{app.id}"
    response = admin.post(f"{url}/screening", {"outcome": "inadmissible", "reason": "x"}, token_from=url)
    assert response.status_code == 400
    assert f"Een aanvraag met status &#39;{status.label}&#39; kan niet naar &#39;onontvankelijk&#39; gaan." in \
        response.get_data(as_text=True)
    db.session.refresh(app)
    assert app.status == status


def test_more_information_reopens_the_application_until_a_date_and_tracks_the_resubmission(admin, applicant_of,
                                                                                          submitted, smtp_server):
    app = submitted["Gent"]
    url = f"/applications/{app.id}"
    past = admin.post(f"{url}/information-request", {"message": "Voeg het engagement van de school toe.",
                                                     "due_date": "01-01-2020"}, token_from=url)
    assert past.status_code == 400 and "De datum om aan te vullen moet in de toekomst liggen." in \
        past.get_data(as_text=True)
    due = date.today() + timedelta(days=14)
    response = admin.post(f"{url}/information-request", {"message": "Voeg het engagement van de school toe.",
                                                         "due_date": due.strftime("%d-%m-%Y")}, token_from=url)
    assert response.status_code == 302
    db.session.refresh(app)
    request = db.session.scalar(sa.select(InformationRequest))
    assert app.status == S.INFO_REQUESTED
    from grants.timeutil import to_local
    assert to_local(request.due_at).date() == due and to_local(request.due_at).strftime("%H:%M") == "23:59"
    mail = smtp_server.wait_for(1)[0]
    assert mail["subject"] == "Aanvullende informatie gevraagd voor TG-2027-0001"
    assert "Voeg het engagement van de school toe." in mail["body"]
    # The applicant sees the request, edits and resubmits; the dossier number stays.
    applicant = applicant_of(app.organisation)
    page = applicant.get(url).get_data(as_text=True)
    assert "Het agentschap vraagt aanvullende informatie" in page and "Voeg het engagement" in page
    form = section_form(applicant, app.id, "target_groups")
    assert applicant.post(f"{url}/sections/target_groups",
                          {**form, "target_groups": "Leerlingen van het Atheneum."}).status_code == 302
    form = submit_form(applicant, app.id)
    response = applicant.post(f"{url}/submit", {**form, "response": "Engagementsverklaring toegevoegd."})
    assert response.status_code == 302
    db.session.refresh(app)
    db.session.refresh(request)
    assert app.status == S.SUBMITTED and app.dossier_number == "TG-2027-0001"
    assert request.resubmitted_at is not None and request.response == "Engagementsverklaring toegevoegd."
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.resubmit")).changes[
        "status"] == ["info_requested", "submitted"]
    history = applicant.get(url).get_data(as_text=True)
    assert history.count("aanvullende informatie gevraagd") >= 1 and "Opnieuw ingediend" in history


def test_after_the_information_due_date_the_application_is_closed_again(admin, applicant_of, submitted,
                                                                        monkeypatch):
    from grants.applications import operations
    app = submitted["Gent"]
    due = from_local(datetime.combine(date.today() + timedelta(days=3), time(23, 59)))
    app.status = S.INFO_REQUESTED
    db.session.add(InformationRequest(application=app, message="Meer uitleg.", due_at=due))
    db.session.commit()
    applicant = applicant_of(app.organisation)
    form = submit_form(applicant, app.id)
    monkeypatch.setattr(operations, "utcnow", lambda: due)
    response = applicant.post(f"/applications/{app.id}/submit", form)
    assert response.status_code == 400
    assert "De termijn om de aanvraag aan te vullen is afgelopen" in response.get_data(as_text=True)
    # The agency can then declare it inadmissible.
    url = f"/applications/{app.id}"
    assert admin.post(f"{url}/screening", {"outcome": "inadmissible", "reason": "Niet aangevuld."},
                      token_from=url).status_code == 302
    db.session.refresh(app)
    assert app.status == S.INADMISSIBLE


def test_information_request_refused_unless_submitted(admin, submitted):
    app = submitted["Gent"]
    app.status = S.ADMISSIBLE
    db.session.commit()
    url = f"/applications/{app.id}"
    response = admin.post(f"{url}/information-request", {"message": "x", "due_date": "01-01-2099"}, token_from=url)
    assert response.status_code == 400
    assert "kan niet naar &#39;aanvullende informatie gevraagd&#39; gaan" in response.get_data(as_text=True)


def test_agency_advice_is_saved_audited_and_hidden_from_the_applicant(admin, applicant_of, submitted):
    app = submitted["Gent"]
    url = f"/applications/{app.id}"
    from tests.support.applications import csrf, hidden
    html = admin.get(url).get_data(as_text=True)
    form = {"csrf_token": csrf(html), "version": hidden(html, "version"), "fingerprint": hidden(html, "fingerprint")}
    assert admin.post(f"{url}/advice", {**form, "agency_advice": "Sterk lokaal netwerk; positief advies."}
                      ).status_code == 302
    db.session.refresh(app)
    assert app.agency_advice == "Sterk lokaal netwerk; positief advies."
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.advice"))
    # A colleague with the old form gets a conflict with both versions.
    response = admin.post(f"{url}/advice", {**form, "agency_advice": "Negatief advies."})
    assert response.status_code == 409
    assert "Sterk lokaal netwerk" in response.get_data(as_text=True) and "Negatief advies." in \
        response.get_data(as_text=True)
    db.session.refresh(app)
    assert app.agency_advice == "Sterk lokaal netwerk; positief advies."
    applicant = applicant_of(app.organisation)
    assert "Sterk lokaal netwerk" not in applicant.get(url).get_data(as_text=True)


def test_waiver_accepted_or_refused_by_the_agency(admin, factory):
    call = factory.call(cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST, cofinancing_value=D("20"),
                        waiver_allowed=True)
    org = factory.organisation("Menen", refnis="34027")
    app = complete_application(call, org, status=S.SUBMITTED, dossier_number="TG-2099-0001", dossier_sequence=1,
                               waiver=WaiverStatus.REQUESTED, waiver_motivation="Financieel toezicht.")
    db.session.commit()
    url = f"/applications/{app.id}"
    assert "Afwijking van de cofinanciering" in admin.get(url).get_data(as_text=True)
    assert admin.post(f"{url}/waiver", {"decision": "maybe"}, token_from=url).status_code == 400
    assert admin.post(f"{url}/waiver", {"decision": "accepted", "reason": "Toezicht aangetoond."},
                      token_from=url).status_code == 302
    db.session.refresh(app)
    assert app.waiver == WaiverStatus.ACCEPTED
    event_ = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.waiver"))
    assert event_.changes == {"waiver": ["requested", "accepted"]} and event_.reason == "Toezicht aangetoond."
    response = admin.post(f"{url}/waiver", {"decision": "accepted"}, token_from=url)
    assert response.status_code == 400 and "al genomen" in response.get_data(as_text=True)


def test_screening_form_bad_input(admin, submitted):
    app = submitted["Gent"]
    url = f"/applications/{app.id}"
    response = admin.post(f"{url}/screening", {"outcome": "<script>", "reason": "x" * 6000}, token_from=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kies ontvankelijk of onontvankelijk." in html and "Hoogstens 5.000 tekens" in html
    response = admin.post(f"{url}/information-request", {"message": "Meer info", "due_date": "31-02-2099"},
                          token_from=url)
    assert response.status_code == 400 and "Geef een datum als dd-mm-jjjj" in response.get_data(as_text=True)
    assert "Meer info</textarea>" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- API


def _token(factory) -> str:
    admin_user = factory.user(role="admin")
    token = create_api_token(admin_user)
    db.session.commit()
    return token


def test_api_lists_a_calls_applications(client, factory, call, submitted):
    token = _token(factory)
    response = client.get(f"/api/v1/calls/{call.id}/applications", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["dossier_number"] for i in items] == ["TG-2027-0001", "TG-2027-0002", "TG-2027-0003", None]
    gent = items[0]
    assert set(gent) == {"id", "dossier_number", "organisation", "organisation_refnis", "title", "status",
                         "requested", "own_contribution", "total_cost", "submitted_at"}
    assert (gent["organisation"], gent["organisation_refnis"], gent["status"]) == ("Gent", "44021", "submitted")
    assert (gent["requested"], gent["own_contribution"], gent["total_cost"]) == ("40000.00", "5000.00", "45000.00")
    assert gent["submitted_at"].endswith(("+01:00", "+02:00"))
    assert items[1]["organisation_refnis"] is None
    only = client.get(f"/api/v1/calls/{call.id}/applications?status=draft",
                      headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert [i["organisation"] for i in only] == ["Aalst"]
    bad = client.get(f"/api/v1/calls/{call.id}/applications?status=nonsense",
                     headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400 and "Onbekende status" in bad.get_json()["detail"]
    assert client.get("/api/v1/calls/999999/applications",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert client.get(f"/api/v1/calls/{call.id}/applications").status_code == 401


def test_api_queries_do_not_grow_with_rows(client, factory, call, submitted):
    token = _token(factory)

    def count() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/api/v1/calls/{call.id}/applications",
                              headers={"Authorization": f"Bearer {token}"}).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    count()  # the first call writes last_used_at
    before = count()
    for n in range(5):
        complete_application(call, factory.organisation(f"Gemeente {n}"))
    db.session.commit()
    assert count() == before


def test_api_is_in_the_openapi_document(client, factory):
    token = _token(factory)
    document = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).get_json()
    operation = document["paths"]["/calls/{call_id}/applications"]["get"]
    assert operation["operationId"] == "listCallApplications"
    schema = document["components"]["schemas"]["CallApplication"]
    assert set(schema["required"]) == {"id", "dossier_number", "organisation", "organisation_refnis", "title",
                                       "status", "requested", "own_contribution", "total_cost", "submitted_at"}


def test_application_model_access_rule(factory, call, submitted):
    app = submitted["Gent"]
    outsider = factory.user(organisations=[submitted["CIBO"].organisation])
    member = factory.user(organisations=[app.organisation])
    from grants.applications import access
    assert access.capacity(member, app) == access.Capacity.LEAD and access.can_view(member, app)
    assert access.capacity(outsider, app) is None and not access.can_view(outsider, app)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 4
