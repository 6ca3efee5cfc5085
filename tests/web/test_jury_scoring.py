"""The juror's reading-and-scoring page: drafts, submitting, bad input, the deadline to the instant,
the stale save (a second tab), autosave's JSON, and who sees whose sheets."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.jury import operations
from grants.jury.models import Assignment, Recommendation, ScoreSheet
from grants.timeutil import utcnow

from tests.support.jury import browser_for, csrf, jury, sheet_form, text  # noqa: F401  (jury is a fixture)

AUTOSAVE = {"X-Requested-With": "fetch", "Accept": "application/json"}


def _sheet(application, juror) -> ScoreSheet | None:
    db.session.expire_all()
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == application.id,
                                                               Assignment.juror_id == juror.id))
    return assignment.sheet if assignment else None


def _fields(jury, relevance="", feasibility="", **extra) -> dict:
    values = {f"score_{jury.relevance.id}": relevance, f"score_{jury.feasibility.id}": feasibility,
              f"comment_{jury.relevance.id}": "", f"comment_{jury.feasibility.id}": "", "comment": ""}
    values.update(extra)
    return values


def _clock(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(operations, "current_time", lambda: moment)


@pytest.fixture
def jan(app, jury):
    return browser_for(app, jury.jan)


# --------------------------------------------------------------------------- reading and saving


def test_the_page_shows_the_application_beside_the_form_with_next_application(jan, jury):
    response = jan.get(f"/jury/applications/{jury.gent_app.id}")
    assert response.status_code == 200
    page = text(response)
    assert "Gent verbindt" in page and "Jongeren maken zelf tegenverhalen op sociale media." in page  # the application itself
    assert "Relevantie" in page and "Haalbaarheid" in page and "Score van 0 tot 10" in page
    assert "gewicht 60%" in page and "Aanbeveling" in page
    assert f'href="/jury/applications/{jury.aalst_app.id}" rel="next"' in page
    assert "Nog niet bewaard." in page


def test_a_draft_may_be_incomplete_and_keeps_what_was_typed(jan, jury):
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**form, **_fields(jury, relevance="7,5"), "action": "save"})
    assert response.status_code == 302
    sheet = _sheet(jury.gent_app, jury.jan)
    assert sheet.submitted_at is None and [(s.criterion_id, s.value) for s in sheet.scores] == [
        (jury.relevance.id, D("7.50"))]
    page = text(jan.get(f"/jury/applications/{jury.gent_app.id}"))
    assert 'value="7,5"' in page and "Laatst bewaard om" in page
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "score_sheets")) == \
        "jury.sheet_create"


def test_submitting_needs_every_required_score_and_a_recommendation(jan, jury):
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**form, **_fields(jury, relevance="8"), "action": "submit"})
    assert response.status_code == 400
    page = text(response)
    assert "De beoordeling is nog niet volledig" in page
    assert "Geef een score voor 'Haalbaarheid': dit criterium is verplicht." in page
    assert "Kies uw aanbeveling: ja, misschien of nee." in page
    assert 'value="8"' in page  # what was typed comes back
    assert _sheet(jury.gent_app, jury.jan) is None  # nothing saved


def test_submitting_a_complete_sheet_goes_to_the_next_application(jan, jury):
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**form, **_fields(jury, relevance="8", feasibility="6,25", comment="Sterk plan."),
                         "recommendation": "yes", "action": "submit"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/jury/applications/{jury.aalst_app.id}")
    sheet = _sheet(jury.gent_app, jury.jan)
    assert sheet.submitted_at is not None and sheet.recommendation == Recommendation.YES
    assert {s.criterion_id: s.value for s in sheet.scores} == {jury.relevance.id: D("8.00"),
                                                                jury.feasibility.id: D("6.25")}
    page = text(jan.get(f"/jury/applications/{jury.gent_app.id}"))
    assert "ingediend" in page and "Heropenen om te wijzigen" in page and 'id="score-form"' not in page


@pytest.mark.parametrize("typed, message", [
    ("abc", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("1e309", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("NaN", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("inf", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("-Infinity", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("٣", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("0x10", "Geef de score als getal van 0 tot en met 10, bijvoorbeeld 7 of 7,5."),
    ("11", "De score ligt op deze schaal van 0 tot en met 10; 11 kan niet."),
    ("-1", "De score ligt op deze schaal van 0 tot en met 10; -1 kan niet."),
    ("10,01", "De score ligt op deze schaal van 0 tot en met 10; 10,01 kan niet."),
    ("1.000", "De score ligt op deze schaal van 0 tot en met 10; 1.000 kan niet."),
    ("99999999999999999999", "De score ligt op deze schaal van 0 tot en met 10; 99999999999999999999 kan niet."),
    ("7,555", "Hoogstens 2 cijfers na de komma, bijvoorbeeld 7,25."),
    ("9" * 60, "Deze waarde is te lang."),
])
@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_score_that_is_not_on_the_scale_gets_a_dutch_message_never_a_500(jan, jury, typed, message, action):
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**form, **_fields(jury, relevance=typed, feasibility="5"), "recommendation": "maybe",
                         "action": action})
    assert response.status_code == 400
    assert message in text(response)
    assert _sheet(jury.gent_app, jury.jan) is None
    # The autosave gets the same message, as JSON, tied to the field.
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**form, **_fields(jury, relevance=typed), "action": "save"}, headers=AUTOSAVE)
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["ok"] is False and body["errors"][f"score_{jury.relevance.id}"] == message


@pytest.mark.parametrize("typed, stored", [("0", D("0")), ("10", D("10")), ("7.5", D("7.5")), ("7,25", D("7.25")),
                                           (" 6 ", D("6")), ("-0", D("0"))])
def test_scores_as_people_type_them(jan, jury, typed, stored):
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance=typed),
                                                                   "action": "save"})
    assert response.status_code == 302
    assert _sheet(jury.gent_app, jury.jan).scores[0].value == stored


def test_an_unknown_action_or_recommendation_is_refused_plainly(jan, jury):
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**form, **_fields(jury, relevance="5", feasibility="5"), "recommendation": "perhaps",
                         "action": "submit"})
    assert response.status_code == 400 and "Not a valid choice" not in text(response)
    assert _sheet(jury.gent_app, jury.jan) is None


# --------------------------------------------------------------------------- whose sheet


def test_someone_elses_sheet_or_an_application_not_assigned_is_a_404(app, jury):
    fatima = browser_for(app, jury.fatima)
    pieter = browser_for(app, jury.pieter)
    token = csrf(fatima.get("/").get_data(as_text=True))
    assert fatima.get(f"/jury/applications/{jury.other_app.id}").status_code == 404  # declared, not assigned
    assert fatima.client.post(f"/jury/applications/{jury.other_app.id}",
                              data={"csrf_token": token, **_fields(jury, relevance="5"), "action": "save",
                                    "version": "0"}).status_code == 404
    assert pieter.get(f"/jury/applications/{jury.gent_app.id}").status_code == 404  # a member of Gent
    assert fatima.get("/jury/applications/999999").status_code == 404
    admin = browser_for(app, jury.admin)
    assert admin.get(f"/jury/applications/{jury.gent_app.id}").status_code == 403  # the agency reads, never scores


def test_an_assigned_juror_who_has_not_declared_goes_to_the_declaration_first(app, jury, factory):
    factory.assignment(jury.other_app, jury.pieter, declared=False)
    db.session.commit()
    db.session.execute(sa.delete(operations.ConflictDeclaration).where(
        operations.ConflictDeclaration.application_id == jury.other_app.id,
        operations.ConflictDeclaration.juror_id == jury.pieter.id))
    db.session.commit()
    pieter = browser_for(app, jury.pieter)
    response = pieter.get(f"/jury/applications/{jury.other_app.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/jury/calls/{jury.call.id}/declaration")
    assert pieter.get(f"/applications/{jury.other_app.id}").status_code == 404  # nothing to read before it


# --------------------------------------------------------------------------- the deadline, to the instant


def test_the_deadline_is_an_instant_a_save_at_it_is_refused(monkeypatch, jan, jury):
    deadline = datetime(2027, 3, 31, 15, 0, tzinfo=timezone.utc)  # 17:00 in Brussels (summer time)
    jury.panel.scoring_deadline = deadline
    db.session.commit()
    _clock(monkeypatch, deadline - timedelta(microseconds=1))
    form = sheet_form(jan, jury.gent_app.id)
    assert jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="4"),
                                                               "action": "save"}).status_code == 302
    form = sheet_form(jan, jury.gent_app.id)
    for moment in (deadline, deadline + timedelta(seconds=1), deadline + timedelta(days=30)):
        _clock(monkeypatch, moment)
        for action in ("save", "submit"):
            response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                                {**form, **_fields(jury, relevance="9", feasibility="9"), "recommendation": "yes",
                                 "action": action})
            assert response.status_code == 400, (moment, action)
            assert ("De deadline voor de beoordelingen was 31-03-2027 om 17:00; beoordelingen kunnen niet meer "
                    "gewijzigd worden.") in text(response)
        response = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="9"),
                                                                       "action": "save"}, headers=AUTOSAVE)
        assert response.status_code == 400 and "deadline" in response.get_json()["message"]
    sheet = _sheet(jury.gent_app, jury.jan)
    assert sheet.scores[0].value == D("4") and sheet.submitted_at is None
    page = text(jan.get(f"/jury/applications/{jury.gent_app.id}"))
    assert "De deadline is voorbij" in page and 'id="score-form"' not in page


def test_a_submitted_sheet_can_be_reopened_until_the_deadline(monkeypatch, jan, jury, factory):
    deadline = utcnow() + timedelta(hours=2)
    jury.panel.scoring_deadline = deadline
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == jury.gent_app.id,
                                                               Assignment.juror_id == jury.jan.id))
    factory.sheet(assignment, {jury.relevance: 6, jury.feasibility: 7})
    db.session.commit()
    version = str(_sheet(jury.gent_app, jury.jan).version)
    token = csrf(jan.get(f"/jury/applications/{jury.gent_app.id}").get_data(as_text=True))
    _clock(monkeypatch, deadline)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}", {"csrf_token": token, "version": version,
                                                                   "action": "reopen"})
    assert response.status_code == 400 and _sheet(jury.gent_app, jury.jan).submitted_at is not None
    _clock(monkeypatch, deadline - timedelta(minutes=1))
    response = jan.post(f"/jury/applications/{jury.gent_app.id}", {"csrf_token": token, "version": version,
                                                                   "action": "reopen"})
    assert response.status_code == 302 and _sheet(jury.gent_app, jury.jan).submitted_at is None


# --------------------------------------------------------------------------- two tabs


def test_a_stale_save_from_a_second_tab_is_refused_and_shows_both_versions(app, jan, jury):
    first_tab = sheet_form(jan, jury.gent_app.id)
    second_tab = dict(first_tab)  # opened at the same time: version 0, no sheet yet
    assert jan.post(f"/jury/applications/{jury.gent_app.id}",
                    {**first_tab, **_fields(jury, relevance="3", comment="Eerste tabblad."),
                     "action": "save"}).status_code == 302
    response = jan.post(f"/jury/applications/{jury.gent_app.id}",
                        {**second_tab, **_fields(jury, relevance="9", comment="Tweede tabblad."), "action": "save"})
    assert response.status_code == 409
    page = text(response)
    assert "werd intussen elders bewaard" in page and "Er is niets overschreven" in page
    assert "Bewaarde versie" in page and "Eerste tabblad." in page
    assert "Uw versie (nog niet bewaard)" in page and "Tweede tabblad." in page
    sheet = _sheet(jury.gent_app, jury.jan)
    assert sheet.comment == "Eerste tabblad." and sheet.scores[0].value == D("3")
    # The page now carries the saved version: saving again is a deliberate choice, and it counts.
    again = {**second_tab, "version": str(sheet.version), "csrf_token": csrf(response.get_data(as_text=True))}
    assert jan.post(f"/jury/applications/{jury.gent_app.id}",
                    {**again, **_fields(jury, relevance="9", comment="Tweede tabblad."),
                     "action": "save"}).status_code == 302
    assert _sheet(jury.gent_app, jury.jan).comment == "Tweede tabblad."


def test_a_stale_autosave_answers_409_in_json(jan, jury):
    form = sheet_form(jan, jury.gent_app.id)
    first = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="3"),
                                                                "action": "save"}, headers=AUTOSAVE)
    assert first.status_code == 200 and first.get_json()["version"] == 1
    second = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="4"),
                                                                 "action": "save"}, headers=AUTOSAVE)
    assert second.status_code == 409 and second.get_json()["conflict"] is True
    third = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, "version": "1",
                                                                **_fields(jury, relevance="4"), "action": "save"},
                     headers=AUTOSAVE)
    assert third.status_code == 200 and third.get_json()["version"] == 2
    assert _sheet(jury.gent_app, jury.jan).scores[0].value == D("4")


def test_a_save_that_loses_the_race_at_the_last_moment_is_the_conflict_page(app, jan, jury, monkeypatch):
    """Between the version check and the write, another tab saves: the version column catches it."""
    form = sheet_form(jan, jury.gent_app.id)
    jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="3"), "action": "save"})
    form = sheet_form(jan, jury.gent_app.id)
    real = operations.save_sheet

    def save_with_a_rival(assignment, data, juror, **kwargs):
        with db.engine.begin() as rival:
            rival.execute(sa.text("UPDATE score_sheets SET version = version + 1, comment = 'Rivaal'"))
        return real(assignment, data, juror, **kwargs)

    monkeypatch.setattr(operations, "save_sheet", save_with_a_rival)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="8"),
                                                                   "action": "save"})
    assert response.status_code == 409 and "Rivaal" in text(response) and "Uw versie" in text(response)
    assert _sheet(jury.gent_app, jury.jan).scores[0].value == D("3")


# --------------------------------------------------------------------------- autosave


def test_autosave_answers_json_with_the_brussels_time(monkeypatch, jan, jury):
    _clock(monkeypatch, datetime(2027, 1, 12, 13, 2, 30, tzinfo=timezone.utc))  # 14:02 in Brussels (winter)
    form = sheet_form(jan, jury.gent_app.id)
    response = jan.post(f"/jury/applications/{jury.gent_app.id}", {**form, **_fields(jury, relevance="6"),
                                                                   "action": "save"}, headers=AUTOSAVE)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "status": "draft", "version": 1, "saved_at": "14:02",
                                   "message": "opgeslagen om 14:02"}


def test_the_page_loads_the_autosave_script_and_works_without_it(jan, jury):
    page = jan.get(f"/jury/applications/{jury.gent_app.id}").get_data(as_text=True)
    assert '<script src="/static/jury.js" defer></script>' in page and 'data-autosave="1"' in page
    assert 'name="action" value="save"' in page and 'name="action" value="submit"' in page  # plain buttons


# --------------------------------------------------------------------------- the visibility rule


def _submit(factory, jury, application, juror, relevance, feasibility, **kwargs):
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == application.id,
                                                               Assignment.juror_id == juror.id))
    return factory.sheet(assignment, {jury.relevance: relevance, jury.feasibility: feasibility}, **kwargs)


@pytest.mark.parametrize("allowed", [False, True])
def test_others_sheets_only_after_submitting_ones_own_and_only_if_the_call_allows_it(app, jury, factory, allowed):
    jury.call.jurors_see_other_scores = allowed
    _submit(factory, jury, jury.gent_app, jury.fatima, 2, 3, comment="Zwak uitgewerkt.")
    db.session.commit()
    jan = browser_for(app, jury.jan)
    before = text(jan.get(f"/jury/applications/{jury.gent_app.id}"))
    assert "Zwak uitgewerkt." not in before and "Beoordelingen van de andere juryleden" not in before
    assert jan.get(f"/jury/applications/{jury.gent_app.id}/sheets").status_code == 404
    # A draft of his own does not open them either.
    _submit(factory, jury, jury.gent_app, jury.jan, 8, 8, submitted=False)
    db.session.commit()
    assert "Zwak uitgewerkt." not in text(jan.get(f"/jury/applications/{jury.gent_app.id}"))
    db.session.execute(sa.update(ScoreSheet).where(ScoreSheet.id == _sheet(jury.gent_app, jury.jan).id)
                       .values(submitted_at=utcnow(), recommendation="yes"))
    db.session.commit()
    after = text(jan.get(f"/jury/applications/{jury.gent_app.id}"))
    assert ("Zwak uitgewerkt." in after) == allowed
    assert "Fatima" not in after  # jurors see each other by letter, never by name
    if allowed:
        assert "Jurylid B" in after
    assert jan.get(f"/jury/applications/{jury.gent_app.id}/sheets").status_code == (200 if allowed else 404)


def test_a_draft_of_another_juror_is_never_shown_to_jurors(app, jury, factory):
    jury.call.jurors_see_other_scores = True
    _submit(factory, jury, jury.gent_app, jury.jan, 8, 8)
    _submit(factory, jury, jury.gent_app, jury.fatima, 1, 1, submitted=False, comment="Nog niet af.")
    db.session.commit()
    page = text(browser_for(app, jury.jan).get(f"/jury/applications/{jury.gent_app.id}/sheets"))
    assert "Nog niet af." not in page and "Nog geen beoordelingen." in page


def test_applicants_never_see_sheets_or_jurors_names(app, jury, factory):
    _submit(factory, jury, jury.gent_app, jury.jan, 8, 8, comment="Sterk.")
    db.session.commit()
    els = browser_for(app, jury.applicant)
    for url in (f"/applications/{jury.gent_app.id}", f"/applications/{jury.gent_app.id}/print", "/"):
        page = text(els.get(url))
        assert "Jan Jurylid" not in page and "Fatima" not in page and "Sterk." not in page, url
    for url in (f"/jury/applications/{jury.gent_app.id}/sheets", f"/jury/applications/{jury.gent_app.id}/advice",
                f"/jury/calls/{jury.call.id}/ranking", f"/jury/calls/{jury.call.id}/declaration"):
        assert els.get(url).status_code == 404, url
    assert els.get(f"/jury/applications/{jury.gent_app.id}").status_code == 403  # theirs to read, not to score


# --------------------------------------------------------------------------- a conflict found while reading


def test_a_juror_who_declares_a_conflict_while_reading_loses_access_and_drops_out(app, jan, jury, factory):
    _submit(factory, jury, jury.gent_app, jury.jan, 9, 9)
    _submit(factory, jury, jury.gent_app, jury.fatima, 5, 5)
    db.session.commit()
    token = csrf(jan.get(f"/jury/applications/{jury.gent_app.id}").get_data(as_text=True))
    response = jan.post(f"/jury/applications/{jury.gent_app.id}/conflict",
                        {"csrf_token": token, "kind": "professional", "reason": "Ik adviseerde dit project."})
    assert response.status_code == 302
    assert jan.get(f"/jury/applications/{jury.gent_app.id}").status_code == 404
    assert jan.get(f"/applications/{jury.gent_app.id}").status_code == 404
    assert "Gent verbindt" not in text(jan.get("/"))
    from grants.jury.queries import call_ranking
    row = call_ranking(jury.call).ranking.row_for(jury.gent_app.id)
    assert row.count == 1 and row.weighted_total == D("50.00")  # only Fatima's sheet counts


def test_declaring_a_conflict_needs_a_kind_and_a_reason(jan, jury):
    token = csrf(jan.get(f"/jury/applications/{jury.gent_app.id}").get_data(as_text=True))
    response = jan.post(f"/jury/applications/{jury.gent_app.id}/conflict", {"csrf_token": token, "kind": "bogus",
                                                                            "reason": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Kies het soort belangenconflict." in page and "Dit veld is verplicht." in page
    assert jan.get(f"/jury/applications/{jury.gent_app.id}").status_code == 200


def test_a_refused_conflict_declaration_shows_what_was_typed_again(jan, jury):
    """Found by tests/web/test_form_fuzzing.py: the refusal showed an empty conflict form, the reason was lost."""
    token = csrf(jan.get(f"/jury/applications/{jury.gent_app.id}").get_data(as_text=True))
    response = jan.post(f"/jury/applications/{jury.gent_app.id}/conflict",
                        {"csrf_token": token, "kind": "bogus", "reason": "Mijn schoonzus <leidt> het project."})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mijn schoonzus &lt;leidt&gt; het project.</textarea>" in html
    assert '<details class="own-conflict no-print" open>' in html  # the form with the message is not folded away
