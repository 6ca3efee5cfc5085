"""Conflicts of interest enforced everywhere: every route of an application and of the jury, read
from the URL map, answers a conflicted juror with a 404, also when the conflict arises after the
assignment (a membership, a partnership, an admin, the juror's own declaration). And the jury's
predicates agree with their SQL twins on a generated population."""
from __future__ import annotations

import itertools
import os
import re

import pytest
import sqlalchemy as sa

from grants.accounts.models import User
from grants.applications import access as app_access
from grants.applications.models import Application, Attachment, AttachmentKind
from grants.calls.models import Call
from grants.extensions import db
from grants.jury import access
from grants.jury.models import Assignment
from grants.organisations.models import PartnershipMember

from tests.support.jury import browser_for, jury, text  # noqa: F401  (jury is a fixture)

HOWS = ["membership", "partnership", "admin", "declared"]


def _app_rules() -> list[tuple[str, str]]:
    """(rule, method) of every route that takes an application id, read from a fresh app's URL map."""
    from grants import create_app
    rules = []
    for rule in create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map.iter_rules():
        if "<int:application_id>" in rule.rule and not rule.rule.startswith("/api/"):
            rules += [(rule.rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return rules


APPLICATION_RULES = _app_rules()
JURY_RULES = sorted({(rule, method) for rule, method in APPLICATION_RULES if rule.startswith("/jury/")})


def test_the_url_map_has_the_application_and_jury_routes():
    paths = {rule for rule, _m in APPLICATION_RULES}
    assert {"/applications/<int:application_id>", "/applications/<int:application_id>/print",
            "/applications/<int:application_id>/attachments/<int:attachment_id>",
            "/jury/applications/<int:application_id>", "/jury/applications/<int:application_id>/sheets",
            "/jury/applications/<int:application_id>/advice"} <= paths
    assert len(APPLICATION_RULES) > 20


@pytest.fixture
def reading(app, jury, factory):
    """Jan reads aalst_app (a partnership with Melle): he has submitted his sheet; it has an attachment."""
    stored = "c" * 32
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    with open(os.path.join(app.config["UPLOAD_DIR"], stored), "wb") as handle:
        handle.write(b"%PDF-1.4\n%%EOF\n")
    attachment = Attachment(application_id=jury.aalst_app.id, kind=AttachmentKind.GENERAL, original_name="plan.pdf",
                            stored_name=stored, content_type="application/pdf", size=15, sha256="0" * 64)
    db.session.add(attachment)
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == jury.aalst_app.id,
                                                               Assignment.juror_id == jury.jan.id))
    factory.sheet(assignment, {jury.relevance: 7, jury.feasibility: 7})
    db.session.commit()
    return attachment


def _url(rule: str, jury, attachment) -> str:
    values = {"application_id": jury.aalst_app.id, "attachment_id": attachment.id, "organisation_id": jury.melle.id,
              "call_id": jury.call.id, "user_id": jury.jan.id, "section": "summary"}
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def _make_conflicted(how: str, jury, factory) -> None:
    """Jan is assigned to Aalst's application and has scored it; now he becomes conflicted."""
    jan = db.session.get(User, jury.jan.id)
    if how == "membership":  # he joins the lead organisation (another part of the application does this)
        jan.organisations = [*jan.organisations, db.session.get(type(jury.aalst), jury.aalst.id)]
    elif how == "partnership":  # he is a member of Gent, and Gent joins Aalst's partnership
        jan.organisations = [db.session.get(type(jury.gent), jury.gent.id)]
        db.session.flush()
        db.session.add(PartnershipMember(partnership_id=jury.partnership.id, call_id=jury.call.id,
                                         organisation_id=jury.gent.id))
    elif how == "admin":
        factory.conflict(jury.aalst_app, jan, source="admin", kind="administrative", reason="Bestuurslid.")
    else:
        factory.conflict(jury.aalst_app, jan, source="declared", kind="personal", reason="Mijn zus.")
    db.session.commit()


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("rule, method", APPLICATION_RULES, ids=[f"{m} {r}" for r, m in APPLICATION_RULES])
def test_a_juror_conflicted_after_assignment_gets_404_on_every_route_of_the_application(
        app, jury, factory, reading, rule, method, how):
    jan = browser_for(app, jury.jan)
    assert jan.get(f"/applications/{jury.aalst_app.id}").status_code == 200  # he could read it
    assert jan.get(f"/jury/applications/{jury.aalst_app.id}").status_code == 200
    _make_conflicted(how, jury, factory)
    app.config["WTF_CSRF_ENABLED"] = False  # the access check, not the form, must answer
    url = _url(rule, jury, reading)
    response = jan.client.open(url, method=method, data={"action": "save", "version": "1"})
    expected = 403 if url.startswith("/admin/") else 404  # the agency's pages: refused by role, whatever the id
    assert response.status_code == expected, (method, url, response.status_code)
    if expected == 404:
        assert "Aalst in dialoog" not in text(response)


