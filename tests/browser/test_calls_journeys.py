"""Call journeys in a real browser: an admin sets up a call from a preset and publishes it; the public sees it."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from .conftest import watch_pages

pytestmark = pytest.mark.browser

# The counter-voices preset (grants/calls/presets.py) as the form shows it.
PRESET_CRITERIA = [
    ("Relevantie van het tegengeluid", "30"),
    ("Bereik van de doelgroep", "25"),
    ("Aanpak en haalbaarheid", "20"),
    ("Samenwerking en verankering", "15"),
    ("Verhouding tussen kosten en resultaten", "10"),
]
PRESET_KINDS = ["gemeente", "ander lokaal bestuur", "vzw / organisatie zonder winstoogmerk", "school",
                "universiteit of hogeschool"]


def _brussels_today() -> date:
    from grants.timeutil import to_local, utcnow
    return to_local(utcnow()).date()


def _nl(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _fact(scope, term: str):
    """The <dd> after the <dt> with this term."""
    return scope.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def test_admin_creates_a_counter_voices_call_from_the_preset_and_the_public_finds_it(
        page, live_server, login_as, chromium):
    login_as("admin")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Oproepen beheren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oproepen beheren")
    page.get_by_role("link", name="Maatschappelijke tegengeluiden mobiliseren", exact=True).click()

    # The form starts from the preset of the kind.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nieuwe oproep: Maatschappelijke tegengeluiden mobiliseren")
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Maatschappelijke tegengeluiden mobiliseren")
    expect(page.get_by_label("Soort oproep")).to_have_value("counter_voices")
    expect(page.get_by_label("Voorvoegsel van het dossiernummer")).to_have_value("TG")
    expect(page.get_by_label("Budget van de oproep (EUR)")).to_have_value("500.000,00")
    expect(page.get_by_label("Maximumbedrag per aanvraag (EUR)")).to_have_value("50.000,00")
    expect(page.get_by_label("Maximale looptijd (maanden, optioneel)")).to_have_value("24")
    expect(page.locator("#selection_mode").get_by_label("competitief (jury en rangschikking)")).to_be_checked()
    kinds = page.locator("#allowed_kinds")
    for label in PRESET_KINDS:
        expect(kinds.get_by_label(label, exact=True)).to_be_checked()
    expect(kinds.get_by_label("OCMW", exact=True)).not_to_be_checked()
    for number, (name, weight) in enumerate(PRESET_CRITERIA):
        expect(page.locator(f"#criteria-{number}-name")).to_have_value(name)
        expect(page.locator(f"#criteria-{number}-weight")).to_have_value(weight)
    expect(page.locator("#criteria-5-name")).to_have_value("")  # a blank row for an extra criterion

    # A closing date before the opening date: a Dutch message next to the field, nothing typed lost.
    title = f"Tegengeluiden in de buurt {uuid.uuid4().hex[:8]}"
    today = _brussels_today()
    opens, wrong_close, close = today - timedelta(days=1), today - timedelta(days=3), today + timedelta(days=30)
    page.get_by_label("Titel", exact=True).fill(title)
    page.get_by_label("Opening: datum").fill(opens.isoformat())
    page.get_by_label("Sluiting: datum").fill(wrong_close.isoformat())
    page.get_by_label("Budget van de oproep (EUR)").fill("450.000,00")
    page.locator("#criteria-0-weight").fill("35")
    page.locator("#criteria-1-weight").fill("20")
    page.get_by_role("button", name="Opslaan").first.click()

    message = (f"De sluiting ({_nl(wrong_close)} om 23:59) moet na de opening "
               f"({_nl(opens)} om 09:00) liggen.")
    closes_field = page.get_by_label("Sluiting: datum")
    expect(page.locator("#closes_date-error")).to_have_text(message)
    expect(closes_field).to_have_attribute("aria-invalid", "true")
    assert "closes_date-error" in closes_field.get_attribute("aria-describedby").split()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Het formulier bevat fouten")
    expect(summary).to_contain_text(message)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nieuwe oproep: Maatschappelijke tegengeluiden mobiliseren")
    expect(page.get_by_label("Titel", exact=True)).to_have_value(title)
    expect(page.get_by_label("Opening: datum")).to_have_value(opens.isoformat())
    expect(closes_field).to_have_value(wrong_close.isoformat())
    expect(page.get_by_label("Budget van de oproep (EUR)")).to_have_value("450.000,00")
    expect(page.get_by_label("Maximumbedrag per aanvraag (EUR)")).to_have_value("50.000,00")
    expect(page.locator("#criteria-0-weight")).to_have_value("35")
    expect(page.locator("#criteria-1-weight")).to_have_value("20")
    expect(page.locator("#criteria-4-name")).to_have_value("Verhouding tussen kosten en resultaten")
    for label in PRESET_KINDS:
        expect(kinds.get_by_label(label, exact=True)).to_be_checked()

    # The summary link leads to the field.
    summary.get_by_role("link", name="Sluiting: datum").click()
    expect(closes_field).to_be_focused()

    closes_field.fill(close.isoformat())
    page.get_by_role("button", name="Opslaan").first.click()

    # Saved as a draft, ready to publish.
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_role("heading", level=1)).to_contain_text("ontwerp")
    expect(page.get_by_role("status")).to_contain_text(f"De oproep '{title}' is aangemaakt als ontwerp.")
    expect(page.locator("ul.checklist")).to_have_text("Klaar om te publiceren.")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text(f"{_nl(opens)} 09:00")
    expect(facts).to_contain_text(f"{_nl(close)} 23:59")

    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("status")).to_contain_text(f"De oproep '{title}' is gepubliceerd.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("gepubliceerd")

    # A visitor who is not logged in finds it among the open calls, with the time left.
    visitor_context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels")
    try:
        visitor = watch_pages(visitor_context.new_page())
        visitor.goto(live_server.url("/calls"))
        expect(visitor.get_by_role("button", name="Afmelden")).to_have_count(0)
        card = visitor.locator("ul.cards li").filter(has=visitor.get_by_role("link", name=title, exact=True))
        expect(card).to_have_count(1)
        expect(card).to_contain_text("Maatschappelijke tegengeluiden mobiliseren · hoogstens 50.000,00 EUR")
        expect(card.locator("strong")).to_have_text(re.compile(r"^Nog (29|30) dagen( en \d+ uur)? om in te dienen\.$"))
        expect(card).to_contain_text(f"Deadline: {_nl(close)} 23:59")

        card.get_by_role("link", name=title, exact=True).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
        how_much = visitor.locator("section").filter(has=visitor.get_by_role("heading", name="Hoeveel?"))
        expect(_fact(how_much, "Maximaal per aanvraag")).to_have_text("50.000,00 EUR")
        expect(_fact(how_much, "Budget van de oproep")).to_have_text("450.000,00 EUR")
        expect(visitor.locator(".call-summary strong")).to_have_text(
            re.compile(r"^Nog (29|30) dagen( en \d+ uur)? om in te dienen\.$"))

        criteria = visitor.get_by_role("table", name="Beoordelingscriteria")
        weights = {"Relevantie van het tegengeluid": "35%", "Bereik van de doelgroep": "20%",
                   "Aanpak en haalbaarheid": "20%", "Samenwerking en verankering": "15%",
                   "Verhouding tussen kosten en resultaten": "10%"}
        expect(criteria.locator("tbody tr")).to_have_count(len(weights))
        for name, weight in weights.items():
            row = criteria.locator("tbody tr").filter(has=visitor.get_by_role("rowheader", name=name, exact=True))
            expect(row.locator("td.num").first).to_have_text(weight)
        expect(visitor.get_by_role("link", name="Aanmelden om een aanvraag in te dienen")).to_be_visible()
    finally:
        visitor_context.close()
