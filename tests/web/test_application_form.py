"""The application form: starting, sections that save separately, bad input, concurrent edits, partners."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.applications.models import Application, ContributionKind
from grants.applications.states import ApplicationStatus
from grants.audit.models import AuditEvent
from grants.calls.rules import WaiverStatus
from grants.extensions import db
from grants.organisations.models import OrganisationKind, PartnershipMember

from tests.support.applications import complete_application, section_form


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")


@pytest.fixture
def applicant(logged_in, gent):
    browser, user = logged_in("applicant", organisations=[gent], name="Els Peeters")
    return browser, user


def _draft(factory, gent, user, **call_overrides):
    call = factory.call(**call_overrides)
    app = complete_application(call, gent, user)
    db.session.commit()
    return call, app


# --------------------------------------------------------------------------- starting


def test_home_lists_open_calls_with_eligibility_and_starts_an_application(applicant, factory, gent):
    browser, user = applicant
    open_call = factory.call(title="Tegengeluiden 2027")
    closed_to_municipalities = factory.call(title="Enkel voor scholen", allowed_kinds=["school"])
    db.session.commit()
    home = browser.get("/").get_data(as_text=True)
    assert "Tegengeluiden 2027" in home and "Enkel voor scholen" in home
    assert "Deze oproep staat niet open voor het type organisatie &#39;gemeente&#39;" in home
    response = browser.post(f"/applications/new/{open_call.id}", {"organisation_id": str(gent.id)})
    assert response.status_code == 302
    app = db.session.scalar(sa.select(Application).where(Application.call_id == open_call.id))
    assert app.status == ApplicationStatus.DRAFT and app.organisation_id == gent.id
    assert app.contact_email == user.email
    assert response.headers["Location"].endswith(f"/applications/{app.id}")
    # A second one for the same organisation is refused with the reason, and the home page links to the first.
    again = browser.post(f"/applications/new/{open_call.id}", {"organisation_id": str(gent.id)})
    assert again.status_code == 400
    assert "Kies een van uw organisaties." in again.get_data(as_text=True)
    assert "heeft al een aanvraag voor deze oproep" in again.get_data(as_text=True)
    assert "naar uw aanvraag" in browser.get("/").get_data(as_text=True)
    # Not eligible: refused on the server as well.
    refused = browser.post(f"/applications/new/{closed_to_municipalities.id}", {"organisation_id": str(gent.id)})
    assert refused.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1


def test_starting_after_the_deadline_is_refused(applicant, factory, gent):
    from datetime import timedelta

    from grants.timeutil import utcnow
    browser, _ = applicant
    call = factory.call(opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(seconds=1))
    db.session.commit()
    page = browser.get(f"/applications/new/{call.id}").get_data(as_text=True)
    assert "De indieningstermijn is afgelopen" in page
    response = browser.post(f"/applications/new/{call.id}", {"organisation_id": str(gent.id)},
                            token_from="/")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_creation_is_audited_as_the_first_status(applicant, factory, gent):
    browser, user = applicant
    call = factory.call()
    db.session.commit()
    browser.post(f"/applications/new/{call.id}", {"organisation_id": str(gent.id)})
    app = db.session.scalar(sa.select(Application))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.create"))
    assert event.object_id == app.id and event.actor_id == user.id and event.changes["status"] == [None, "draft"]
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Statusgeschiedenis" in page and "in voorbereiding" in page


# --------------------------------------------------------------------------- sections


def test_each_section_saves_separately_and_is_audited(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "problem")
    response = browser.post(f"/applications/{app.id}/sections/problem",
                            {**form, "problem_analysis": "Nieuwe analyse\r\nmet twee regels."})
    assert response.status_code == 302
    db.session.refresh(app)
    assert app.problem_analysis == "Nieuwe analyse\nmet twee regels."
    assert app.title == "Samen tegen haat online"  # other sections untouched
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.update"))
    assert event.changes["problem_analysis"][1] == "Nieuwe analyse\nmet twee regels."
    assert event.actor_id == user.id and event.reason == "Probleemanalyse"


def test_budget_lines_with_computed_totals(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "budget")
    data = {**form,
            "lines-0-category": "staff", "lines-0-description": "Coördinator", "lines-0-fte": "0,8",
            "lines-0-months": "12", "lines-0-amount": "38.400,50",
            "lines-1-category": "operating", "lines-1-description": "Zaalhuur", "lines-1-amount": "1.599,50",
            "lines-2-category": "", "lines-2-description": "", "lines-2-amount": ""}
    response = browser.post(f"/applications/{app.id}/sections/budget", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(app)
    assert [(l.category, l.fte, l.months, l.amount) for l in app.budget_lines] == [
        ("staff", D("0.80"), 12, D("38400.50")), ("operating", None, None, D("1599.50"))]
    assert app.total_cost == D("40000.00")
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Subtotaal personeelskosten" in page and "38.400,50 EUR" in page
    assert "Totale projectkost" in page and "40.000,00 EUR" in page


def test_budget_refuses_categories_the_call_does_not_allow_and_staff_without_fte(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "budget")
    response = browser.post(f"/applications/{app.id}/sections/budget", {
        **form, "lines-0-category": "overhead", "lines-0-description": "Overhead", "lines-0-amount": "100",
        "lines-1-category": "staff", "lines-1-description": "Medewerker", "lines-1-amount": "2000"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kies een kostensoort uit de lijst." in html
    assert "Vul voor personeelskosten het aandeel van een voltijdse betrekking (VTE) in." in html
    assert "Vul voor personeelskosten het aantal maanden in." in html
    assert 'value="Medewerker"' in html and 'value="2000"' in html  # everything typed is kept
    db.session.refresh(app)
    assert len(app.budget_lines) == 2  # nothing saved


def test_removing_a_budget_line(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "budget")
    response = browser.post(f"/applications/{app.id}/sections/budget", {
        **form,
        "lines-0-category": "staff", "lines-0-description": "Projectmedewerker", "lines-0-fte": "0,5",
        "lines-0-months": "12", "lines-0-amount": "30.000,00",
        "lines-1-category": "operating", "lines-1-description": "Workshops en campagne",
        "lines-1-amount": "15.000,00", "lines-1-remove": "y"})
    assert response.status_code == 302
    db.session.refresh(app)
    assert [l.description for l in app.budget_lines] == ["Projectmedewerker"]


def test_financing_with_contributions_and_waiver_motivation(applicant, factory, gent):
    from grants.calls.rules import CofinancingKind
    browser, user = applicant
    call, app = _draft(factory, gent, user, cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST,
                       cofinancing_value=D("20"), waiver_allowed=True)
    form = section_form(browser, app.id, "financing")
    response = browser.post(f"/applications/{app.id}/sections/financing", {
        **form, "requested_amount": "40.000,00", "own_financial": "2.000", "own_staff": "1.500,00",
        "third_party-0-source": "Provincie Oost-Vlaanderen", "third_party-0-amount": "1.500",
        "waiver_motivation": "Onze gemeente staat onder financieel toezicht."})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(app)
    assert app.requested_amount == D("40000.00")
    assert app.contribution_total(ContributionKind.OWN_FINANCIAL) == D("2000.00")
    assert app.contribution_total(ContributionKind.OWN_STAFF) == D("1500.00")
    assert app.contribution_total(ContributionKind.THIRD_PARTY) == D("1500.00")
    assert app.waiver == WaiverStatus.REQUESTED
    # Clearing the motivation withdraws the request.
    form = section_form(browser, app.id, "financing")
    browser.post(f"/applications/{app.id}/sections/financing", {
        **form, "requested_amount": "40.000,00", "own_financial": "2.000", "own_staff": "1.500,00",
        "third_party-0-source": "Provincie Oost-Vlaanderen", "third_party-0-amount": "1.500",
        "waiver_motivation": ""})
    db.session.refresh(app)
    assert app.waiver == WaiverStatus.NONE


def test_requested_amount_above_the_call_maximum_is_refused_next_to_the_field(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "financing")
    response = browser.post(f"/applications/{app.id}/sections/financing",
                            {**form, "requested_amount": "50.000,01", "own_financial": "5.000"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Hoogstens 50.000,00 EUR voor deze oproep." in html
    assert 'value="50.000,01"' in html and 'value="5.000"' in html


def test_contact_and_payout_validation(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "contact")
    response = browser.post(f"/applications/{app.id}/sections/contact", {
        **form, "contact_name": "Els", "contact_email": "geen-adres", "contact_phone": "bel me"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Geef een geldig e-mailadres" in html and "Geef een telefoonnummer met cijfers" in html
    form = section_form(browser, app.id, "payout")
    response = browser.post(f"/applications/{app.id}/sections/payout", {**form, "iban": "BE68 5390 0754 7035"})
    assert response.status_code == 400
    assert "Dit rekeningnummer klopt niet" in response.get_data(as_text=True)
    assert 'value="BE68 5390 0754 7035"' in response.get_data(as_text=True)
    response = browser.post(f"/applications/{app.id}/sections/payout", {**form, "iban": "be71 0961 2345 6769"})
    assert response.status_code == 302
    db.session.refresh(app)
    assert app.iban == "BE71096123456769"


def test_kpi_planned_values_and_priority_in_a_sign_up_call(applicant, factory, gent):
    from grants.calls.models import CallKpi
    from grants.calls.states import SelectionMode
    browser, user = applicant
    call, app = _draft(factory, gent, user, selection_mode=SelectionMode.SIGN_UP)
    call.kpis = [CallKpi(position=1, name="Opmaak actieplan", unit="plan", maximum=D("1")),
                 CallKpi(position=2, name="Bereikte inwoners", unit="personen")]
    db.session.commit()
    form = section_form(browser, app.id, "kpis")
    kpi1, kpi2 = call.kpis
    response = browser.post(f"/applications/{app.id}/sections/kpis",
                            {**form, f"kpi_{kpi1.id}": "2", f"kpi_{kpi2.id}": "1.500", "priority": "1"})
    assert response.status_code == 400
    assert "Het getal mag hoogstens 1 zijn." in response.get_data(as_text=True)
    response = browser.post(f"/applications/{app.id}/sections/kpis",
                            {**form, f"kpi_{kpi1.id}": "1", f"kpi_{kpi2.id}": "1.500", "priority": "2"})
    assert response.status_code == 302
    db.session.refresh(app)
    assert {v.kpi.name: v.planned_value for v in app.kpi_values} == {"Opmaak actieplan": D("1.00"),
                                                                      "Bereikte inwoners": D("1500.00")}
    assert app.priority == 2


# --------------------------------------------------------------------------- bad input everywhere


TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.mark.parametrize("section, data, field, message", [
    ("financing", {"requested_amount": "veertigduizend", "own_financial": "5.000"}, "requested_amount",
     "Geef een bedrag in euro"),
    ("financing", {"requested_amount": "-40.000", "own_financial": "5.000"}, "requested_amount",
     "Een bedrag mag niet negatief zijn."),
    ("financing", {"requested_amount": "40.000", "own_financial": "5.000", "own_staff": "1e5"}, "own_staff",
     "Geef een bedrag in euro"),
    ("financing", {"requested_amount": "40.000", "third_party-0-source": "Provincie",
                   "third_party-0-amount": "-5"}, "third_party-0-amount", "Een bedrag mag niet negatief zijn."),
    ("budget", {"lines-0-category": "staff", "lines-0-description": "Medewerker", "lines-0-fte": "een half",
                "lines-0-months": "twaalf", "lines-0-amount": "30.000"}, "lines-0-fte", "Geef een getal"),
    ("budget", {"lines-0-category": "staff", "lines-0-description": "Medewerker", "lines-0-fte": "0,5",
                "lines-0-months": "99999999999999999999", "lines-0-amount": "30.000"}, "lines-0-months",
     "Geef een geheel getal van 1 tot en met 120."),
    ("budget", {"lines-0-category": "operating", "lines-0-description": "Zaal", "lines-0-amount": "-1"},
     "lines-0-amount", "Een bedrag mag niet negatief zijn."),
    ("summary", {"title": "T" * 301, "summary": "ok"}, "title", "Hoogstens 300 tekens (nu 301)."),
    ("problem", {"problem_analysis": TEN_MB}, "problem_analysis", "Hoogstens 20.000 tekens"),
    ("activities", {"activities": "ok", "start_date": "31-02-2027", "end_date": "morgen"}, "start_date",
     "Geef een datum als dd-mm-jjjj"),
    ("activities", {"activities": "ok", "start_date": "01-03-2028", "end_date": "01-03-2027"}, "end_date",
     "De einddatum ligt voor de begindatum."),
])
def test_bad_input_gets_a_dutch_message_next_to_the_field_and_keeps_the_rest(applicant, factory, gent, section,
                                                                             data, field, message):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    before = app.version
    form = section_form(browser, app.id, section)
    response = browser.post(f"/applications/{app.id}/sections/{section}", {**form, **data})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html[html.index(f'id="{field}-error"'):][:400]
    for name, value in data.items():
        if name != field and len(value) < 200 and value:
            assert f'value="{value}"' in html or f">{value}</textarea>" in html or f"\n{value}</textarea>" in html, name
    db.session.refresh(app)
    assert app.version == before  # nothing was saved


def test_unicode_html_and_control_characters_are_kept_safely(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "summary")
    title = "Ça marche: جسور 🌍 <script>alert(1)</script>"
    response = browser.post(f"/applications/{app.id}/sections/summary", {
        **form, "title": title + "\x00", "summary": "<b>vet</b> & \u202e omgekeerd\x00 tekst"})
    assert response.status_code == 302
    db.session.refresh(app)
    assert app.title == title  # the NUL character is gone, the rest is kept as typed
    assert "\x00" not in app.summary and "<b>vet</b>" in app.summary
    page = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "جسور 🌍" in page


# --------------------------------------------------------------------------- concurrent edits


def test_two_concurrent_saves_of_the_same_section_show_a_conflict_and_never_overwrite(browser, client, factory,
                                                                                         gent, app):
    from tests.conftest import Browser
    first = factory.user(organisations=[gent], name="Els Peeters")
    second = factory.user(organisations=[gent], name="Karim Benali")
    call = factory.call()
    application = complete_application(call, gent, first)
    db.session.commit()
    els = browser
    karim = Browser(app.test_client())
    els.login(first.email, factory.PASSWORD)
    karim.login(second.email, factory.PASSWORD)
    # Both open the same section.
    els_form = section_form(els, application.id, "objectives")
    karim_form = section_form(karim, application.id, "objectives")
    assert els_form["version"] == karim_form["version"]
    assert els.post(f"/applications/{application.id}/sections/objectives",
                    {**els_form, "objectives": "Versie van Els"}).status_code == 302
    # Karim saves on top of the older version: a conflict page with both versions, nothing overwritten.
    response = karim.post(f"/applications/{application.id}/sections/objectives",
                          {**karim_form, "objectives": "Versie van Karim"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft dit onderdeel intussen bewaard" in html
    assert "Els Peeters heeft &#39;Doelstellingen&#39; bewaard" in html
    assert "Versie van Els" in html and "Versie van Karim" in html  # theirs saved, his typed
    db.session.refresh(application)
    assert application.objectives == "Versie van Els"
    # Saving again from the conflict page is a deliberate choice with both versions in view.
    from tests.support.applications import csrf, hidden
    retry = {"csrf_token": csrf(html), "version": hidden(html, "version"), "fingerprint": hidden(html, "fingerprint"),
             "objectives": "Versie van Karim, na overleg"}
    assert karim.post(f"/applications/{application.id}/sections/objectives", retry).status_code == 302
    db.session.refresh(application)
    assert application.objectives == "Versie van Karim, na overleg"


def test_concurrent_saves_of_different_sections_both_stay(browser, factory, gent, app):
    from tests.conftest import Browser
    first = factory.user(organisations=[gent])
    second = factory.user(organisations=[gent])
    call = factory.call()
    application = complete_application(call, gent, first)
    db.session.commit()
    other = Browser(app.test_client())
    browser.login(first.email, factory.PASSWORD)
    other.login(second.email, factory.PASSWORD)
    form_a = section_form(browser, application.id, "objectives")
    form_b = section_form(other, application.id, "target_groups")
    assert browser.post(f"/applications/{application.id}/sections/objectives",
                        {**form_a, "objectives": "Nieuwe doelen"}).status_code == 302
    assert other.post(f"/applications/{application.id}/sections/target_groups",
                      {**form_b, "target_groups": "Nieuwe doelgroepen"}).status_code == 302
    db.session.refresh(application)
    assert (application.objectives, application.target_groups) == ("Nieuwe doelen", "Nieuwe doelgroepen")


def test_a_save_racing_in_the_same_instant_is_caught_by_the_version_column(applicant, factory, gent, monkeypatch):
    """The version check in the UPDATE itself: a save committed between our read and our write."""
    from grants.applications import operations
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    form = section_form(browser, app.id, "objectives")
    real_save = operations.save_section

    def save_with_a_rival(application, *args, **kwargs):
        # Another worker commits a save of this application right now, on its own connection.
        with db.engine.begin() as conn:
            conn.execute(sa.update(Application.__table__).where(Application.__table__.c.id == application.id)
                         .values(objectives="Gelijktijdig bewaard", version=Application.__table__.c.version + 1))
        return real_save(application, *args, **kwargs)

    monkeypatch.setattr(operations, "save_section", save_with_a_rival)
    response = browser.post(f"/applications/{app.id}/sections/objectives", {**form, "objectives": "Mijn versie"})
    assert response.status_code == 409
    assert "Gelijktijdig bewaard" in response.get_data(as_text=True)
    db.session.refresh(app)
    assert app.objectives == "Gelijktijdig bewaard"


# --------------------------------------------------------------------------- partners


def test_partners_by_refnis_and_one_partnership_per_call(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user)
    melle = factory.organisation("Merelbeke-Melle", refnis="44088")
    school = factory.organisation("Atheneum", kind=OrganisationKind.SCHOOL, kbo="0123456749")
    other_lead = factory.organisation("Deinze", refnis="44083")
    other_app = complete_application(call, other_lead)
    db.session.commit()
    page = f"/applications/{app.id}/sections/partners"
    assert browser.post(f"/applications/{app.id}/partners", {"code": "44088"}, token_from=page).status_code == 302
    assert browser.post(f"/applications/{app.id}/partners", {"code": "0123.456.749"},
                        token_from=page).status_code == 302
    db.session.refresh(app)
    # Invited, not partners yet: they have to confirm themselves (tests/web/test_partner_consent.py).
    assert [(m.organisation.name, m.status.value) for m in app.partner_members] == [
        ("Atheneum", "invited"), ("Merelbeke-Melle", "invited")]
    assert app.partner_organisations == []
    members = db.session.scalars(sa.select(PartnershipMember.organisation_id)).all()
    assert sorted(members) == sorted([gent.id, melle.id, school.id])  # the lead is a member too
    # Unknown code, itself, twice, an organisation with its own application.
    for code, message in [("99999", "Geen organisatie gevonden"), ("44021", "dient de aanvraag zelf in"),
                          ("44088", "is al uitgenodigd"),
                          ("44083", "heeft zelf een aanvraag voor deze oproep")]:
        response = browser.post(f"/applications/{app.id}/partners", {"code": code}, token_from=page)
        assert response.status_code == 400 and message in response.get_data(as_text=True), code
        assert f'value="{code}"' in response.get_data(as_text=True)
    # Another lead cannot take a partner that has confirmed in Gent's partnership.
    from grants.applications.operations import ApplicationError, add_partner
    from grants.organisations.states import PartnerStatus
    melle_member = next(m for m in app.partner_members if m.organisation_id == melle.id)
    melle_member.status = PartnerStatus.CONFIRMED
    db.session.commit()
    with pytest.raises(ApplicationError, match="maakt al deel uit van een ander samenwerkingsverband"):
        add_partner(other_app, "44088", user)
    db.session.rollback()
    # Removing the last partners dissolves the partnership.
    for org in (melle, school):
        assert browser.post(f"/applications/{app.id}/partners/{org.id}/remove", {},
                            token_from=page).status_code == 302
    db.session.refresh(app)
    assert app.partnership is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnershipMember)) == 0


def test_the_database_refuses_a_second_partnership_per_call(factory, gent):
    """The unique constraint is the last line of defence, also against a race between two requests."""
    from sqlalchemy.exc import IntegrityError

    from grants.organisations.models import Partnership
    call = factory.call()
    melle = factory.organisation("Merelbeke-Melle", refnis="44088")
    one = Partnership(call_id=call.id, name="Een", lead_organisation_id=gent.id)
    two = Partnership(call_id=call.id, name="Twee", lead_organisation_id=gent.id)
    db.session.add_all([one, two])
    db.session.flush()
    db.session.add(PartnershipMember(partnership_id=one.id, call_id=call.id, organisation_id=melle.id))
    db.session.flush()
    db.session.add(PartnershipMember(partnership_id=two.id, call_id=call.id, organisation_id=melle.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_partners_refused_where_the_call_allows_no_partnerships(applicant, factory, gent):
    browser, user = applicant
    call, app = _draft(factory, gent, user, partnerships_allowed=False)
    factory.organisation("Merelbeke-Melle", refnis="44088")
    db.session.commit()
    assert browser.get(f"/applications/{app.id}/sections/partners").status_code == 404
    response = browser.post(f"/applications/{app.id}/partners", {"code": "44088"}, token_from="/")
    assert response.status_code == 400
    assert "Deze oproep staat geen aanvragen in samenwerkingsverband toe." in response.get_data(as_text=True)
