"""The ranking page and API (admins and the chair), the chair's advice, and the number of queries
of the jury's pages, which does not grow with the number of applications."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.jury.models import AdviceOutcome, Assignment, JuryAdvice
from tests.conftest import auth

from tests.support.jury import browser_for, csrf, hidden, jury, text  # noqa: F401  (jury is a fixture)


def _score(factory, jury, application, juror, relevance, feasibility, submitted=True):
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == application.id,
                                                               Assignment.juror_id == juror.id))
    return factory.sheet(assignment, {jury.relevance: relevance, jury.feasibility: feasibility},
                         submitted=submitted)


@pytest.fixture
def scored(jury, factory):
    """Weights 60/40 on 0..10. Gent: Jan 8/6 -> 72, Fatima 4/2 -> 32 (mean 52, far apart).
    Aalst: Jan 9/9 -> 90, Fatima 7/8 -> 74 (mean 82). The third application has no sheet.
    Threshold 60; an envelope of 60.000: Aalst (40.000) fits, Gent's 40.000 more do not."""
    _score(factory, jury, jury.gent_app, jury.jan, 8, 6)
    _score(factory, jury, jury.gent_app, jury.fatima, 4, 2)
    _score(factory, jury, jury.aalst_app, jury.jan, 9, 9)
    _score(factory, jury, jury.aalst_app, jury.fatima, 7, 8)
    jury.panel.quality_threshold = D("60")
    jury.call.envelope = D("60000.00")
    db.session.commit()
    return jury


def test_the_ranking_page_shows_the_table_the_lines_and_the_jurors_strictness(app, scored):
    page = text(browser_for(app, scored.admin).get(f"/jury/calls/{scored.call.id}/ranking"))
    aalst, gent, other = (page.index(f'id="row-{a.id}"') for a in (scored.aalst_app, scored.gent_app,
                                                                    scored.other_app))
    assert aalst < gent < other  # by rank, the unscored last
    threshold = page.index("Kwaliteitsdrempel (60,00 punten)")
    envelope = page.index("Hier is het budget op (60.000,00 EUR)")
    assert aalst < threshold < gent and aalst < envelope < gent
    row = page[gent:other]
    assert "52,00" in row and "28,28" in row and "32,00 – 72,00" in row and "spreiding 40,00" in row
    assert "80.000,00 EUR" in row and "onder de drempel" in row and "buiten het budget" in row
    assert "82,00" in page[aalst:gent] and "11,31" in page[aalst:gent] and "40.000,00 EUR" in page[aalst:gent]
    # Normalised: both jurors put Aalst above Gent, so nothing moves.
    assert "49,55 (2," in row and "gelijk" in row
    # Jan is lenient (+14 against the call's 67), Fatima strict (-14).
    assert "Gemiddelde van alle beoordelingen" in page and "67,00" in page
    assert "+14,00" in page and "-14,00" in page and "milder" in page and "strenger" in page


def test_the_chart_is_inline_svg_readable_without_colour(app, scored):
    html = browser_for(app, scored.admin).get(f"/jury/calls/{scored.call.id}/ranking").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'fill="url(#hatch)"' in svg  # Gent, below the threshold: hatched, not just another colour
    assert "(onder de drempel)" in svg and "drempel 60,00" in svg and "budget op (60.000,00 EUR)" in svg
    assert 'stroke-dasharray="6 4"' in svg and 'stroke-dasharray="2 3"' in svg  # two line styles, labelled
    assert "style=" not in svg  # presentation attributes only: the Content-Security-Policy holds


def test_a_single_sheet_has_no_standard_deviation_and_a_flat_juror_is_not_normalised(app, jury, factory):
    _score(factory, jury, jury.gent_app, jury.jan, 5, 5)
    _score(factory, jury, jury.aalst_app, jury.jan, 5, 5)
    _score(factory, jury, jury.aalst_app, jury.fatima, 8, 8)
    db.session.commit()
    page = text(browser_for(app, jury.admin).get(f"/jury/calls/{jury.call.id}/ranking"))
    gent = page[page.index(f'id="row-{jury.gent_app.id}"'):]
    assert "n.v.t." in gent[:gent.index("</tr>")]  # one sheet: undefined, not 0
    assert "geeft overal hetzelfde of één beoordeling: niet genormaliseerd" in page


