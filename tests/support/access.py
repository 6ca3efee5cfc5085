"""The access data set: one world in which every page of the URL map is reachable for some role, and
the URL of every route in it.

Not a test module: tests/web/test_access_matrix.py (who gets what from each route) and
tests/web/test_form_fuzzing.py (every form of those pages, with random input) import from it. A test
module uses the fixture by importing it: `from tests.support.access import world  # noqa: F401`.
"""
from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest

from grants.extensions import db
from tests.conftest import Browser

ROLES = ("anon", "owner", "partner", "other", "juror", "conflicted", "unassigned", "admin")


def _store(app, name: str) -> None:
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    with open(os.path.join(app.config["UPLOAD_DIR"], name), "wb") as handle:
        handle.write(b"%PDF-1.4\n%%EOF\n")


@pytest.fixture
def world(app, factory):
    """Call R under review (jury: assigned, conflicted and unassigned juror) with application X of
    organisation A (confirmed partner B); call D decided with its awards published: application Y of A
    (partner B) awarded, its project started, a report with an attachment and a payment."""
    from grants.accounts.operations import create_api_token, make_reset_token
    from grants.applications.models import Attachment, AttachmentKind
    from grants.applications.states import ApplicationStatus
    from grants.calls.states import CallStatus
    from grants.reporting.models import PolicyAction, PolicyPlan, ReportAttachment
    from grants.timeutil import utcnow

    org_a, org_b, org_c = (factory.organisation(name) for name in ("Aalst", "Melle", "Gent"))
    users = {
        "owner": factory.user(organisations=[org_a]),
        "partner": factory.user(organisations=[org_b]),
        "other": factory.user(organisations=[org_c]),
        "juror": factory.user(role="juror"),
        "conflicted": factory.user(role="juror"),
        "unassigned": factory.user(role="juror"),
        "admin": factory.user(role="admin"),
    }
    spare = factory.user(organisations=[org_c])  # the admin's user pages edit this one
    call_r = factory.call(status=CallStatus.UNDER_REVIEW, title="Oproep in beoordeling")
    app_x = factory.submission(call_r, org_a, user=users["owner"])
    factory.partnership(app_x, org_b)
    factory.jury(call_r, [users["juror"], users["conflicted"], users["unassigned"]])
    factory.assignment(app_x, users["juror"])
    factory.assignment(app_x, users["conflicted"])
    factory.conflict(app_x, users["conflicted"])
    _store(app, "a" * 32)
    attachment = Attachment(application_id=app_x.id, kind=AttachmentKind.GENERAL, original_name="plan.pdf",
                            stored_name="a" * 32, content_type="application/pdf", size=15, sha256="0" * 64)
    db.session.add(attachment)

    now = utcnow()
    call_d = factory.call(status=CallStatus.DECIDED, title="Beslist", opens_at=now - timedelta(days=90),
                          closes_at=now - timedelta(days=60), awards_published_at=now)
    app_y = factory.application(call_d, org_a, status=ApplicationStatus.ADMISSIBLE, user=users["owner"])
    factory.partnership(app_y, org_b)
    factory.decision(app_y, published_at=now)
    project = factory.project(app_y)
    report = factory.report(project, kind=project.reports[0].kind.value)
    payment = factory.payment(project)
    _store(app, "b" * 32)
    report_attachment = ReportAttachment(report_id=report.id, original_name="verslag.pdf", stored_name="b" * 32,
                                         content_type="application/pdf", size=15, sha256="0" * 64)
    db.session.add(report_attachment)
    plan = PolicyPlan(title="Actieplan", description="")
    db.session.add(plan)
    db.session.flush()
    action = PolicyAction(plan_id=plan.id, number="1.1", title="Een actie")
    db.session.add(action)
    db.session.flush()
    token = create_api_token(users["admin"])
    reset = make_reset_token(users["other"])
    db.session.commit()

    values = {"call_id": call_r.id, "application_id": app_x.id, "attachment_id": attachment.id,
              "organisation_id": org_b.id, "user_id": users["conflicted"].id, "section": "summary",
              "project_id": project.id, "report_id": report.id, "payment_id": payment.id, "plan_id": plan.id,
              "action_id": action.id, "outcome": "awarded", "object_type": "applications",
              "object_id": app_x.id, "token": reset}
    # where a name means something else for a route
    overrides = {
        "awards.letter": {"application_id": app_y.id},
        "awards.letter_pdf": {"application_id": app_y.id},
        "awards.public_list": {"call_id": call_d.id},
        "awards.public_csv": {"call_id": call_d.id},
        "awards.public_json": {"call_id": call_d.id},
        "awards.overview": {"call_id": call_d.id},
        "exports.awards_csv": {"call_id": call_d.id},
        "exports.awards_text": {"call_id": call_d.id},
        "exports.awards_xlsx": {"call_id": call_d.id},
        "api.call_awards_list": {"call_id": call_d.id},
        "reporting.call_projects": {"call_id": call_d.id},
        "reporting.download_attachment": {"attachment_id": report_attachment.id},
        "reporting.delete_attachment": {"attachment_id": report_attachment.id},
        "reporting.edit_section": {"section": "progress"},
        "reporting.payment_action": {"action": "approve"},
        "calls.admin_change_status": {"action": "close"},
        "accounts.edit_user": {"user_id": spare.id},
        "accounts.reset_user_second_factor": {"user_id": spare.id},
        "applications.answer_invitation": {"organisation_id": org_b.id},
        "applications.remove_partner": {"organisation_id": org_b.id},
    }
    return {"users": users, "values": values, "overrides": overrides, "token": token}


# --- the URLs and the users -----------------------------------------------------------------------

def routes(app):
    """(endpoint, rule, methods) of every route but static, in URL order."""
    return sorted(((r.endpoint, r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in app.url_map.iter_rules()
                   if r.endpoint != "static"), key=lambda item: item[1])


def url_for_route(rule: str, endpoint: str, world) -> str:
    values = {**world["values"], **world["overrides"].get(endpoint, {})}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)



def logged_in_browser(app, world, role: str) -> tuple[Browser, str]:
    """A browser of its own, logged in as the role, with its CSRF token."""
    from tests.factories import Factory
    browser = Browser(app.test_client())
    if role == "anon":
        return browser, browser.token("/login")
    response = browser.login(world["users"][role].email, Factory.PASSWORD)
    assert response.status_code == 302, (role, response.get_data(as_text=True)[-1500:])
    return browser, browser.token("/account")


