"""The call and organisation pages follow the page's language: texts defined at import time (form
labels, status records, kind labels) are translated per request, not fixed in Dutch when the module
was loaded. Only messages the English catalogue already has can be asserted in English here; the
status records carry their English themselves."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from grants.calls.models import PaymentTranche
from grants.calls.states import CallStatus, TriggerKind
from grants.extensions import db
from grants.timeutil import utcnow
from tests.support.calls import page


def _english(browser, next_url="/"):
    browser.post("/language", {"lang": "en", "next": next_url})


def _dutch(browser, next_url="/"):
    browser.post("/language", {"lang": "nl", "next": next_url})


def test_form_labels_follow_the_language_of_each_request(logged_in):
    admin, _ = logged_in("admin")
    assert "Soort organisatie" in page(admin.get("/admin/organisations/new"))
    _english(admin)
    english = page(admin.get("/admin/organisations/new"))
    assert "Kind of organisation" in english and "Soort organisatie" not in english
    _dutch(admin)
    assert "Soort organisatie" in page(admin.get("/admin/organisations/new"))


def test_the_call_pages_in_english_take_labels_and_steps_from_the_records(logged_in, factory):
    call = factory.call(status=CallStatus.DRAFT, title="Oproep in het Engels",
                        closes_at=utcnow() + timedelta(days=5))
    call.tranches = [PaymentTranche(position=1, label="Voorschot", percent=D(100), trigger=TriggerKind.AWARD)]
    db.session.commit()
    admin, _ = logged_in("admin")
    _english(admin)
    html = page(admin.get(f"/admin/calls/{call.id}"))
    assert "Mobilising societal counter-voices" in html  # the kind's label pair
    assert ">draft<" in html and ">Publish<" in html and "ontwerp" not in html
    response = admin.post(f"/admin/calls/{call.id}/status/publish", {}, token_from=f"/admin/calls/{call.id}")
    assert response.status_code == 302
    html = page(admin.get(f"/admin/calls/{call.id}"))
    assert "The call 'Oproep in het Engels' has been published." in html
    assert ">published<" in html and ">Close submissions<" in html
    form = page(admin.get("/admin/calls/new?kind=regie_role"))
    assert "Support for the local directing role" in form and "at the award" in form
    assert "competitive (jury and ranking)" in form
    for url in ("/calls", f"/calls/{call.id}", "/admin/calls", "/admin/calls/new", "/admin/organisations/"):
        assert admin.get(url).status_code == 200, url
    _dutch(admin)
    html = page(admin.get(f"/admin/calls/{call.id}"))
    assert ">gepubliceerd<" in html and ">Indiening afsluiten<" in html
