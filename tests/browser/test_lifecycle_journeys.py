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


def _fact(page, label: str):
    """The value (dd) of a fact list's term (dt) with exactly this label."""
    return page.locator("dl.facts dt", has_text=re.compile(f"^{re.escape(label)}$")).locator(
        "xpath=following-sibling::dd[1]")


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
        jurors = [factory.user(role="juror", name=f"Jurylid {name} {key}",
                               email=f"jury-{name.lower()}-{key}@browser.example.be") for name in ("Anna", "Bram")]
        factory.jury(call, jurors, chair=jurors[0], jurors_per_application=2)
        apps, created = {}, {}
        for n, (slot, place, title, amount, status) in enumerate([
                ("first", "Gent", f"Stemmen van de wijk {key}", "40000.00", "submitted"),
                ("second", "Mechelen", f"Tegenverhalen online {key}", "35000.50", "admissible"),
                ("third", "Kortrijk", f"Samen aan tafel {key}", "30000.00", "admissible")], start=1):
            org = factory.organisation(f"vzw {place} {key}", kind=OrganisationKind.NONPROFIT, place=place)
            applicant = factory.user(email=f"aanvrager-{slot}-{key}@browser.example.be", organisations=[org])
            app = factory.application(call, org, status=status, user=applicant, title=title,
                                      requested_amount=D(amount), dossier_number=f"TK-{key}-{n:04d}",
                                      dossier_sequence=n, contact_email=f"contact-{slot}-{key}@browser.example.be")
            created[slot] = app
            apps[slot] = {"id": app.id, "title": title, "dossier": app.dossier_number, "organisation": org.name,
                          "place": place, "requested": D(amount), "applicant": applicant.email,
                          "contact": app.contact_email}
            for juror in jurors:
                factory.declaration(app, juror)
        # The jurors scored the two admissible applications (their own journey is test_jury_journeys).
        for slot, marks in (("second", (8, 7)), ("third", (6, 6))):
            for juror in jurors:
                assignment = factory.assignment(created[slot], juror, declared=False)
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
    expect(page.locator(".flash-warning")).to_contain_text("5.000,50 EUR meer dan het budget")  # at the asked amount
    page.get_by_label("Toekennen").check()
    amount = page.get_by_label("Toegekend bedrag (euro)")
    amount.fill("30.000,00")
    page.get_by_label("Motivering", exact=True).fill("Goed project; het budget laat een deel van het gevraagde toe.")
    page.get_by_role("button", name="Beslissing bewaren (ontwerp)").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Het budget van de oproep is 100.000,00 EUR. De andere toekenningen (75.000,50 EUR) en dit bedrag "
        "(30.000,00 EUR) komen samen op 105.000,50 EUR: 5.000,50 EUR meer dan het budget.")
    expect(page.locator("#required-own")).to_have_text("0,00 EUR")  # a call without co-financing
    amount.fill("20.000,25")
    page.get_by_role("button", name="Beslissing bewaren (ontwerp)").click()
    expect(_flash(page)).to_contain_text(f"De beslissing over {third['dossier']} is bewaard als ontwerp.")
    expect(page.locator("#total-awarded")).to_have_text("95.000,75 EUR")
    expect(page.locator(f"#app-{third['id']}")).to_contain_text("20.000,25 EUR")

    # Publication: the applicants hear of it.
    page.get_by_role("button", name="Beslissingen publiceren").click()
    expect(_flash(page)).to_contain_text("3 beslissingen zijn gepubliceerd; de aanvragers krijgen een e-mail.")
    for slot, amount_text in (("first", "40.000,00 EUR"), ("second", "35.000,50 EUR"), ("third", "20.000,25 EUR")):
        for address in (apps[slot]["applicant"], apps[slot]["contact"]):  # who submitted, and the contact
            mails = live_server.mail_to(address, count=2 if address == first["applicant"] else 1)  # + screening
            decided = [m for m in mails if m["subject"] == f"Uw aanvraag {apps[slot]['dossier']} is toegekend"]
            assert len(decided) == 1, (address, mails)
            assert f"een subsidie toe van {amount_text}" in decided[0]["body"], decided[0]["body"]

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
    assert [(r["Dossiernummer"], r["Organisatie"], _cents(r["Gevraagd"]), _cents(r["Toegekend"]), r["Rang"])
            for r in awarded] == [
        (first["dossier"], first["organisation"], D("40000.00"), D("40000.00"), 1),
        (second["dossier"], second["organisation"], D("35000.50"), D("35000.50"), 2),
        (third["dossier"], third["organisation"], D("30000.00"), D("20000.25"), 3),
    ]
    total = next(r for r in rows if r["Dossiernummer"] == "Totaal")
    assert _cents(total["Toegekend"]) == D("95000.75")
    assert _cents(total["Gevraagd"]) == D("105000.50")


