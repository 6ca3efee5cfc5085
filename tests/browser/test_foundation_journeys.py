"""Foundation journeys in a real browser: logging in and out, keyboard use, language, organisations."""
from __future__ import annotations

import random
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, PASSWORD, watch_pages

pytestmark = pytest.mark.browser

WRONG_CREDENTIALS = "Het e-mailadres of het wachtwoord klopt niet."
KBO_CHECK_DIGITS = "Dit ondernemingsnummer klopt niet: de controlecijfers zijn fout."


def _kbo_pair() -> tuple[str, str]:
    """A valid enterprise number nobody else uses, and the same number with wrong check digits."""
    base = f"0{random.randrange(10**6, 10**7):07d}"
    check = 97 - int(base) % 97
    wrong = check % 97 + 1
    fmt = lambda digits: f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"  # noqa: E731
    return fmt(f"{base}{check:02d}"), fmt(f"{base}{wrong:02d}")


@pytest.mark.parametrize("email, heading, detail", [
    ("admin@abb.demo", "Overzicht voor het agentschap", "dossierbeheerder ABB"),
    ("jury@abb.demo", "Mijn beoordelingen", "jurylid"),
    ("gent@gemeente.demo", "Mijn aanvragen", "Gent"),
])
def test_each_demo_role_logs_in_through_the_form_and_sees_its_dutch_home(page, live_server, email, heading, detail):
    page.goto(live_server.url("/"))
    page.get_by_role("link", name="Aanmelden").first.click()
    expect(page).to_have_url(live_server.url("/login"))

    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    expect(page).to_have_url(live_server.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main")).not_to_contain_text("Aanmelden")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Afmelden")
    expect(page.locator("body")).to_contain_text(detail)