def test_only_admins_and_the_chair_see_the_ranking(app, scored):
    assert browser_for(app, scored.jan).get(f"/jury/calls/{scored.call.id}/ranking").status_code == 200  # chair
    for user in (scored.fatima, scored.pieter, scored.applicant):
        assert browser_for(app, user).get(f"/jury/calls/{scored.call.id}/ranking").status_code == 404
    assert browser_for(app, scored.admin).get("/jury/calls/999999/ranking").status_code == 404


# --------------------------------------------------------------------------- the jury's advice


def test_the_chair_records_the_advice_with_a_motivation(app, scored):
    jan = browser_for(app, scored.jan)
    url = f"/jury/applications/{scored.aalst_app.id}/advice"
    form = jan.get(url).get_data(as_text=True)
    token, version = csrf(form), hidden(form, "version")
    missing = jan.post(url, {"csrf_token": token, "version": version, "outcome": "award", "motivation": ""})
    assert missing.status_code == 400 and "Dit veld is verplicht." in text(missing)
    wrong = jan.post(url, {"csrf_token": token, "version": version, "outcome": "maybe", "motivation": "x"})
    assert wrong.status_code == 400
    saved = jan.post(url, {"csrf_token": token, "version": version, "outcome": "award",
                           "motivation": "Sterk en haalbaar; ruim boven de drempel."})
    assert saved.status_code == 302
    advice = db.session.scalar(sa.select(JuryAdvice))
    assert (advice.outcome, advice.recorded_by_id) == (AdviceOutcome.AWARD, scored.jan.id)
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "jury_advice")) == \
        "jury.advice"
    stale = jan.post(url, {"csrf_token": token, "version": version, "outcome": "reject", "motivation": "Toch niet."})
    assert stale.status_code == 409 and "Er is niets overschreven" in text(stale)
    page = text(jan.get(f"/jury/calls/{scored.call.id}/ranking"))
    assert "toekennen" in page
    # The agency reads the advice; recording it is the chair's.
    admin = browser_for(app, scored.admin)
    assert "Sterk en haalbaar" in text(admin.get(url))
    assert admin.post(url, {"outcome": "reject", "motivation": "x"}, token_from=url).status_code == 403
    assert browser_for(app, scored.fatima).get(url).status_code == 404


# --------------------------------------------------------------------------- the API


RANKING_FIELDS = {"application_id", "dossier_number", "organisation", "requested", "weighted_total", "mean",
                  "median", "std", "min", "max", "count", "normalised_total", "rank", "normalised_rank",
                  "above_threshold", "within_envelope", "advice"}


def test_the_ranking_api_returns_the_documented_fields_sorted_by_rank(client, token, scored):
    db.session.add(JuryAdvice(application_id=scored.aalst_app.id, outcome=AdviceOutcome.AWARD, motivation="Top."))
    db.session.commit()
    response = client.get(f"/api/v1/calls/{scored.call.id}/ranking", headers=auth(token))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["threshold"], body["envelope"], body["requested_total"]) == ("60.00", "60000.00", "120000.00")
    assert (body["threshold_index"], body["envelope_index"]) == (1, 1)
    items = body["items"]
    assert [i["application_id"] for i in items] == [scored.aalst_app.id, scored.gent_app.id, scored.other_app.id]
    assert all(RANKING_FIELDS <= set(i) for i in items)
    aalst, gent, other = items
    assert {k: aalst[k] for k in ("weighted_total", "mean", "median", "std", "min", "max", "count", "rank",
                                  "normalised_rank", "above_threshold", "within_envelope")} == {
        "weighted_total": "82.00", "mean": "82.00", "median": "82.00", "std": "11.31", "min": "74.00",
        "max": "90.00", "count": 2, "rank": 1, "normalised_rank": 1, "above_threshold": True,
        "within_envelope": True}
    assert aalst["advice"]["outcome"] == "award" and aalst["advice"]["motivation"] == "Top."
    assert (gent["weighted_total"], gent["normalised_total"], gent["disagreement"], gent["within_envelope"]) == (
        "52.00", "49.55", True, False)
    assert (other["count"], other["rank"], other["weighted_total"], other["std"], other["advice"]) == (
        0, None, None, None, None)
    assert aalst["requested"] == "40000.00" and aalst["organisation"] == "Aalst"