# --- journey 2: the project reports, the admin approves and pays ----------------------------------------

def _funded_project(live_server, key: str) -> dict:
    """A project of a decided call of our own: 40.000,00 EUR awarded on a budget of 45.000,00 (staff 30.000,00,
    operating 15.000,00), two KPIs confirmed in the award (400 participants, 24 meetings), the 60% advance
    (24.000,00) paid at the start, the 40% balance waiting for the final report. Its applicant is a new user."""
    from datetime import date

    from grants.organisations.models import OrganisationKind
    from tests.factories import Factory
    from tests.support.reporting import funded_call, funded_project

    factory = Factory()
    with live_server.app_context() as session:
        call = funded_call(factory, title=f"Opvolgingsoproep {key}", dossier_prefix="OP",
                           project_start=date(2025, 12, 1))
        org = factory.organisation(f"vzw Verbinding {key}", kind=OrganisationKind.NONPROFIT, place="Leuven")
        applicant = factory.user(email=f"projectleider-{key}@browser.example.be", name=f"Projectleider {key}",
                                 organisations=[org], password=PASSWORD)
        project = funded_project(factory, call, org, amount=D("40000.00"), title=f"Verhalen die verbinden {key}",
                                 start_date=date(2025, 12, 1), end_date=date(2026, 11, 30),
                                 dossier_number=f"OP-{key}-0001", dossier_sequence=1,
                                 contact_email=f"contact-{key}@browser.example.be", submitted_by_id=applicant.id)
        factory.payment(project, kind="advance", status="paid")
        assert [(p.label, p.amount, p.status.value) for p in project.payments] == [
            ("Voorschot", D("24000.00"), "paid"), ("Saldo", D("16000.00"), "planned")]
        assert [r.label for r in project.reports] == ["Eindverslag"]
        session.commit()
        return {"project_id": project.id, "title": project.application.title, "organisation": org.name,
                "applicant": applicant.email, "contact": project.application.contact_email,
                "kpis": [k.name for k in call.kpis]}


