"""The declaration before reading: title and organisation only, a conflict or "no conflict" for
each; reading opens after it; what a juror is conflicted on through a membership is not listed."""
from __future__ import annotations

import sqlalchemy as sa

from grants.extensions import db
from grants.jury.models import Assignment, ConflictDeclaration, ConflictOfInterest, ConflictSource

from tests.support.jury import browser_for, csrf, jury, text  # noqa: F401  (jury is a fixture)


def _fresh_juror(factory, jury, organisations=()):
    juror = factory.user(role="juror", name="Nieuw Jurylid", organisations=list(organisations))
    jury.panel.members.append(juror)
    for application in (jury.gent_app, jury.aalst_app):
        factory.assignment(application, juror, declared=False)
    db.session.commit()
    return juror


def test_the_declaration_shows_title_and_organisation_only_and_opens_reading(app, jury, factory):
    juror = _fresh_juror(factory, jury)
    browser = browser_for(app, juror)
    assert "Verklaar eerst voor 3 aanvragen" in text(browser.get("/"))
    assert browser.get(f"/applications/{jury.gent_app.id}").status_code == 404  # nothing to read yet
    page = text(browser.get(f"/jury/calls/{jury.call.id}/declaration"))
    assert "Gent verbindt" in page and "Aalst in dialoog" in page and "Jongeren spreken" in page
    assert "Jongeren maken zelf tegenverhalen op sociale media." not in page  # the summary is not shown before the declaration
    token = csrf(browser.get(f"/jury/calls/{jury.call.id}/declaration").get_data(as_text=True))
    url = f"/jury/calls/{jury.call.id}/declaration"
    refused = browser.post(url, {"csrf_token": token, f"answer_{jury.gent_app.id}": "conflict"})
    assert refused.status_code == 400
    assert "Kies het soort belangenconflict." in text(refused) and "Geef een korte reden." in text(refused)
    done = browser.post(url, {"csrf_token": token, f"answer_{jury.gent_app.id}": "conflict",
                              f"kind_{jury.gent_app.id}": "personal", f"reason_{jury.gent_app.id}": "Mijn zus.",
                              f"answer_{jury.aalst_app.id}": "none"})
    assert done.status_code == 302
    home = text(browser.get("/"))
    assert "Nog 1 aanvraag zonder antwoord" in home and "Verklaar eerst voor 1 aanvraag" in home
    assert browser.get(f"/applications/{jury.aalst_app.id}").status_code == 200
    assert browser.get(f"/jury/applications/{jury.aalst_app.id}").status_code == 200
    assert browser.get(f"/applications/{jury.gent_app.id}").status_code == 404
    conflict = db.session.scalar(sa.select(ConflictOfInterest).where(ConflictOfInterest.user_id == juror.id))
    assert (conflict.source, conflict.reason) == (ConflictSource.DECLARED, "Mijn zus.")
    # The conflicted application's unstarted assignment is gone; the declaration is kept.
    assert not db.session.scalar(sa.select(Assignment).where(Assignment.juror_id == juror.id,
                                                             Assignment.application_id == jury.gent_app.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictDeclaration).where(
        ConflictDeclaration.juror_id == juror.id)) == 2
    # The declared conflict stays on the list, marked, and cannot be taken back by the juror.
    page = text(browser.get(url))
    assert "belangenconflict gemeld" in page and "Mijn zus." in page
    browser.post(url, {"csrf_token": token, f"answer_{jury.gent_app.id}": "none",
                       f"answer_{jury.other_app.id}": "none"})
    assert browser.get(f"/applications/{jury.gent_app.id}").status_code == 404


def test_an_application_conflicted_through_a_membership_is_not_even_listed(app, jury, factory):
    juror = _fresh_juror(factory, jury, organisations=[jury.melle])  # Melle is Aalst's partner
    page = text(browser_for(app, juror).get(f"/jury/calls/{jury.call.id}/declaration"))
    assert "Gent verbindt" in page and "Aalst in dialoog" not in page
    assert "Verklaar eerst voor 2 aanvragen" in text(browser_for(app, juror).get("/"))


def test_a_juror_outside_the_panel_sees_no_declaration_page(app, jury, factory):
    outsider = factory.user(role="juror")
    db.session.commit()
    browser = browser_for(app, outsider)
    assert browser.get(f"/jury/calls/{jury.call.id}/declaration").status_code == 404
    token = csrf(browser.get("/").get_data(as_text=True))
    response = browser.post(f"/jury/calls/{jury.call.id}/declaration",
                            {"csrf_token": token, f"answer_{jury.gent_app.id}": "none"})
    assert response.status_code == 404
    assert not db.session.scalar(sa.select(ConflictDeclaration).where(ConflictDeclaration.juror_id == outsider.id))


def test_a_kind_of_conflict_not_in_the_list_is_refused_in_dutch_and_keeps_the_reason(app, jury, factory):
    juror = _fresh_juror(factory, jury)
    browser = browser_for(app, juror)
    url = f"/jury/calls/{jury.call.id}/declaration"
    token = csrf(browser.get(url).get_data(as_text=True))
    refused = browser.post(url, {"csrf_token": token, f"answer_{jury.gent_app.id}": "conflict",
                                 f"kind_{jury.gent_app.id}": "vriendschap", f"reason_{jury.gent_app.id}": "Mijn zus."})
    assert refused.status_code == 400
    assert "Kies het soort belangenconflict." in text(refused) and "Mijn zus." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(ConflictDeclaration.id).where(ConflictDeclaration.juror_id == juror.id)) is None
