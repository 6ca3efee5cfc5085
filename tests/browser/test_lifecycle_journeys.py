"""The agency's two lifecycle journeys in a real browser (issue 14):

- an admin screens an application, assigns the jurors, opens the ranking, decides the awards on the
  proposal and decision pages, publishes them (the applicants get their mail) and downloads the award
  list, which is read back cell by cell, to the cent;
- a funded project reports with its KPIs, the admin approves the report, approves the payment and marks
  it paid, and the applicant sees it paid on the project page.

Each journey prepares a call of its own (unique names, in live_server.app_context()), so the tests stay
independent of each other and of the demo data. Every page they visit is checked with axe-core
(tests/browser/conftest.py).
"""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

D = Decimal
CENT = D("0.01")


def _flash(page):
    return page.locator(".flashes")


def _cents(value) -> Decimal:
    """A money cell as openpyxl reads it (a float) back to exact euro and cent."""
    return D(str(value)).quantize(CENT)


# --- journey 1: screen, assign, rank, decide, publish, download ---------------------------------------

def _call_to_decide(live_server, key: str) -> dict:
    """A competitive call of our own under review (envelope 100.000,00 EUR, at most 50.000,00 per project)
    with three applications of new non-profits, each with its own applicant and contact address:
    - 'first' just submitted, not screened yet, no jurors;
    - 'second' (35.000,50 EUR) and 'third' (30.000,00 EUR) admissible, each scored by both jurors.
    Two jurors on the panel, two per application, both past their conflict declarations."""
    from grants.calls.states import CallStatus
    from grants.organisations.models import OrganisationKind
    from grants.timeutil import utcnow
    from tests.factories import Factory

    factory = Factory()
    now = utcnow()
    with live_server.app_context() as session:
        call = factory.call(title=f"Toekenningsoproep {key}", status=CallStatus.UNDER_REVIEW,
                            opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=5),
                            envelope=D("100000.00"), max_amount=D("50000.00"), dossier_prefix="TK")
        relevance, feasibility = call.criteria
        jurors = [factory.user(role="juror", name=f"Jurylid {name} {key}", email=f"jury-{name}-{key}@browser.example.be")
                  for name in ("Anna", "Bram")]
        factory.jury(call, jurors, chair=jurors[0], jurors_per_application=2)
        apps = {}
        for n, (slot, place, title, amount, status) in enumerate([
                ("first", "Gent", f"Stemmen van de wijk {key}", "40000.00", "submitted"),
                ("second", "Mechelen", f"Tegenverhalen online {key}", "35000.50", "admissible"),
                ("third", "Kortrijk", f"Samen aan tafel {key}", "30000.00", "admissible")], start=1):
            org = factory.organisation(f"vzw {place} {key}", kind=OrganisationKind.NONPROFIT, place=place)
            applicant = factory.user(email=f"aanvrager-{slot}-{key}@browser.example.be", organisations=[org])
            app = factory.application(call, org, status=status, user=applicant, title=title,
                                      requested_amount=D(amount), dossier_number=f"TK-{key}-{n:04d}",
                                      dossier_sequence=n, contact_email=f"contact-{slot}-{key}@browser.example.be")
            apps[slot] = {"id": app.id, "title": title, "dossier": app.dossier_number, "organisation": org.name,
                          "place": place, "requested": D(amount), "applicant": applicant.email,
                          "contact": app.contact_email}
            for juror in jurors:
                factory.declaration(app, juror)
        # The jurors scored the two admissible applications (their own journey is test_jury_journeys).
        for slot, marks in (("second", (8, 7)), ("third", (6, 6))):
            for juror in jurors:
                assignment = factory.assignment(session.get(type(app), apps[slot]["id"]), juror, declared=False)
                factory.sheet(assignment, {relevance: marks[0], feasibility: marks[1]})
        session.commit()
        return {"call_id": call.id, "title": call.title, "apps": apps, "jurors": [j.name for j in jurors],
                "juror_ids": [j.id for j in jurors], "criteria": (relevance.id, feasibility.id)}


def _score_first(live_server, setting: dict) -> None:
    """The two jurors score the screened application on the assignments the admin made (9 and 8 points)."""
    import sqlalchemy as sa

    from grants.jury.models import Assignment
    from tests.factories import Factory

    relevance, feasibility = setting["criteria"]
    with live_server.app_context() as session:
        assignments = session.scalars(sa.select(Assignment).where(
            Assignment.application_id == setting["apps"]["first"]["id"])).all()
        assert sorted(a.juror_id for a in assignments) == sorted(setting["juror_ids"])
        for assignment in assignments:
            Factory().sheet(assignment, {relevance: 9, feasibility: 8})
        session.commit()