def test_a_project_reports_and_the_admin_approves_and_pays_the_balance(page, live_server, chromium):
    from .conftest import watch_pages

    key = uuid.uuid4().hex[:8]
    setting = _funded_project(live_server, key)
    title = setting["title"]
    participants, meetings = setting["kpis"]

    # The project's applicant fills in the final report, part by part, and submits it.
    live_server.login(page, setting["applicant"], PASSWORD)
    projects = page.get_by_role("article").filter(has_text=title)
    projects.get_by_role("link", name="Eindverslag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eindverslag")
    expect(page.locator("#submit")).to_contain_text("Beschrijf de voortgang van het project.")

    page.locator("#section-progress").get_by_role("link", name="Wijzigen").click()
    page.get_by_label("Voortgang van het project").fill("Twaalf vertelavonden in vier wijken, met de bibliotheek.")
    page.get_by_label("Knelpunten en successen").fill("Minder avonden dan gepland; de verhalen gingen online rond.")
    page.get_by_role("button", name="Bewaren").click()
    expect(_flash(page)).to_contain_text("'Voortgang, knelpunten en successen' is bewaard.")

    page.locator("#section-kpis").get_by_role("link", name="Wijzigen").click()
    page.get_by_label(f"{participants} (personen)").fill("412")
    page.get_by_label(f"{meetings} (activiteiten)").fill("20")
    page.get_by_role("button", name="Bewaren").click()  # below the target without a motivation: refused
    expect(page.get_by_role("alert").first).to_contain_text(
        "Motiveer elke indicator die onder de doelstelling uit de toekenning blijft.")
    expect(page.locator("#error-summary")).to_contain_text(f"Motivering bij {meetings}")
    expect(page.get_by_label(f"{meetings} (activiteiten)")).to_have_value("20")  # what was typed stays
    page.get_by_label(f"Motivering bij {meetings}").fill("Vier avonden vielen weg door de verbouwing van de zaal.")
    page.get_by_role("button", name="Bewaren").click()
    expect(_flash(page)).to_contain_text("'Indicatoren (KPI's)' is bewaard.")
    kpis = page.get_by_role("table", name="Gerealiseerd tegenover de doelstelling uit de toekenning")
    expect(kpis.get_by_role("row", name=re.compile(participants))).to_contain_text("412")
    expect(kpis.get_by_role("row", name=re.compile(meetings))).to_contain_text("Vier avonden vielen weg")

    page.locator("#section-finances").get_by_role("link", name="Wijzigen").click()
    page.get_by_label("Uitgegeven: personeel").fill("30.000,00")
    page.get_by_label("Uitgegeven: werking").fill("12.345,67")
    page.get_by_label("Gerealiseerde eigen financiële inbreng").fill("5.000,00")
    page.get_by_label("Gerealiseerde eigen personeelsinzet (gewaardeerd in euro)").fill("0")
    page.get_by_label("Gerealiseerde bijdragen van derden").fill("0")
    page.get_by_role("button", name="Bewaren").click()
    expect(_flash(page)).to_contain_text("is bewaard.")
    costs = page.get_by_role("table", name="Uitgaven per subsidiabele kostensoort")
    expect(costs.locator("tfoot")).to_contain_text("45.000,00 EUR")
    expect(costs.locator("tfoot")).to_contain_text("42.345,67 EUR")

    page.get_by_role("button", name="Verslag indienen").click()
    expect(_flash(page)).to_contain_text("Het verslag is ingediend. U ontvangt een bevestiging per e-mail.")

    # The admin reviews it: the settlement shown before approving, then the balance approved and paid.
    admin_context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels")
    try:
        admin = watch_pages(admin_context.new_page())
        admin_email = live_server.create_user("admin")
        live_server.login(admin, admin_email, PASSWORD)  # a second factor only in production
        admin.get_by_role("link", name="Verslagen te beoordelen").click()
        admin.get_by_role("row", name=re.compile(re.escape(title))).get_by_role("link").first.click()
        expect(admin.get_by_role("heading", level=1)).to_have_text("Eindverslag")
        review = admin.locator("#review")
        expect(review).to_contain_text("= 37.640,60 EUR")
        review.get_by_label("Goedkeuren").check()
        review.get_by_role("button", name="Beslissing bewaren").click()
        expect(_flash(admin)).to_contain_text("Het verslag is goedgekeurd.")
        expect(admin.locator("#settlement")).to_contain_text("13.640,60 EUR")

        admin.get_by_role("link", name="Terug naar het project").click()
        payments = admin.get_by_role("table", name="Ontvangen en verwachte betalingen")
        balance = payments.get_by_role("row", name=re.compile("^Saldo"))
        expect(balance).to_contain_text("13.640,60 EUR")
        balance.get_by_role("button", name=f"Goedkeuren Saldo {setting['organisation']}").click()
        balance = admin.get_by_role("table", name="Ontvangen en verwachte betalingen").get_by_role(
            "row", name=re.compile("^Saldo"))
        expect(balance.locator(".badge")).to_have_text("goedgekeurd")
        balance.get_by_role("button", name=f"Betaald Saldo {setting['organisation']}").click()
        balance = admin.get_by_role("table", name="Ontvangen en verwachte betalingen").get_by_role(
            "row", name=re.compile("^Saldo"))
        expect(balance.locator(".badge")).to_have_text("betaald")
    finally:
        admin_context.close()

    paid = [m for m in live_server.mail_to(setting["contact"], count=3) if m["subject"].startswith("Betaling van")]
    assert paid and paid[0]["subject"] == f"Betaling van 13.640,60 EUR: {title}", paid

    # The applicant sees the balance paid: everything that was due has come in.
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    payments = page.get_by_role("table", name="Ontvangen en verwachte betalingen")
    expect(payments.get_by_role("row", name=re.compile("^Voorschot"))).to_contain_text("24.000,00 EUR")
    balance = payments.get_by_role("row", name=re.compile("^Saldo"))
    expect(balance).to_contain_text("13.640,60 EUR")
    expect(balance.locator(".badge")).to_have_text("betaald")
    from grants.timeutil import to_local, utcnow
    expect(balance).to_contain_text(f"{to_local(utcnow()).date():%d-%m-%Y}")  # paid today
    expect(_fact(page, "Toegekend")).to_have_text("40.000,00 EUR")
    expect(_fact(page, "Ontvangen")).to_have_text("37.640,60 EUR")  # the advance and the balance
    expect(_fact(page, "Nog te ontvangen")).to_have_text("0,00 EUR")