def test_the_conflicts_api_lists_every_conflict_for_admins(client, token, scored, factory):
    factory.conflict(scored.other_app, scored.fatima, source="declared", kind="personal", reason="Mijn buurvrouw.")
    factory.conflict(scored.aalst_app, scored.jan, source="admin", kind="administrative", reason="Mandaat.",
                     overridden=True)
    db.session.commit()
    response = client.get(f"/api/v1/calls/{scored.call.id}/conflicts", headers=auth(token))
    assert response.status_code == 200
    items = {(i["application_id"], i["juror_id"]): i for i in response.get_json()["items"]}
    assert items[(scored.gent_app.id, scored.pieter.id)] == {
        "application_id": scored.gent_app.id, "dossier_number": scored.gent_app.dossier_number,
        "juror_id": scored.pieter.id, "juror_email": "pieter@jury.example.be", "juror_name": "Pieter (Gent)",
        "kind": "own_organisation", "source": "automatic", "reason": "Lid van Gent, de indiener.",
        "overridden": False, "override_reason": None}
    assert items[(scored.other_app.id, scored.fatima.id)]["source"] == "declared"
    assert items[(scored.aalst_app.id, scored.jan.id)]["overridden"] is True
    assert client.get(f"/api/v1/calls/{scored.call.id}/conflicts").status_code == 401
    assert client.get("/api/v1/calls/999999/ranking", headers=auth(token)).status_code == 404


@pytest.mark.parametrize("endpoint", ["ranking", "conflicts"])
def test_the_jury_api_is_for_admins_only_not_even_for_the_chair(client, scored, endpoint):
    from grants.accounts.operations import create_api_token
    chair_token, applicant_token = create_api_token(scored.jan), create_api_token(scored.applicant)
    db.session.commit()
    for value in (chair_token, applicant_token):
        response = client.get(f"/api/v1/calls/{scored.call.id}/{endpoint}", headers=auth(value))
        assert response.status_code == 403
        assert "Aalst" not in response.get_data(as_text=True)


# --------------------------------------------------------------------------- queries do not grow


def _count_queries(browser, url: str, headers=None) -> tuple[int, int]:
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    browser.get(url, headers=headers or {})  # warm-up
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        status = browser.get(url, headers=headers or {}).status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return status, len(statements)


def _grow(jury, factory, n: int) -> None:
    """n more applications, each scored by Jan and Fatima, with a conflict and an advice now and then."""
    for k in range(n):
        org = factory.organisation(f"Gemeente {k}")
        application = factory.submission(jury.call, org, title=f"Extra {k}")
        for juror, marks in ((jury.jan, (k % 11, 5)), (jury.fatima, (3, k % 11))):
            assignment = factory.assignment(application, juror)
            factory.sheet(assignment, {jury.relevance: marks[0], jury.feasibility: marks[1]})
        factory.declaration(application, jury.pieter)
        if k % 3 == 0:
            factory.conflict(application, jury.pieter, source="declared")
        if k % 4 == 0:
            db.session.add(JuryAdvice(application_id=application.id, outcome=AdviceOutcome.REJECT, motivation="x"))
    db.session.commit()


def test_the_jurys_pages_make_as_many_queries_with_many_applications_as_with_few(app, client, token, scored,
                                                                                  factory):
    pages = {
        "ranking (admin)": (scored.admin, f"/jury/calls/{scored.call.id}/ranking"),
        "ranking (chair)": (scored.jan, f"/jury/calls/{scored.call.id}/ranking"),
        "dashboard": (scored.admin, f"/admin/calls/{scored.call.id}/jury/dashboard"),
        "assignments": (scored.admin, f"/admin/calls/{scored.call.id}/jury/assignments?n=2"),
        "conflicts": (scored.admin, f"/admin/calls/{scored.call.id}/jury/conflicts"),
        "juror home": (scored.fatima, "/"),
        "scoring page": (scored.fatima, f"/jury/applications/{scored.gent_app.id}"),
        "declaration": (scored.pieter, f"/jury/calls/{scored.call.id}/declaration"),
    }
    browsers = {user.id: browser_for(app, user) for user, _url in pages.values()}

    def measure() -> dict[str, tuple[int, int]]:
        found = {name: _count_queries(browsers[user.id], url) for name, (user, url) in pages.items()}
        found["ranking API"] = _count_queries(client, f"/api/v1/calls/{scored.call.id}/ranking", auth(token))
        found["conflicts API"] = _count_queries(client, f"/api/v1/calls/{scored.call.id}/conflicts", auth(token))
        return found

    _grow(scored, factory, 2)
    few = measure()
    _grow(scored, factory, 12)
    many = measure()
    assert all(status == 200 for status, _n in few.values()), few
    assert {name: n for name, (_s, n) in many.items()} == {name: n for name, (_s, n) in few.items()}
