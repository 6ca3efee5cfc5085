"""Helpers for the jury tests: a call with its jury, applications and jurors; browsers logged in
as each of them. This module holds no tests; the jury test modules import from it."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from grants.extensions import db
from tests.conftest import Browser
from tests.factories import Factory


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf token"
    return match.group(1) or match.group(2)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*name="{name}"',
                      html)
    assert match, f"no field {name}"
    return match.group(1) if match.group(1) is not None else match.group(2)


def text(response) -> str:
    """The page's text with entities unescaped, for assertions on Dutch sentences."""
    import html
    return html.unescape(response.get_data(as_text=True))


def browser_for(app, user) -> Browser:
    """A browser of its own (own cookies), logged in as user."""
    browser = Browser(app.test_client())
    response = browser.login(user.email, Factory.PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return browser


def sheet_form(browser, app_id: int) -> dict:
    """GET the scoring page and return what a browser sends back besides the fields: token and version."""
    response = browser.get(f"/jury/applications/{app_id}")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return {"csrf_token": csrf(html), "version": hidden(html, "version")}


@pytest.fixture
def jury(app, factory):
    """A counter-voices call under review with three applications and a jury of three:
    - gent_app by Gent, aalst_app by Aalst in a partnership with Melle, other_app by a non-profit;
    - jan (chair) and fatima, members of no organisation; pieter, a member of Gent (automatic conflict
      with gent_app); all three declared; jan and fatima assigned to gent_app and aalst_app."""
    from grants.calls.states import CallStatus
    from grants.organisations.models import OrganisationKind, Partnership, PartnershipMember
    gent = factory.organisation("Gent", refnis="44021")
    aalst = factory.organisation("Aalst", refnis="41002")
    melle = factory.organisation("Merelbeke-Melle", refnis="44088")
    vzw = factory.organisation("vzw Samen", kind=OrganisationKind.NONPROFIT, kbo="0123456749")
    call = factory.call(status=CallStatus.UNDER_REVIEW, title="Tegengeluiden (test)")
    relevance, feasibility = call.criteria
    gent_app = factory.submission(call, gent, title="Gent verbindt")
    aalst_app = factory.submission(call, aalst, title="Aalst in dialoog")
    partnership = Partnership(call_id=call.id, name="Samenwerkingsverband Aalst", lead_organisation_id=aalst.id)
    partnership.members = [PartnershipMember(call_id=call.id, organisation_id=aalst.id),
                           PartnershipMember(call_id=call.id, organisation_id=melle.id)]
    db.session.add(partnership)
    aalst_app.partnership = partnership
    other_app = factory.submission(call, vzw, title="Jongeren spreken")
    jan = factory.user(role="juror", name="Jan Jurylid", email="jan@jury.example.be")
    fatima = factory.user(role="juror", name="Fatima Jurylid", email="fatima@jury.example.be")
    pieter = factory.user(role="juror", name="Pieter (Gent)", email="pieter@jury.example.be", organisations=[gent])
    admin = factory.user(role="admin", name="Ann Beheer", email="ann@abb.example.be")
    applicant = factory.user(role="applicant", name="Els (Gent)", email="els@gent.example.be", organisations=[gent])
    panel = factory.jury(call, [jan, fatima, pieter], chair=jan, jurors_per_application=2)
    for juror in (jan, fatima):
        for application in (gent_app, aalst_app):
            factory.assignment(application, juror)
        factory.declaration(other_app, juror)
    factory.declaration(aalst_app, pieter)
    factory.declaration(other_app, pieter)
    db.session.commit()
    return SimpleNamespace(call=call, panel=panel, relevance=relevance, feasibility=feasibility, gent=gent,
                           aalst=aalst, melle=melle, vzw=vzw, gent_app=gent_app, aalst_app=aalst_app,
                           other_app=other_app, jan=jan, fatima=fatima, pieter=pieter, admin=admin,
                           applicant=applicant, partnership=partnership)
