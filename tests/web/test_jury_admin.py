"""The agency runs the jury: set-up, jurors (picked or invited), conflicts, assignment (previewed,
balanced, conflicts respected), the dashboard and reminders through a real SMTP server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.accounts.models import Role, User
from grants.applications.models import Application
from grants.audit.models import AuditEvent
from grants.calls.models import Call
from grants.extensions import db
from grants.jury import operations
from grants.jury.models import Assignment, ConflictOfInterest, ConflictSource, JuryReminder, Panel

from tests.support.jury import browser_for, csrf, hidden, jury, text  # noqa: F401  (jury is a fixture)


@pytest.fixture
def admin(app, jury):
    return browser_for(app, jury.admin)


def _setup_form(admin, call_id) -> dict:
    html = admin.get(f"/admin/calls/{call_id}/jury").get_data(as_text=True)
    return {"csrf_token": csrf(html), "version": hidden(html, "version")}


def _assignments(call_id) -> set[tuple[int, int]]:
    db.session.expire_all()
    return set(db.session.execute(sa.select(Assignment.application_id, Assignment.juror_id).join(
        Application, Application.id == Assignment.application_id).where(Application.call_id == call_id)).all())


# --------------------------------------------------------------------------- set-up


def test_settings_are_saved_in_brussels_time_and_audited_on_the_panel_and_the_call(admin, jury):
    form = _setup_form(admin, jury.call.id)
    response = admin.post(f"/admin/calls/{jury.call.id}/jury", {
        **form, "chair_id": str(jury.fatima.id), "deadline_date": "31-03-2027", "deadline_time": "17:00",
        "quality_threshold": "62,5", "jurors_per_application": "3", "jurors_see_other_scores": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    panel = db.session.get(Panel, jury.panel.id)
    call = db.session.get(Call, jury.call.id)
    assert panel.chair_id == jury.fatima.id and panel.quality_threshold == D("62.50")
    assert panel.scoring_deadline == datetime(2027, 3, 31, 15, 0, tzinfo=timezone.utc)  # CEST
    assert (call.jurors_per_application, call.jurors_see_other_scores) == (3, True)
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"jury.settings", "call.jury_settings"} <= actions
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "call.jury_settings"))
    assert event.changes == {"jurors_per_application": [2, 3], "jurors_see_other_scores": [False, True]}
    page = text(admin.get(f"/admin/calls/{jury.call.id}/jury"))
    assert 'value="17:00"' in page and 'value="62,5"' in page


@pytest.mark.parametrize("fields, message", [
    ({"quality_threshold": "101"}, "Het getal mag hoogstens 100 zijn."),
    ({"quality_threshold": "abc"}, "Geef een getal, bijvoorbeeld 12,5."),
    ({"jurors_per_application": "0"}, "Geef een geheel getal van 1 tot en met 20."),
    ({"jurors_per_application": ""}, "Dit veld is verplicht."),
    ({"deadline_time": "25:00"}, "Geef een uur als uu:mm, bijvoorbeeld 17:00."),
    ({"deadline_date": "", "deadline_time": "17:00"}, "Geef ook de datum van de deadline."),
    ({"deadline_date": "28-03-2027", "deadline_time": "02:30"}, "Dit tijdstip bestaat niet in Brussel"),
    ({"chair_id": "999999"}, "Kies een jurylid van deze oproep."),
])
def test_bad_settings_get_a_dutch_message(admin, jury, fields, message):
    form = _setup_form(admin, jury.call.id)
    data = {**form, "chair_id": "", "deadline_date": "31-03-2027", "deadline_time": "17:00",
            "quality_threshold": "", "jurors_per_application": "2", **fields}
    response = admin.post(f"/admin/calls/{jury.call.id}/jury", data)
    assert response.status_code == 400 and message in text(response)


def test_a_stale_settings_form_is_refused(admin, jury):
    form = _setup_form(admin, jury.call.id)
    values = {"chair_id": "", "deadline_date": "", "deadline_time": "", "quality_threshold": "50",
              "jurors_per_application": "2"}
    assert admin.post(f"/admin/calls/{jury.call.id}/jury", {**form, **values}).status_code == 302
    response = admin.post(f"/admin/calls/{jury.call.id}/jury", {**form, **values, "quality_threshold": "70"})
    assert response.status_code == 409 and "Er is niets overschreven" in text(response)
    db.session.expire_all()
    assert db.session.get(Panel, jury.panel.id).quality_threshold == D("50.00")


def test_jurors_are_picked_from_users_with_the_juror_role_or_invited_by_mail(app, admin, jury, factory, smtp_server):
    newcomer = factory.user(role="juror", name="Nieuw Jurylid")
    applicant = factory.user(role="applicant", email="aanvrager@example.be")
    db.session.commit()
    page = text(admin.get(f"/admin/calls/{jury.call.id}/jury"))
    assert "Nieuw Jurylid" in page and "aanvrager@example.be" not in page  # only jurors are offered
    token = csrf(admin.get(f"/admin/calls/{jury.call.id}/jury").get_data(as_text=True))
    assert admin.post(f"/admin/calls/{jury.call.id}/jury/jurors", {"csrf_token": token,
                                                                  "user_id": str(newcomer.id)}).status_code == 302
    refused = admin.post(f"/admin/calls/{jury.call.id}/jury/jurors", {"csrf_token": token,
                                                                     "user_id": str(applicant.id)})
    assert refused.status_code == 400 and "Kies een jurylid uit de lijst." in text(refused)
    invited = admin.post(f"/admin/calls/{jury.call.id}/jury/invite", {"csrf_token": token,
                                                                     "email": "Externe.Expert@Voorbeeld.be",
                                                                     "name": "Externe Expert"})
    assert invited.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "externe.expert@voorbeeld.be"))
    assert user.role == Role.JUROR and user.password_hash is None
    mails = smtp_server.wait_for(1)
    assert mails[0]["to"] == ["externe.expert@voorbeeld.be"] and "/password/reset/" in mails[0]["body"]
    other_role = admin.post(f"/admin/calls/{jury.call.id}/jury/invite", {"csrf_token": token,
                                                                        "email": "aanvrager@example.be"})
    assert other_role.status_code == 400 and "heeft al een account met een andere rol" in text(other_role)
    db.session.expire_all()
    assert {m.email for m in db.session.get(Panel, jury.panel.id).members} >= {newcomer.email, user.email}


def test_a_juror_with_a_started_sheet_stays_on_the_panel(admin, jury, factory):
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.juror_id == jury.fatima.id))
    factory.sheet(assignment, {jury.relevance: 5}, submitted=False)
    db.session.commit()
    token = csrf(admin.get(f"/admin/calls/{jury.call.id}/jury").get_data(as_text=True))
    refused = admin.post(f"/admin/calls/{jury.call.id}/jury/jurors/{jury.fatima.id}/remove", {"csrf_token": token})
    assert refused.status_code == 400 and "1 beoordeling begonnen" in text(refused)
    removed = admin.post(f"/admin/calls/{jury.call.id}/jury/jurors/{jury.pieter.id}/remove", {"csrf_token": token})
    assert removed.status_code == 302
    db.session.expire_all()
    assert jury.pieter.id not in db.session.get(Panel, jury.panel.id).member_ids


# --------------------------------------------------------------------------- conflicts


def test_the_conflicts_page_lists_automatic_declared_and_admin_conflicts(admin, jury, factory):
    factory.conflict(jury.other_app, jury.fatima, source="declared", kind="personal", reason="Mijn buurvrouw.")
    db.session.commit()
    page = text(admin.get(f"/admin/calls/{jury.call.id}/jury/conflicts"))
    assert "Lid van Gent, de indiener." in page and "Pieter (Gent)" in page
    assert "automatisch (lidmaatschap)" in page and "gemeld door het jurylid" in page and "Mijn buurvrouw." in page


def test_an_admin_sets_a_conflict_and_the_unstarted_assignment_goes(admin, jury):
    token = csrf(admin.get(f"/admin/calls/{jury.call.id}/jury/conflicts").get_data(as_text=True))
    response = admin.post(f"/admin/calls/{jury.call.id}/jury/conflicts", {
        "csrf_token": token, "juror_id": str(jury.fatima.id), "application_id": str(jury.gent_app.id),
        "kind": "administrative", "reason": "Zit in de raad van bestuur."})
    assert response.status_code == 302
    assert (jury.gent_app.id, jury.fatima.id) not in _assignments(jury.call.id)
    conflict = db.session.scalar(sa.select(ConflictOfInterest))
    assert (conflict.source, conflict.created_by_id) == (ConflictSource.ADMIN, jury.admin.id)
    missing = admin.post(f"/admin/calls/{jury.call.id}/jury/conflicts", {
        "csrf_token": token, "juror_id": str(jury.fatima.id), "application_id": str(jury.aalst_app.id),
        "kind": "", "reason": ""})
    assert missing.status_code == 400 and "Kies het soort belangenconflict." in text(missing)


# --------------------------------------------------------------------------- assignment


def test_the_automatic_assignment_is_previewed_first_and_respects_conflicts(admin, jury):
    before = _assignments(jury.call.id)
    preview = admin.get(f"/admin/calls/{jury.call.id}/jury/assignments?n=3")
    assert preview.status_code == 200 and _assignments(jury.call.id) == before  # a preview changes nothing
    page = text(preview)
    # Gent's application cannot get 3: Pieter is a member of Gent.
    assert "Slechts 2 juryleden zonder belangenconflict beschikbaar; 3 gevraagd." in page
    fingerprint = hidden(preview.get_data(as_text=True), "fingerprint")
    response = admin.post(f"/admin/calls/{jury.call.id}/jury/assignments/auto",
                          {"n": "3", "fingerprint": fingerprint},
                          token_from=f"/admin/calls/{jury.call.id}/jury/assignments")
    assert response.status_code == 302
    after = _assignments(jury.call.id)
    assert (jury.gent_app.id, jury.pieter.id) not in after
    assert {(a, j) for a, j in after if a == jury.aalst_app.id} == {
        (jury.aalst_app.id, j.id) for j in (jury.jan, jury.fatima, jury.pieter)}
    assert before <= after
    loads = {j: sum(1 for _a, k in after if k == j) for j in (jury.jan.id, jury.fatima.id, jury.pieter.id)}
    assert max(loads.values()) - min(loads.values()) <= 1


def test_a_plan_that_changed_since_the_preview_is_not_saved(admin, jury, factory):
    preview = admin.get(f"/admin/calls/{jury.call.id}/jury/assignments?n=3")
    fingerprint = hidden(preview.get_data(as_text=True), "fingerprint")
    factory.conflict(jury.other_app, jury.pieter, source="declared")  # meanwhile: a new conflict
    db.session.commit()
    before = _assignments(jury.call.id)
    response = admin.post(f"/admin/calls/{jury.call.id}/jury/assignments/auto",
                          {"n": "3", "fingerprint": fingerprint},
                          token_from=f"/admin/calls/{jury.call.id}/jury/assignments")
    assert response.status_code == 409 and "veranderden sinds het voorbeeld" in text(response)
    assert _assignments(jury.call.id) == before


@pytest.mark.parametrize("query", ["n=0", "n=abc", "n=21", "n=1e3"])
def test_a_bad_number_of_jurors_is_a_400(admin, jury, query):
    response = admin.get(f"/admin/calls/{jury.call.id}/jury/assignments?{query}")
    assert response.status_code == 400 and "moet een geheel getal van 1 tot en met 20 zijn" in text(response)


def test_manual_assignment_refuses_a_conflicted_juror_and_keeps_started_sheets(admin, jury, factory):
    url = f"/admin/calls/{jury.call.id}/jury/assignments"
    refused = admin.post(f"{url}/add", {"application_id": str(jury.gent_app.id), "juror_id": str(jury.pieter.id)},
                         token_from=url)
    assert refused.status_code == 400 and "heeft een belangenconflict met deze aanvraag" in text(refused)
    added = admin.post(f"{url}/add", {"application_id": str(jury.other_app.id), "juror_id": str(jury.pieter.id)},
                       token_from=url)
    assert added.status_code == 302 and (jury.other_app.id, jury.pieter.id) in _assignments(jury.call.id)
    twice = admin.post(f"{url}/add", {"application_id": str(jury.other_app.id), "juror_id": str(jury.pieter.id)},
                       token_from=url)
    assert twice.status_code == 400 and "is al toegewezen" in text(twice)
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.juror_id == jury.jan.id,
                                                               Assignment.application_id == jury.gent_app.id))
    factory.sheet(assignment, {jury.relevance: 4}, submitted=False)
    db.session.commit()
    kept = admin.post(f"{url}/remove", {"application_id": str(jury.gent_app.id), "juror_id": str(jury.jan.id)},
                      token_from=url)
    assert kept.status_code == 400 and "heeft de beoordeling al begonnen" in text(kept)
    gone = admin.post(f"{url}/remove", {"application_id": str(jury.other_app.id), "juror_id": str(jury.pieter.id)},
                      token_from=url)
    assert gone.status_code == 302 and (jury.other_app.id, jury.pieter.id) not in _assignments(jury.call.id)
    junk = admin.post(f"{url}/add", {"application_id": "x", "juror_id": "1"}, token_from=url)
    assert junk.status_code == 400


# --------------------------------------------------------------------------- dashboard and reminders


def test_the_dashboard_shows_progress_and_warns_about_missing_sheets(admin, jury, factory):
    for juror, submitted in ((jury.jan, True), (jury.fatima, False)):
        assignment = db.session.scalar(sa.select(Assignment).where(Assignment.juror_id == juror.id,
                                                                   Assignment.application_id == jury.gent_app.id))
        factory.sheet(assignment, {jury.relevance: 6, jury.feasibility: 6}, submitted=submitted)
    db.session.commit()
    page = text(admin.get(f"/admin/calls/{jury.call.id}/jury/dashboard"))
    assert "3 aanvragen hebben minder ingediende beoordelingen dan nodig" in page
    assert "Gent verbindt: 1 ingediend, 1 in ontwerp, 2 toegewezen" in page
    assert "Herinnering sturen aan juryleden met open beoordelingen" in page


def test_reminders_go_to_jurors_with_open_sheets_at_most_once_a_day(app, monkeypatch, admin, jury, factory,
                                                                  smtp_server):
    jury.panel.scoring_deadline = datetime(2027, 3, 31, 15, 0, tzinfo=timezone.utc)
    for application in (jury.gent_app, jury.aalst_app):  # Fatima is done; Jan has two open sheets
        assignment = db.session.scalar(sa.select(Assignment).where(Assignment.juror_id == jury.fatima.id,
                                                                   Assignment.application_id == application.id))
        factory.sheet(assignment, {jury.relevance: 6, jury.feasibility: 6})
    db.session.commit()
    morning = datetime(2027, 3, 29, 7, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(operations, "current_time", lambda: morning)
    url = f"/admin/calls/{jury.call.id}/jury"
    response = admin.post(f"{url}/reminders", {}, token_from=f"{url}/dashboard")
    assert response.status_code == 302
    mails = smtp_server.wait_for(1)
    assert [m["to"] for m in mails] == [["jan@jury.example.be"]]
    assert mails[0]["subject"] == "Herinnering: 2 beoordelingen voor Tegengeluiden (test)"
    body = mails[0]["body"].replace("\r\n", "\n")
    assert "Voor de oproep \"Tegengeluiden (test)\" staan nog 2 beoordelingen open." in body
    assert "De deadline is 31-03-2027 om 17:00 (Brusselse tijd), nog 2 dagen en 8 uur." in body
    assert body.startswith("Beste Jan Jurylid,\n\n") and body.rstrip().endswith("Plan Samenleven")
    assert "http://localhost/" in body
    # The same day (a later hour, another admin, the command line): no second mail.
    monkeypatch.setattr(operations, "current_time", lambda: morning + timedelta(hours=14))  # 23:00 Brussels
    again = admin.post(f"{url}/reminders", {}, token_from=f"{url}/dashboard")
    assert again.status_code == 302
    assert "Vandaag al herinnerd" in text(admin.get(f"{url}/dashboard"))
    result = app.test_cli_runner().invoke(args=["jury", "send-reminders", "--call", str(jury.call.id)])
    assert result.exit_code == 0 and "0 sent, 1 already reminded today" in result.output
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    # The next day in Brussels: one more.
    monkeypatch.setattr(operations, "current_time", lambda: morning + timedelta(hours=23))  # 08:00 next day
    assert admin.post(f"{url}/reminders", {}, token_from=f"{url}/dashboard").status_code == 302
    assert len(smtp_server.wait_for(2)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JuryReminder)) == 2


def test_no_reminders_after_the_deadline(monkeypatch, admin, jury):
    jury.panel.scoring_deadline = datetime(2027, 3, 31, 15, 0, tzinfo=timezone.utc)
    db.session.commit()
    monkeypatch.setattr(operations, "current_time", lambda: jury.panel.scoring_deadline)
    url = f"/admin/calls/{jury.call.id}/jury"
    response = admin.post(f"{url}/reminders", {}, token_from=f"{url}/dashboard")
    assert response.status_code == 400 and "De deadline is voorbij" in text(response)