@pytest.mark.parametrize("how", HOWS)
def test_the_conflicted_juror_loses_the_assignment_from_home_and_drops_out_of_the_aggregates(
        app, jury, factory, reading, how):
    from grants.jury.queries import call_ranking
    other = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == jury.aalst_app.id,
                                                          Assignment.juror_id == jury.fatima.id))
    factory.sheet(other, {jury.relevance: 3, jury.feasibility: 3})
    db.session.commit()
    assert call_ranking(jury.call).ranking.row_for(jury.aalst_app.id).count == 2
    _make_conflicted(how, jury, factory)
    db.session.expire_all()
    row = call_ranking(jury.call).ranking.row_for(jury.aalst_app.id)
    assert (row.count, row.weighted_total) == (1, 30)
    assert "Aalst in dialoog" not in text(browser_for(app, jury.jan).get("/"))


def test_the_chair_sees_no_ranking_row_and_gives_no_advice_where_conflicted(app, jury, factory, reading):
    _make_conflicted("declared", jury, factory)
    jan = browser_for(app, jury.jan)  # the chair
    page = text(jan.get(f"/jury/calls/{jury.call.id}/ranking"))
    assert "Gent verbindt" in page and "Aalst in dialoog" not in page and f"row-{jury.aalst_app.id}" not in page
    assert jan.get(f"/jury/applications/{jury.aalst_app.id}/advice").status_code == 404
    assert jan.get(f"/jury/applications/{jury.gent_app.id}/advice").status_code == 200
    admin = browser_for(app, jury.admin)
    assert "Aalst in dialoog" in text(admin.get(f"/jury/calls/{jury.call.id}/ranking"))


def test_an_override_with_a_reason_gives_access_back_and_is_audited(app, jury, factory, reading):
    _make_conflicted("membership", jury, factory)
    jan = browser_for(app, jury.jan)
    assert jan.get(f"/applications/{jury.aalst_app.id}").status_code == 404
    admin = browser_for(app, jury.admin)
    url = f"/admin/calls/{jury.call.id}/jury/conflicts/{jury.aalst_app.id}/{jury.jan.id}/override"
    refused = admin.post(url, {"reason": ""}, token_from=f"/admin/calls/{jury.call.id}/jury/conflicts")
    assert refused.status_code == 400 and "Dit veld is verplicht." in text(refused)
    assert jan.get(f"/applications/{jury.aalst_app.id}").status_code == 404
    done = admin.post(url, {"reason": "Lid van de vereniging, niet betrokken bij het project."},
                      token_from=f"/admin/calls/{jury.call.id}/jury/conflicts")
    assert done.status_code == 302
    assert jan.get(f"/applications/{jury.aalst_app.id}").status_code == 200
    from grants.audit.models import AuditEvent
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "jury.conflict_override"))
    assert event.reason == "Lid van de vereniging, niet betrokken bij het project." and event.actor_id == jury.admin.id


# --------------------------------------------------------------------------- other roles on the jury's routes


@pytest.mark.parametrize("who", ["applicant", "outsider"])
@pytest.mark.parametrize("rule, method", JURY_RULES + [("/jury/calls/<int:call_id>/declaration", "GET"),
                                                       ("/jury/calls/<int:call_id>/declaration", "POST"),
                                                       ("/jury/calls/<int:call_id>/ranking", "GET")])
