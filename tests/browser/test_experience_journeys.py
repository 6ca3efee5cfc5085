"""Experience journeys in a real browser: the live checklist while typing (and the same page without
JavaScript), and the main pages at 390 px wide, none wider than the screen."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, page_width, watch_pages, widest_elements
from .test_application_journeys import _application, _open_call

pytestmark = pytest.mark.browser

# REFNIS codes that the demo data or another browser test uses: never picked here.
TAKEN = set("11002 11052 12025 13002 13040 14810 15000 17000 18300 19800 22750 23047 23088 24062 24130 24600 26500 "
            "27400 29900 30575 31000 33037 33250 34022 34027 35000 35013 36015 36800 38000 38025 38500 40000 41000 "
            "41002 42028 42464 44021 45000 45065 46021 47500 48500 49000 49146 50000 55000 56775 58500 60000 60295 "
            "61400 65000 71016 71017 71041 72021 72037 72041 82300 85000".split())


def _free_municipality(live_server) -> str:
    """A municipality without applications or members (the shared server keeps what tests create)."""
    import sqlalchemy as sa

    from grants.accounts.models import memberships
    from grants.applications.models import Application
    from grants.organisations.models import Organisation, OrganisationKind
    with live_server.app_context() as session:
        codes = session.scalars(
            sa.select(Organisation.refnis).where(
                Organisation.kind == OrganisationKind.MUNICIPALITY, Organisation.refnis.is_not(None),
                Organisation.id.not_in(sa.select(Application.organisation_id)),
                Organisation.id.not_in(sa.select(memberships.c.organisation_id)))
            .order_by(Organisation.refnis.desc()))
        return next(code for code in codes if code not in TAKEN)


def _draft(live_server) -> tuple[int, str]:
    """A complete draft of a fresh municipality to an open call: 12.500 asked on a budget of 12.500."""
    call_id, _title = _open_call(live_server)
    code = _free_municipality(live_server)
    email = live_server.create_user("applicant", [code])
    return _application(live_server, call_id, code, email, complete=True), email


def _saved_amount(live_server, app_id: int) -> Decimal:
    from grants.applications.models import Application
    with live_server.app_context() as session:
        return session.get(Application, app_id).requested_amount


def _live(page, key: str):
    return page.locator(f"#live-checklist li[data-key='{key}']")


def test_the_live_checklist_follows_what_is_typed_without_saving(page, live_server):
    app_id, email = _draft(live_server)
    live_server.login(page, email, PASSWORD)
    page.goto(live_server.url(f"/applications/{app_id}/sections/financing"))
    page.wait_for_load_state("load")
    region = page.locator("#live-checklist")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text("Met de bewaarde gegevens.")
    expect(_live(page, "totals")).to_have_class(re.compile(r"\bok\b"))

    # 20.000 asked on a budget of 12.500: over budget, without a save.
    requested = page.get_by_label("Gevraagde subsidie")
    requested.fill("20.000,00")
    expect(region).to_contain_text("Gecontroleerd met wat u nu typte; nog niet bewaard.")
    expect(_live(page, "totals")).to_have_class(re.compile(r"\bfail\b"))
    expect(_live(page, "totals")).to_contain_text("is 7.500,00 EUR meer dan de totale kost van de begroting")
    # An own contribution typed in: the co-financing sum follows, still from the server's rules.
    requested.fill("10.000,00")
    page.get_by_label("Eigen financiële inbreng").fill("2.500,00")
    expect(_live(page, "totals")).to_have_class(re.compile(r"\bok\b"))
    expect(_live(page, "totals")).to_contain_text("Gevraagde subsidie 10.000,00 EUR + eigen financiële inbreng "
                                                  "2.500,00 EUR")
    # A bad amount: the save's own message, in the live region, and nothing breaks.
    requested.fill("tienduizend")
    expect(region).to_contain_text("Nog niet te controleren")
    expect(region).to_contain_text("Geef een bedrag in euro")
    assert _saved_amount(live_server, app_id) == Decimal("12500.00")  # nothing was saved

    # The budget page: its total and its checklist follow the lines typed.
    page.goto(live_server.url(f"/applications/{app_id}/sections/budget"))
    page.wait_for_load_state("load")
    page.get_by_label("Bedrag, regel 1").fill("15.000,00")
    expect(page.locator("#budget-total")).to_have_text("15.000,00 EUR")
    expect(page.locator("#budget-total-label")).to_have_text("Totale projectkost (nog niet bewaard)")
    expect(_live(page, "totals")).to_contain_text("is 2.500,00 EUR minder dan de totale kost")
    assert _saved_amount(live_server, app_id) == Decimal("12500.00")


def test_without_javascript_the_page_saves_and_shows_the_checklist(chromium, live_server):
    app_id, email = _draft(live_server)
    context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels",
                                   java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        live_server.login(page, email, PASSWORD)
        page.goto(live_server.url(f"/applications/{app_id}/sections/financing"))
        expect(page.locator("#live-checklist")).to_contain_text("Met de bewaarde gegevens.")
        page.get_by_label("Gevraagde subsidie").fill("10.000,00")
        page.get_by_label("Eigen financiële inbreng").fill("2.500,00")
        page.wait_for_timeout(600)  # no script: nothing changes before the save
        expect(page.locator("#live-checklist")).not_to_contain_text("nog niet bewaard")
        page.get_by_role("button", name="Bewaren").click()
        expect(page.locator(".flashes")).to_contain_text("'Financiering' is bewaard.")
        totals = page.locator("#checklist li[data-key='totals']")
        expect(totals).to_have_class(re.compile(r"\bok\b"))
        expect(totals).to_contain_text("Gevraagde subsidie 10.000,00 EUR + eigen financiële inbreng 2.500,00 EUR")
        assert _saved_amount(live_server, app_id) == Decimal("10000.00")
        # Back on the section page, the checklist beside the fields shows what was saved.
        page.goto(live_server.url(f"/applications/{app_id}/sections/financing"))
        expect(page.locator("#live-checklist li[data-key='totals']")).to_have_class(re.compile(r"\bok\b"))
    finally:
        context.close()


def test_at_390_px_no_main_page_is_wider_than_the_screen(chromium, live_server):
    import sqlalchemy as sa

    from grants.calls.models import Call
    app_id, email = _draft(live_server)
    with live_server.app_context() as session:
        call_id = session.scalar(sa.select(Call.id).order_by(Call.id))
    context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels",
                                   viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = watch_pages(context.new_page())  # axe-core on each page too, at 390 px and at 1280 px
    too_wide = []

    def visit(paths):
        for path in paths:
            response = page.goto(live_server.url(path))
            assert response.status == 200, path
            width = page_width(page)
            if width > 390:
                too_wide.append((path, width, widest_elements(page)))

    try:
        visit(["/", "/calls", f"/calls/{call_id}", "/login"])
        live_server.login(page, email, PASSWORD)
        visit(["/", f"/applications/{app_id}"] + [f"/applications/{app_id}/sections/{key}" for key in (
            "summary", "activities", "budget", "financing", "contact", "payout", "attachments")])
        live_server.logout(page)
        live_server.login(page, live_server.create_user("admin"), PASSWORD)
        with live_server.app_context() as session:
            calls = list(session.scalars(sa.select(Call.id).order_by(Call.id)))
        visit(["/", "/admin/calls", f"/admin/calls/{calls[0]}", f"/admin/calls/{calls[0]}/applications?status=all",
               f"/applications/{app_id}", "/admin/calls/new?kind=action_plan", f"/admin/calls/{calls[0]}/edit",
               f"/admin/history/applications/{app_id}", "/admin/organisations", "/admin/users"])
    finally:
        context.close()
    assert too_wide == [], too_wide


CUT_OFF_SELECTS = """() => Array.from(document.querySelectorAll('select')).filter(s => s.offsetParent !== null)
  .map(select => {
    const style = getComputedStyle(select);
    const probe = document.createElement('span');
    probe.style.font = style.font;
    probe.style.whiteSpace = 'pre';
    probe.style.position = 'absolute';
    probe.textContent = select.options[select.selectedIndex] ? select.options[select.selectedIndex].text : '';
    document.body.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {name: select.name, text: probe.textContent, needed: Math.ceil(needed), room: Math.floor(room)};
  }).filter(s => s.needed > s.room)"""  # the text of the chosen option fits beside the arrow


def test_every_choice_in_the_call_form_shows_in_full(chromium, live_server):
    """The tranche's trigger ("na goedkeuring van het eindverslag") was cut off: every select of the call
    form, at 1280 px, is as wide as the choice it shows."""
    context = chromium.new_context(base_url=str(live_server), locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        live_server.login(page, live_server.create_user("admin"), PASSWORD)
        for kind in ("counter_voices", "action_plan", "regie_role"):
            assert page.goto(live_server.url(f"/admin/calls/new?kind={kind}")).status == 200
            triggers = page.locator("select[name$='-trigger']")
            assert triggers.count() >= 2, kind
            page.select_option("select[name='tranches-1-trigger']", index=triggers.nth(1).locator("option").count() - 1)
            assert page.evaluate(CUT_OFF_SELECTS) == [], kind
    finally:
        context.close()
