"""Application journeys in a real browser: preparing, submitting, access, keyboard use and screening."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.support.applications import pdf_bytes

from .conftest import PASSWORD, watch_pages

pytestmark = pytest.mark.browser

DEMO_CALL = "Maatschappelijke tegengeluiden 2027"  # open now, competitive, open to municipalities
IBAN = "BE68 5390 0754 7034"
IBAN_COMPACT = IBAN.replace(" ", "")
BAD_AMOUNT = "Geef een bedrag in euro, bijvoorbeeld 25.000,00 (hoogstens twee cijfers na de komma)."

# Municipalities (REFNIS) no demo application and no other browser test uses.
ZWALM, HOREBEKE = "45065", "45062"
BAARLE_HERTOG, VEURNE = "13002", "38025"
HAMONT_ACHEL, WOMMELGEM = "72037", "11052"
ZONNEBEKE, ZOUTLEEUW, GINGELOM = "33037", "24130", "71017"


# --- preparing data through the app's own operations ---------------------------------------------

def _open_call(live_server, **overrides) -> tuple[int, str]:
    """A published counter-voices call of our own, open now, without KPIs (its title is unique)."""
    from grants.calls.operations import CallData, create_call
    from grants.calls.presets import COUNTER_VOICES
    from grants.calls.states import CallStatus
    from grants.timeutil import utcnow

    title = f"Browseroproep {uuid.uuid4().hex[:8]}"
    now = utcnow()
    values = dict(title=title, opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=60),
                  dossier_prefix="BRW", kpis=[])
    values.update(overrides)
    with live_server.app_context() as session:
        call = create_call(CallData.from_preset(COUNTER_VOICES, **values), status=CallStatus.PUBLISHED)
        session.commit()
        return call.id, title


def _application(live_server, call_id: int, refnis: str, email: str, *, complete: bool = False,
                 submit: bool = False, title: str | None = None) -> int:
    """An application of the organisation with this REFNIS code, started by the user with this e-mail;
    optionally filled in completely (the organisation's known account pays out) and submitted."""
    import sqlalchemy as sa

    from grants.accounts.models import User
    from grants.applications import operations as ops
    from grants.applications.models import BudgetLine
    from grants.calls.models import Call
    from grants.organisations.models import Organisation

    with live_server.app_context() as session:
        org = session.scalar(sa.select(Organisation).where(Organisation.refnis == refnis))
        user = session.scalar(sa.select(User).where(User.email == email))
        if complete:
            org.usual_iban = IBAN_COMPACT
        app = ops.start_application(session.get(Call, call_id), org, user)
        app.title = title or ""
        if complete:
            app.title = title or f"Samen tegen haat in {org.name}"
            app.summary = "Jongeren maken samen met het jeugdhuis een campagne tegen online haat."
            app.problem_analysis = "Polariserende berichten over de wijk circuleren op sociale media."
            app.objectives = "Twintig jongeren maken en verspreiden een eigen tegengeluid."
            app.target_groups = "Jongeren van 14 tot 20 jaar uit de gemeente, ongeveer 200."
            app.activities = "Vormingen in het voorjaar, opnames in de zomer, lancering in het najaar."
            app.start_date, app.end_date = date(2027, 9, 1), date(2028, 8, 31)
            app.budget_lines = [BudgetLine(position=1, category="operating", description="Opnames en montage",
                                           amount=Decimal("12500.00"))]
            app.requested_amount = Decimal("12500.00")
        if submit:
            ops.submit_application(app, user, loaded_version=None)
        session.commit()
        return app.id


# --- small page helpers ------------------------------------------------------------------------------

def _flash(page):
    return page.locator(".flashes")


def _check(page, key: str):
    return page.locator(f"#checklist li[data-key='{key}']")


def _open_section(page, name: str) -> None:
    """From the application's overview, as the applicant goes from part to part."""
    page.get_by_role("region", name="Onderdelen").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.wait_for_load_state("load")  # the live totals' script is deferred: let it attach before typing


def _save(page, section: str) -> None:
    page.get_by_role("button", name="Bewaren").click()
    expect(_flash(page)).to_contain_text(f"'{section}' is bewaard.")


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.id : ''")


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_id(page) == element_id:
            return
    pytest.fail(f"#{element_id} cannot be reached with Tab")


# --- journeys -------------------------------------------------------------------------------------------

def test_municipality_prepares_invites_a_partner_and_submits_an_application_to_an_open_call(
        page, live_server, login_as, chromium):
    email = login_as("applicant", organisations=[ZWALM])
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn aanvragen")
    expect(page.get_by_role("table", name="Aanvragen van uw organisaties")).to_contain_text("Nog geen aanvragen.")

    # The open call is on the home page, with a button to start for the organisation.
    page.get_by_role("button", name=f"Aanvraag starten voor {DEMO_CALL} voor Zwalm", exact=True).click()
    expect(_flash(page)).to_contain_text(f"De aanvraag voor '{DEMO_CALL}' is aangemaakt.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanvraag zonder titel")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("in voorbereiding")
    expect(facts).to_contain_text("Zwalm")
    application_url = page.url
    application_id = int(re.search(r"/applications/(\d+)$", application_url).group(1))

    # The checklist says what is missing; the contact person is already the user who started.
    expect(_check(page, "required")).to_have_class(re.compile(r"\bfail\b"))
    expect(_check(page, "required")).to_contain_text(
        "Nog in te vullen: titel, samenvatting, probleemanalyse, doelstellingen, doelgroepen, activiteiten, "
        "begindatum, einddatum, gevraagde subsidie, rekeningnummer, streefwaarde 'Bereikte deelnemers', "
        "streefwaarde 'Georganiseerde bijeenkomsten', streefwaarde 'Bereik op sociale media'.")
    expect(_check(page, "eligible_costs")).to_contain_text("Voeg minstens één kostenpost toe aan de begroting.")
    expect(_check(page, "deadline")).to_have_class(re.compile(r"\bok\b"))

    title = f"Tegenstemmen in Zwalm {uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="Samenvatting", exact=True).click()
    page.get_by_label("Titel van het project").fill(title)
    page.get_by_label("Samenvatting", exact=True).fill("Jongeren maken een eigen campagne tegen online haat.")
    _save(page, "Samenvatting")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    parts = page.get_by_role("region", name="Onderdelen")
    summary_part = parts.locator("li", has=page.get_by_role("link", name="Samenvatting", exact=True))
    expect(summary_part).to_contain_text("ingevuld")

    for section, label, text in [
        ("Probleemanalyse", "Probleemanalyse", "Polariserende berichten over de dorpskernen op sociale media."),
        ("Doelstellingen", "Doelstellingen", "Twintig jongeren maken en verspreiden een eigen tegengeluid."),
        ("Doelgroepen", "Doelgroepen", "Jongeren van 14 tot 20 jaar, ongeveer 200."),
    ]:
        _open_section(page, section)
        page.get_by_label(label, exact=True).fill(text)
        _save(page, section)

    _open_section(page, "Activiteiten en timing")
    page.get_by_label("Activiteiten en timing", exact=True).fill("Vorming in het voorjaar, lancering in het najaar.")
    page.get_by_label("Begindatum van het project").fill("2027-09-01")
    page.get_by_label("Einddatum van het project").fill("2028-08-31")
    _save(page, "Activiteiten en timing")
    expect(_check(page, "duration")).to_contain_text("Het project duurt 12 maanden (hoogstens 24 maanden).")

    _open_section(page, "Indicatoren")
    page.get_by_label("Bereikte deelnemers (personen)").fill("200")
    page.get_by_label("Georganiseerde bijeenkomsten (activiteiten)").fill("6")
    page.get_by_label("Bereik op sociale media (weergaven)").fill("15000")
    _save(page, "Indicatoren")

    # Budget: a staff line and an operating line.
    _open_section(page, "Begroting")
    page.get_by_label("Kostensoort, regel 1").select_option("staff")
    page.get_by_label("Omschrijving, regel 1").fill("Jeugdwerker")
    page.get_by_label("VTE, regel 1").fill("0,5")
    page.get_by_label("Maanden, regel 1").fill("12")
    page.get_by_label("Bedrag, regel 1").fill("18.000,00")
    page.get_by_label("Kostensoort, regel 2").select_option("operating")
    page.get_by_label("Omschrijving, regel 2").fill("Zaalhuur en catering")
    page.get_by_label("Bedrag, regel 2").fill("4.250,50")
    expect(page.locator("#budget-total")).to_have_text("22.250,50 EUR")  # the live total while typing
    _save(page, "Begroting")
    expect(page.locator("dl.facts").first).to_contain_text("22.250,50 EUR")
    expect(_check(page, "totals")).to_have_class(re.compile(r"\bfail\b"))
    expect(_check(page, "totals")).to_contain_text(
        "De financiering (0,00 EUR) is 22.250,50 EUR minder dan de totale kost van de begroting (22.250,50 EUR).")

    # Financing: letters in the amount are refused next to the field, the rest stays.
    _open_section(page, "Financiering")
    requested = page.get_by_label("Gevraagde subsidie")
    requested.fill("twintigduizend euro")
    page.get_by_label("Eigen financiële inbreng").fill("2.250,50")
    page.get_by_label("Bijdrage van derden, regel 1: van wie").fill("Provincie")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.locator("#requested_amount-error")).to_have_text(BAD_AMOUNT)
    expect(requested).to_have_attribute("aria-invalid", "true")
    assert "requested_amount-error" in requested.get_attribute("aria-describedby").split()
    expect(page.get_by_role("alert")).to_contain_text("Het formulier bevat fouten")
    expect(requested).to_have_value("twintigduizend euro")
    expect(page.get_by_label("Eigen financiële inbreng")).to_have_value("2.250,50")
    # The half-filled contribution row gets its own message, and keeps its text.
    expect(page.get_by_label("Bijdrage van derden, regel 1: van wie")).to_have_value("Provincie")
    expect(page.get_by_role("alert")).to_contain_text("Vul het bedrag van deze bijdrage in.")

    requested.fill("20.000,00")
    page.get_by_label("Bijdrage van derden, regel 1: van wie").fill("")
    # The live checklist beside the fields (the server's rules on what is typed, not saved yet).
    expect(_check(page, "totals")).to_contain_text("Gevraagde subsidie 20.000,00 EUR + eigen financiële inbreng "
                                                   "2.250,50 EUR")
    expect(_check(page, "totals")).to_have_class(re.compile(r"\bok\b"))
    _save(page, "Financiering")
    expect(_check(page, "totals")).to_have_class(re.compile(r"\bok\b"))
    expect(_check(page, "max_amount")).to_contain_text(
        "De gevraagde subsidie van 20.000,00 EUR blijft binnen het maximum van 50.000,00 EUR.")

    # Payout to an account the agency does not know yet: the checklist asks for the bank's letter.
    _open_section(page, "Uitbetaling")
    page.get_by_label("Rekeningnummer (IBAN) voor de uitbetaling").fill(IBAN)
    _save(page, "Uitbetaling")
    expect(_check(page, "required")).to_have_class(re.compile(r"\bok\b"))
    expect(_check(page, "bank_letter")).to_have_class(re.compile(r"\bfail\b"))
    _open_section(page, "Uitbetaling")
    expect(page.get_by_label("Rekeningnummer (IBAN) voor de uitbetaling")).to_have_value(IBAN)
    page.get_by_label(re.compile("^Bevestigingsbrief van de bank")).set_input_files(
        {"name": "bankbrief.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    _save(page, "Uitbetaling")

    # A partner: invited by its REFNIS code; until Horebeke confirms, the checklist stops the submission.
    partner = live_server.create_user("applicant", [HOREBEKE], name="Jan Horebeke")
    page.get_by_role("region", name="Onderdelen").get_by_role("link", name="Partners", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    page.get_by_label("REFNIS-code of ondernemingsnummer van de partner").fill(HOREBEKE)
    page.get_by_role("button", name="Uitnodigen").click()
    expect(_flash(page)).to_contain_text("Horebeke is uitgenodigd als partner en krijgt een e-mail.")
    expect(page.get_by_role("table", name="Partnerorganisaties")).to_contain_text("Horebeke")
    page.get_by_role("link", name="Terug naar het overzicht").click()
    expect(_check(page, "partners")).to_have_class(re.compile(r"\bfail\b"))
    expect(_check(page, "partners")).to_contain_text("Nog niet bevestigd door Horebeke.")
    invitation_mails = live_server.mail_to(partner)
    assert len(invitation_mails) == 1 and title in invitation_mails[0]["body"], invitation_mails

    # Horebeke's staff member answers from the home page, in a browser of their own.
    partner_context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels")
    try:
        other = watch_pages(partner_context.new_page())
        live_server.login(other, partner, PASSWORD)
        invitations = other.get_by_role("region", name="Uitnodigingen als partner")
        expect(invitations).to_contain_text(f'Zwalm nodigt Horebeke uit als partner voor "{DEMO_CALL}".')
        invitations.get_by_role("link", name="Uitnodiging bekijken en beantwoorden").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("Uitnodiging als partner")
        other.get_by_role("button", name="Bevestigen: Horebeke is partner").click()
        expect(_flash(other)).to_contain_text("Horebeke is nu partner in deze aanvraag. Zwalm dient ze in.")
    finally:
        partner_context.close()
    confirmed = live_server.mail_to(email)
    assert [m["subject"] for m in confirmed] == [f"Horebeke is partner: {title}"], confirmed
    page.reload()
    expect(_check(page, "partners")).to_have_class(re.compile(r"\bok\b"))
    expect(_check(page, "partners")).to_contain_text("De partner heeft bevestigd: Horebeke.")

    # Everything in order: submit.
    checklist = page.locator("#checklist li")
    expect(checklist.and_(page.locator(".fail"))).to_have_count(0)
    expect(_check(page, "bank_letter")).to_have_class(re.compile(r"\bok\b"))
    page.get_by_role("button", name="Aanvraag indienen").click()
    # Without the confirmation nothing is submitted.
    expect(page.get_by_role("alert")).to_contain_text("Bevestig dat de gegevens juist en volledig zijn.")
    expect(page.locator("dl.facts").first).to_contain_text("in voorbereiding")
    page.get_by_label("Ik bevestig dat de gegevens in deze aanvraag juist en volledig zijn.").check()
    page.get_by_role("button", name="Aanvraag indienen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ontvangstbewijs")
    receipt = page.locator("dl.receipt")
    dossier = receipt.locator("dt:text-is('Dossiernummer') + dd").inner_text().strip()
    assert re.fullmatch(r"TG-\d{4}-\d{4}", dossier), dossier
    expect(_flash(page)).to_contain_text(f"De aanvraag is ingediend met dossiernummer {dossier}.")
    for text in (DEMO_CALL, "Zwalm", title, "20.000,00 EUR", "22.250,50 EUR", "ingediend"):
        expect(receipt).to_contain_text(text)

    mails = live_server.mail_to(email, count=2)
    assert len(mails) == 2, mails  # the partner's confirmation, then the receipt
    assert mails[1]["subject"] == f"Ontvangstbevestiging {dossier}: {title}"
    body = mails[1]["body"]
    for line in (f"Dossiernummer: {dossier}", f"Oproep: {DEMO_CALL}", "Aanvrager: Zwalm", f"Project: {title}",
                 "Gevraagde subsidie: 20.000,00 EUR", "Totale projectkost: 22.250,50 EUR",
                 f"U volgt de aanvraag op via {application_url}"):
        assert line in body, (line, body)

    # Frozen: no more sections to edit, and a section page sends the applicant back with the reason.
    page.get_by_role("link", name="Naar de aanvraag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{dossier} {title}")
    expect(page.get_by_role("region", name="Onderdelen")).to_have_count(0)
    expect(page.get_by_role("button", name="Aanvraag indienen")).to_have_count(0)
    page.goto(live_server.url(f"/applications/{application_id}/sections/summary"))
    expect(page).to_have_url(application_url)
    expect(_flash(page)).to_contain_text("Een aanvraag met status 'ingediend' kan niet meer gewijzigd worden.")
    page.goto(live_server.url("/"))
    row = page.get_by_role("table", name="Aanvragen van uw organisaties").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{dossier} {title}")
    expect(row).to_contain_text("ingediend")


def test_a_form_left_open_in_another_tab_cannot_change_a_submitted_application(page, live_server):
    """The applicant keeps a section open in a second tab, submits in the first, then saves the second."""
    call_id, _title = _open_call(live_server)
    email = live_server.create_user("applicant", [HAMONT_ACHEL])
    application_id = _application(live_server, call_id, HAMONT_ACHEL, email, complete=True,
                                  title="Verbinden in Hamont-Achel")
    live_server.login(page, email, PASSWORD)
    other_tab = page.context.new_page()
    other_tab.goto(live_server.url(f"/applications/{application_id}/sections/summary"))
    other_tab.get_by_label("Samenvatting", exact=True).fill("Een late wijziging na het indienen.")

    page.goto(live_server.url(f"/applications/{application_id}"))
    page.get_by_label("Ik bevestig dat de gegevens in deze aanvraag juist en volledig zijn.").check()
    page.get_by_role("button", name="Aanvraag indienen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ontvangstbewijs")

    other_tab.get_by_role("button", name="Bewaren").click()
    expect(other_tab.get_by_role("alert")).to_contain_text(
        "Een aanvraag met status 'ingediend' kan niet meer gewijzigd worden.")
    expect(other_tab.get_by_role("alert")).to_contain_text("er is niets bewaard")
    expect(other_tab.get_by_label("Samenvatting", exact=True)).to_have_value("Een late wijziging na het indienen.")
    other_tab.goto(live_server.url(f"/applications/{application_id}/print"))
    expect(other_tab.locator("main")).to_contain_text("Jongeren maken samen met het jeugdhuis een campagne")
    expect(other_tab.locator("main")).not_to_contain_text("Een late wijziging na het indienen.")


def test_applicant_of_another_organisation_gets_the_dutch_404_page(page, live_server, login_as):
    call_id, _title = _open_call(live_server)
    owner = live_server.create_user("applicant", [BAARLE_HERTOG])
    application_id = _application(live_server, call_id, BAARLE_HERTOG, owner, complete=True, submit=True,
                                  title="Grenzeloos samenleven")

    login_as("applicant", organisations=[VEURNE])
    for path in (f"/applications/{application_id}", f"/applications/{application_id}/sections/summary",
                 f"/applications/{application_id}/receipt", f"/applications/{application_id}/print"):
        response = page.goto(live_server.url(path))
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
        expect(page.locator("main")).to_contain_text("Deze pagina bestaat niet, of u hebt er geen toegang toe.")
        expect(page.locator("main")).not_to_contain_text("Grenzeloos samenleven")
        expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("link", name="Naar de startpagina").click()
    expect(page.get_by_role("table", name="Aanvragen van uw organisaties")).to_contain_text("Nog geen aanvragen.")


def test_a_section_is_filled_and_saved_with_the_keyboard_and_error_links_move_focus(page, live_server, login_as):
    call_id, _title = _open_call(live_server)
    email = login_as("applicant", organisations=[WOMMELGEM])
    application_id = _application(live_server, call_id, WOMMELGEM, email)

    # The summary section: Tab to the fields, type, Tab to the button and press Enter.
    page.goto(live_server.url(f"/applications/{application_id}/sections/summary"))
    _tab_to(page, "title")
    page.keyboard.type("Buren in gesprek")
    page.keyboard.press("Tab")
    assert _focused_id(page) == "summary"
    page.keyboard.type("Gesprekstafels in elke deelgemeente.")
    page.keyboard.press("Enter")  # a new line in the text, not a submit
    page.keyboard.type("Met de jeugdraad.")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Bewaren", focused
    page.keyboard.press("Enter")
    expect(_flash(page)).to_contain_text("'Samenvatting' is bewaard.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buren in gesprek")
    page.goto(live_server.url(f"/applications/{application_id}/sections/summary"))
    expect(page.get_by_label("Samenvatting", exact=True)).to_have_value(
        "Gesprekstafels in elke deelgemeente.\nMet de jeugdraad.")

    # Financing: letters in an amount, Enter in the field submits; the error summary link leads to the field.
    page.goto(live_server.url(f"/applications/{application_id}/sections/financing"))
    _tab_to(page, "own_financial")
    page.keyboard.type("duizend")
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Het formulier bevat fouten")
    expect(page.locator("#own_financial-error")).to_have_text(BAD_AMOUNT)
    expect(page.get_by_label("Eigen financiële inbreng")).to_have_value("duizend")
    link = summary.get_by_role("link", name="Eigen financiële inbreng")
    for _ in range(60):  # from the top of the page, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == "#own_financial":
            break
    else:
        pytest.fail("the error summary link cannot be reached with Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Eigen financiële inbreng")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("1.000,00")
    page.keyboard.press("Enter")
    expect(_flash(page)).to_contain_text("'Financiering' is bewaard.")
    page.goto(live_server.url(f"/applications/{application_id}/sections/financing"))
    expect(page.get_by_label("Eigen financiële inbreng")).to_have_value("1.000,00")


def test_admin_asks_for_more_information_and_the_applicant_completes_and_resubmits(page, live_server, chromium):
    call_id, call_title = _open_call(live_server)
    first = live_server.create_user("applicant", [ZONNEBEKE], name="Els Zonnebeke")
    second = live_server.create_user("applicant", [ZOUTLEEUW])
    third = live_server.create_user("applicant", [GINGELOM])
    _application(live_server, call_id, ZONNEBEKE, first, complete=True, submit=True, title="Dialoog in Zonnebeke")
    _application(live_server, call_id, ZOUTLEEUW, second, complete=True, submit=True, title="Zoutleeuw verbindt")
    _application(live_server, call_id, GINGELOM, third, title="Gingelom in opbouw")
    assert len(live_server.mail_to(first)) == 1  # the receipt of the submission

    live_server.login(page, live_server.create_user("admin"), PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Oproepen beheren").click()
    page.get_by_role("link", name=call_title, exact=True).click()
    page.get_by_role("link", name="Aanvragen bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Aanvragen: {call_title}")

    rows = page.locator("table.screening tbody tr")
    expect(rows).to_have_count(2)  # handed in only, by default
    expect(page.locator("table.screening caption")).to_have_text("2 aanvragen, samen gevraagd 25.000,00 EUR")
    page.get_by_label("Status").select_option(label="alle, ook in voorbereiding")
    page.get_by_role("button", name="Toepassen").click()
    expect(rows).to_have_count(3)
    expect(page.locator("table.screening")).to_contain_text("Gingelom in opbouw")
    page.get_by_label("Status").select_option(label="ingediend")
    page.get_by_role("button", name="Toepassen").click()
    expect(page).to_have_url(re.compile(r"[?&]status=submitted(&|$)"))
    expect(rows).to_have_count(2)

    row = rows.filter(has_text="Dialoog in Zonnebeke")
    dossier = row.get_by_role("link").inner_text().strip()
    assert re.fullmatch(r"BRW-\d{4}-\d{4}", dossier), dossier
    row.get_by_role("link", name=dossier).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{dossier} Dialoog in Zonnebeke")

    # Ask for more information, with a due date.
    from grants.timeutil import to_local, utcnow
    due = to_local(utcnow()).date() + timedelta(days=10)
    question = "Voeg de planning per maand toe aan de activiteiten."
    agency = page.get_by_role("region", name="Voor het agentschap")
    agency.get_by_label("Welke informatie ontbreekt?").fill(question)
    agency.get_by_label("Aan te vullen tot en met").fill(due.isoformat())
    agency.get_by_role("button", name="Vraag versturen").click()
    expect(_flash(page)).to_contain_text("De vraag om aanvullende informatie is verstuurd")
    expect(page.locator("dl.facts").first).to_contain_text("aanvullende informatie gevraagd")

    page.get_by_role("link", name=f"Aanvragen van {call_title}").click()
    page.get_by_label("Status").select_option(label="aanvullende informatie gevraagd")
    page.get_by_role("button", name="Toepassen").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Dialoog in Zonnebeke")
    page.get_by_label("Status").select_option(label="ingediend")
    page.get_by_role("button", name="Toepassen").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Zoutleeuw verbindt")

    mails = live_server.mail_to(first, count=2)
    assert len(mails) == 2, mails
    assert mails[1]["subject"] == f"Aanvullende informatie gevraagd voor {dossier}"
    assert question in mails[1]["body"]
    assert f"De aanvraag staat voor u open tot {due:%d-%m-%Y} om 23:59." in mails[1]["body"]

    # The applicant sees the question, can edit again and resubmits.
    applicant_context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels")
    try:
        applicant = watch_pages(applicant_context.new_page())
        live_server.login(applicant, first, PASSWORD)
        home_row = applicant.get_by_role("table", name="Aanvragen van uw organisaties").locator("tbody tr")
        expect(home_row).to_contain_text("aanvullende informatie gevraagd")
        expect(home_row).to_contain_text(
            f"Vul de gevraagde informatie aan en dien opnieuw in vóór {due:%d-%m-%Y} om 23:59.")
        home_row.get_by_role("link", name=f"{dossier} Dialoog in Zonnebeke").click()

        request = applicant.get_by_role("region", name="Het agentschap vraagt aanvullende informatie")
        expect(request).to_contain_text(question)
        expect(request).to_contain_text(f"{due:%d-%m-%Y} 23:59")
        expect(_check(applicant, "deadline")).to_contain_text(
            f"Aanvullen en opnieuw indienen kan tot {due:%d-%m-%Y} om 23:59")

        _open_section(applicant, "Activiteiten en timing")
        activities = applicant.get_by_label("Activiteiten en timing", exact=True)
        activities.fill(activities.input_value() + "\nPlanning: september vorming, oktober opnames, november.")
        _save(applicant, "Activiteiten en timing")

        answer = "De planning per maand staat bij de activiteiten."
        applicant.get_by_label("Wat hebt u aangevuld of gewijzigd?").fill(answer)
        applicant.get_by_label("Ik bevestig dat de gegevens in deze aanvraag juist en volledig zijn.").check()
        applicant.get_by_role("button", name="Opnieuw indienen").click()
        expect(applicant.get_by_role("heading", level=1)).to_have_text("Ontvangstbewijs")
        receipt = applicant.locator("dl.receipt")
        expect(receipt).to_contain_text(dossier)
        expect(receipt.locator("dt", has_text="Aangevuld op")).to_have_count(1)
        expect(receipt).to_contain_text("ingediend")
        resubmitted = live_server.mail_to(first, count=3)
        assert len(resubmitted) == 3 and resubmitted[2]["subject"].startswith(f"Ontvangstbevestiging {dossier}")
        assert "aanvulling van uw aanvraag" in resubmitted[2]["body"]

        # Frozen again.
        applicant.get_by_role("link", name="Naar de aanvraag").click()
        expect(applicant.get_by_role("region", name="Onderdelen")).to_have_count(0)
    finally:
        applicant_context.close()

    # Back with the agency: the answer is in the history and the application is in the submitted list again.
    page.reload()
    expect(page.locator("table.screening tbody tr")).to_have_count(2)
    page.get_by_role("link", name=dossier).click()
    history = page.get_by_role("table", name="Vragen om aanvullende informatie")
    expect(history).to_contain_text(question)
    expect(history).to_contain_text(answer)
    expect(page.locator("main")).to_contain_text("Planning: september vorming, oktober opnames, november.")