def test_the_jurys_pages_are_nothing_to_those_outside_it(app, jury, factory, reading, who, rule, method):
    user = jury.applicant if who == "applicant" else factory.user(role="juror", name="Buiten de jury")
    db.session.commit()
    browser = browser_for(app, user)
    app.config["WTF_CSRF_ENABLED"] = False
    response = browser.client.open(_url(rule, jury, reading), method=method, data={"action": "save"})
    assert response.status_code in (403, 404), (who, method, rule, response.status_code)
    assert "Aalst in dialoog" not in text(response)


# --------------------------------------------------------------------------- predicates and their twins


@pytest.fixture
def population(app, jury, factory):
    """Many combinations: declared or not, assigned or not, conflicts of every source, overrides,
    submitted sheets, a call that lets jurors see each other's sheets and one that does not."""
    jury.call.jurors_see_other_scores = True
    second = factory.call(title="Tweede oproep", jurors_see_other_scores=False)
    second_app = factory.submission(second, jury.vzw, title="Tweede aanvraag")
    factory.application(jury.call, factory.organisation("Zele", refnis="42028"), title="Ontwerp")  # a draft
    overridden = factory.user(role="juror", name="Opgeheven", organisations=[jury.aalst])
    undeclared = factory.user(role="juror", name="Niet verklaard")
    # A member of a partner organisation (Melle, in Aalst's partnership) on an application without partnership.
    partner_member = factory.user(role="juror", name="Lid van een partner", organisations=[jury.melle])
    chair2 = factory.user(role="juror", name="Voorzitter 2")
    factory.jury(second, [jury.fatima, chair2], chair=chair2)
    jury.panel.members.append(overridden)
    jury.panel.members.append(undeclared)
    jury.panel.members.append(partner_member)
    factory.assignment(jury.gent_app, partner_member)
    factory.assignment(jury.aalst_app, partner_member)
    factory.assignment(jury.aalst_app, overridden)
    factory.conflict(jury.aalst_app, overridden, source="automatic", kind="own_organisation", overridden=True)
    factory.assignment(jury.other_app, undeclared, declared=False)
    factory.assignment(second_app, jury.fatima)
    factory.assignment(second_app, chair2)
    factory.conflict(jury.other_app, jury.fatima, source="admin", kind="professional")
    factory.conflict(jury.gent_app, jury.jan, source="declared", overridden=True)
    for application, juror in ((jury.gent_app, jury.jan), (jury.aalst_app, jury.fatima), (second_app, chair2)):
        assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == application.id,
                                                                   Assignment.juror_id == juror.id))
        factory.sheet(assignment, {c: 5 for c in application.call.criteria})
    db.session.commit()
    users = list(db.session.scalars(sa.select(User)))
    apps = list(db.session.scalars(sa.select(Application)))
    calls = list(db.session.scalars(sa.select(Call)))
    return users, apps, calls


PAIRS = {**{f"applications.{k}": v for k, v in app_access.PREDICATES.items()},
         **{f"jury.{k}": v for k, v in access.PREDICATES.items()}}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_each_application_predicate_selects_what_its_twin_selects(population, name):
    predicate, twin = PAIRS[name]
    users, apps, _calls = population
    for user in users:
        selected = set(db.session.scalars(sa.select(Application.id).where(twin(user))))
        allowed = {a.id for a in apps if predicate(user, a)}
        assert selected == allowed, (name, user.name)


@pytest.mark.parametrize("name", sorted(access.CALL_PREDICATES))
def test_each_call_predicate_selects_what_its_twin_selects(population, name):
    predicate, twin = access.CALL_PREDICATES[name]
    users, _apps, calls = population
    for user in users:
        selected = set(db.session.scalars(sa.select(Call.id).where(twin(user))))
        assert selected == {c.id for c in calls if predicate(user, c)}, (name, user.name)


# The partners' invitation predicates are covered by tests/web/test_access_predicates.py's population.
INVITATIONS = {"applications.answer", "applications.leave"}


def test_the_population_covers_every_answer(population):
    users, apps, _calls = population
    answers = {name: {predicate(u, a) for u, a in itertools.product(users, apps)}
               for name, (predicate, _twin) in PAIRS.items() if name not in INVITATIONS}
    assert all(found == {True, False} for found in answers.values()), answers