def test_admin_sees_admin_menu_and_applicant_does_not(page, live_server, chromium):
    live_server.login(page, "admin@abb.demo")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Organisaties")).to_be_visible()
    expect(nav.get_by_role("link", name="Gebruikers")).to_be_visible()

    applicant = chromium.new_context(base_url=str(live_server))
    try:
        other = watch_pages(applicant.new_page())
        live_server.login(other, "gent@gemeente.demo")
        expect(other.get_by_role("heading", level=1)).to_have_text("Mijn aanvragen")
        expect(other.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties")).to_have_count(0)
        response = other.goto(live_server.url("/admin/organisations/"))
        assert response.status == 403
        expect(other.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    finally:
        applicant.close()


def test_wrong_password_shows_the_dutch_message_and_keeps_the_email(page, live_server):
    email = live_server.create_user("applicant", ["44021"])
    page.goto(live_server.url("/login"))
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill("niet-mijn-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("alert")).to_have_text(WRONG_CREDENTIALS)
    expect(page).to_have_url(live_server.url("/login"))
    expect(page.get_by_label("E-mailadres")).to_have_value(email)
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")  # a password is never sent back

    # Then the right password works from the same form.
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn aanvragen")


def test_logout_ends_the_session(page, live_server, login_as):
    login_as("admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht voor het agentschap")

    live_server.logout(page)
    expect(page).to_have_url(live_server.url("/login"))
    expect(page.get_by_role("status")).to_contain_text("U bent afgemeld.")
    expect(page.get_by_role("button", name="Afmelden")).to_have_count(0)

    # The admin pages now send the visitor to the login page.
    page.goto(live_server.url("/admin/organisations/"))
    expect(page).to_have_url(live_server.url("/login?next=%2Fadmin%2Forganisations%2F"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")


def _focused(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, text: (el.textContent || '').trim()}; }""")


@pytest.mark.parametrize("path", ["/", "/login"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, live_server, path):
    page.goto(live_server.url(path))
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["tag"] == "a" and "skip-link" in first["cls"], first
    assert first["text"] == "Naar de inhoud"
    expect(page.locator("a.skip-link")).to_be_visible()  # it shows itself when focused

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_login_with_the_keyboard_alone(page, live_server):
    email = live_server.create_user("juror")
    page.goto(live_server.url("/login"))
    for _ in range(40):  # tab through the page until the e-mail field, as a keyboard user does
        page.keyboard.press("Tab")
        if _focused(page)["id"] == "email":
            break
    else:
        pytest.fail("the e-mail field cannot be reached with Tab")

    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn beoordelingen")


def test_language_switch_to_english_and_back(page, live_server):
    page.goto(live_server.url("/login"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")
    language_form = page.locator("form:has(#lang)")

    page.locator("#lang").select_option("en")
    language_form.get_by_role("button").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url("/login"))  # stays on the same page
    expect(page.locator("#lang")).to_have_value("en")

    # The choice is remembered on the next page.
    page.goto(live_server.url("/"))
    expect(html).to_have_attribute("lang", "en")

    page.locator("#lang").select_option("nl")
    language_form.get_by_role("button").click()
    expect(html).to_have_attribute("lang", "nl")
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Projectoproepen tegen polarisatie en radicalisering")


def test_admin_adds_an_organisation_after_fixing_a_wrong_kbo_number(page, live_server, login_as):
    login_as("admin")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties").click()
    page.get_by_role("link", name="Organisatie toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisatie toevoegen")

    name = f"vzw Brug tussen buren {uuid.uuid4().hex[:6]}"
    valid_kbo, wrong_kbo = _kbo_pair()
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Soort organisatie").select_option("nonprofit")
    page.get_by_label("Ondernemingsnummer (KBO)").fill(wrong_kbo)
    page.get_by_label("Gemeente (vestiging)").fill("Mechelen")
    page.get_by_label("Provincie").fill("Antwerpen")
    page.get_by_label("Algemeen e-mailadres").fill("info@brug.example")
    page.get_by_role("button", name="Opslaan").click()

    # The message sits next to the field, tied to it, and nothing typed is lost.
    kbo = page.get_by_label("Ondernemingsnummer (KBO)")
    expect(page.locator("#kbo-error")).to_have_text(KBO_CHECK_DIGITS)
    expect(kbo).to_have_attribute("aria-invalid", "true")
    assert "kbo-error" in kbo.get_attribute("aria-describedby").split()
    expect(page.get_by_role("alert")).to_contain_text("Het formulier bevat fouten")
    expect(kbo).to_have_value(wrong_kbo)
    expect(page.get_by_label("Naam")).to_have_value(name)
    expect(page.get_by_label("Soort organisatie")).to_have_value("nonprofit")
    expect(page.get_by_label("Gemeente (vestiging)")).to_have_value("Mechelen")
    expect(page.get_by_label("Provincie")).to_have_value("Antwerpen")
    expect(page.get_by_label("Algemeen e-mailadres")).to_have_value("info@brug.example")

    # Focus starts on the error summary, which links to the field.
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_role("alert").get_by_role("link", name="Ondernemingsnummer (KBO)").click()
    expect(kbo).to_be_focused()

    kbo.fill(valid_kbo)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("status")).to_contain_text(f"{name} is toegevoegd.")
    expect(page.locator("dl.facts")).to_contain_text(valid_kbo)
    expect(page.locator("dl.facts")).to_contain_text("Mechelen")


def test_password_reset_through_the_emailed_link(page, live_server):
    email = live_server.create_user("applicant", ["44021"])
    page.goto(live_server.url("/login"))
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("button", name="Link versturen").click()
    expect(page).to_have_url(live_server.url("/login"))
    expect(page.get_by_role("status")).to_contain_text("Als dit e-mailadres bij ons bekend is")

    mails = live_server.mail_to(email)
    assert len(mails) == 1 and mails[0]["subject"] == "Nieuw wachtwoord kiezen - Plan Samenleven"
    link = next(word for word in mails[0]["body"].split() if word.startswith(live_server.url("/password/reset/")))

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw wachtwoord kiezen")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("Nieuw-geheim-2026")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("Nieuw-geheim-2026")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Uw wachtwoord is gewijzigd.")

    live_server.login(page, email, "Nieuw-geheim-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn aanvragen")

    # The link works once only.
    page.goto(link)
    expect(page.get_by_role("main")).to_contain_text("ongeldig of al gebruikt")