def test_an_admin_screens_assigns_ranks_decides_publishes_and_downloads_the_award_list(page, live_server, login_as,
                                                                                      tmp_path):
    key = uuid.uuid4().hex[:8]
    setting = _call_to_decide(live_server, key)
    title, apps = setting["title"], setting["apps"]
    first, second, third = apps["first"], apps["second"], apps["third"]
    login_as("admin")  # a second factor only in production (REQUIRE_ADMIN_TOTP): the password is enough here

    # Screening: the new application is admissible.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Oproepen beheren").click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.get_by_role("link", name="Aanvragen bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Aanvragen: {title}")
    page.get_by_role("link", name=first["dossier"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{first['dossier']} {first['title']}")
    agency = page.get_by_role("region", name="Voor het agentschap")
    agency.get_by_label("ontvankelijk", exact=True).check()
    agency.get_by_role("button", name="Beslissing bewaren").click()
    expect(_flash(page)).to_contain_text("De aanvraag is ontvankelijk.")
    expect(page.get_by_role("region", name="Voor het agentschap").locator("dl.facts").first).to_contain_text(
        "ontvankelijk")

    # The jury: two jurors per application, the proposal first, then saved.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn overzicht").click()
    page.get_by_role("link", name=f"samenstelling {title}").click()
    page.get_by_role("navigation", name="Jury van deze oproep").get_by_role("link", name="Toewijzing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toewijzing van de aanvragen")
    page.get_by_role("textbox", name="Juryleden per aanvraag").fill("2")
    page.get_by_role("button", name="Voorstel bekijken").click()
    plan = page.locator("#plan")
    expect(plan).to_contain_text("2 nieuwe toewijzingen")
    for juror in setting["jurors"]:
        expect(plan).to_contain_text(f"{first['dossier']} {first['title']} → {juror}")
    page.get_by_role("button", name="Dit voorstel bewaren").click()
    expect(_flash(page)).to_contain_text("De toewijzingen zijn bewaard: 2 toegevoegd, 0 verwijderd.")
    row = page.locator(f"#application-{first['id']}")
    expect(row.get_by_text("toegewezen: niet begonnen")).to_have_count(2)

    _score_first(live_server, setting)

    # The ranking: 86, 76 and 60 points out of 100, in that order.
    page.get_by_role("navigation", name="Jury van deze oproep").get_by_role("link", name="Rangschikking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rangschikking van {title}")
    ranking = page.get_by_role("table", name="Rangschikking").locator("tbody tr[id^='row-']")
    expect(ranking).to_have_count(3)
    for position, (slot, points) in enumerate([("first", "86,00"), ("second", "76,00"), ("third", "60,00")]):
        expect(ranking.nth(position)).to_contain_text(apps[slot]["dossier"])
        expect(ranking.nth(position)).to_contain_text(points)

    # The awards: the proposal fills the envelope in the order of the ranking.
    page.get_by_role("link", name=title, exact=True).first.click()  # the breadcrumb back to the call
    page.get_by_role("navigation", name="Over deze oproep").get_by_role("link", name="Toekenningen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Toekenningen van {title}")
    page.get_by_role("link", name="Toekenningsvoorstel").click()
    expect(page.locator("#proposal-envelope")).to_have_text("100.000,00 EUR")
    expect(page.locator("#proposal-total")).to_have_text("75.000,50 EUR")
    expect(page.locator("#proposal-left")).to_have_text("24.999,50 EUR")
    expect(page.locator(f"#row-{third['id']}")).to_contain_text("30.000,00 EUR")
    page.get_by_role("button", name="Voorstel aanvaarden als ontwerpbeslissingen").click()
    expect(_flash(page)).to_contain_text("3 ontwerpbeslissingen aangemaakt.")
    expect(page.locator("#total-awarded")).to_have_text("75.000,50 EUR")

    # The third gets what is left of the envelope, less than asked: the checks say so first.
    page.get_by_role("link", name=third["dossier"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(third["title"])
    page.get_by_label("Toekennen").check()
    amount = page.get_by_label("Toegekend bedrag (euro)")
    amount.fill("30.000,00")
    page.get_by_label("Motivering", exact=True).fill("Goed project; het budget laat een deel van het gevraagde toe.")
    page.get_by_role("button", name="Beslissing bewaren (ontwerp)").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#amount-error, .error").first).to_contain_text("budget")
    amount.fill("20.000,25")
    page.get_by_role("button", name="Beslissing bewaren (ontwerp)").click()
    expect(_flash(page)).to_contain_text(f"De beslissing over {third['dossier']} is bewaard als ontwerp.")
    expect(page.locator("#total-awarded")).to_have_text("95.000,75 EUR")
    expect(page.locator(f"#app-{third['id']}")).to_contain_text("20.000,25 EUR")

    # Publication: the applicants hear of it.
    page.get_by_role("button", name="Beslissingen publiceren").click()
    expect(_flash(page)).to_contain_text("3 beslissingen zijn gepubliceerd; de aanvragers krijgen een e-mail.")
    for slot, amount_text in (("first", "40.000,00 EUR"), ("second", "35.000,50 EUR"), ("third", "20.000,25 EUR")):
        mails = live_server.mail_to(apps[slot]["contact"], count=1)
        decided = [m for m in mails if apps[slot]["dossier"] in m["subject"]]
        assert decided, mails
        assert amount_text in decided[-1]["body"], decided[-1]["body"]

    # The award list, downloaded through the page's link and read back.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"toekenningen-{setting['call_id']}-toekenningsoproep-")
    assert download.suggested_filename.endswith(".xlsx") and "ontwerp" not in download.suggested_filename

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    import openpyxl
    book = openpyxl.load_workbook(saved, data_only=True)  # the totals' cached values, as a preview shows them
    sheet = book["Toekenningen"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    awarded = [r for r in rows if r["Dossiernummer"] and str(r["Dossiernummer"]).startswith(f"TK-{key}-")]
    assert [(r["Dossiernummer"], r["Organisatie"], _cents(r["Gevraagd"]), _cents(r["Toegekend"]))
            for r in awarded] == [
        (first["dossier"], first["organisation"], D("40000.00"), D("40000.00")),
        (second["dossier"], second["organisation"], D("35000.50"), D("35000.50")),
        (third["dossier"], third["organisation"], D("30000.00"), D("20000.25")),
    ]
    total = next(r for r in rows if r["Dossiernummer"] == "Totaal")
    assert _cents(total["Toegekend"]) == D("95000.75")
    assert _cents(total["Gevraagd"]) == D("105000.50")
