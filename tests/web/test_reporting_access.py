"""Only the project's own organisation, its partners (read only) and admins see its reports and payments:
a 404 for everyone else, jurors included, on every page of the follow-up (taken from the URL map, so a
new page is covered without being listed here)."""
from __future__ import annotations

import pytest

from grants.extensions import db
from tests.support.reporting import funded_project

ROLES = ["other_applicant", "juror", "juror_of_the_organisation", "owner", "partner", "admin"]


def _urls(app, ids: dict) -> list[tuple[str, str]]:
    """(method, url) of every rule of the reporting blueprint, filled in with the project's ids."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("reporting."):
            continue
        values = {}
        for name in rule.arguments:
            values[name] = ids.get(name, {"section": "progress", "action": "approve"}.get(name))
        if None in values.values():
            continue
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


@pytest.fixture
def world(factory, app):
    lead, partner, other = factory.organisation("Lead"), factory.organisation("Partner"), factory.organisation("X")
    project = funded_project(factory, organisation=lead, partners=(partner,))
    report = project.reports[-1]
    from grants.reporting.models import ReportAttachment
    report.attachments.append(ReportAttachment(original_name="a.pdf", stored_name="0" * 32, content_type="application/pdf",
                                               size=1, sha256="0" * 64))
    plan_ops = __import__("grants.reporting.operations", fromlist=["save_plan"])
    plan = plan_ops.save_plan(None, plan_ops.PlanData("Plan"), None)
    action = plan_ops.save_action(plan, None, plan_ops.ActionData("1.1", "Actie"), None)
    users = {
        "other_applicant": factory.user(organisations=[other]),
        "juror": factory.user(role="juror"),
        "juror_of_the_organisation": factory.user(role="juror", organisations=[lead]),
        "owner": factory.user(organisations=[lead]),
        "partner": factory.user(organisations=[partner]),
        "admin": factory.user(role="admin"),
    }
    db.session.commit()
    ids = {"project_id": project.id, "report_id": report.id, "attachment_id": report.attachments[0].id,
           "payment_id": project.payments[0].id, "call_id": project.application.call_id, "plan_id": plan.id,
           "action_id": action.id}
    return users, _urls(app, ids)


# Pages the project's own organisation and its partners may see (GET); everything else is the agency's.
SHARED = ("/projects/",)


@pytest.mark.parametrize("role", ROLES)
def test_every_follow_up_page_is_a_404_for_those_who_may_not_see_the_project(world, browser, factory, role):
    users, urls = world
    assert len(urls) >= 25  # the whole map, not a sample
    user = users[role]
    assert browser.login(user.email, factory.PASSWORD).status_code == 302
    token = browser.token("/")
    for method, url in urls:
        response = browser.client.get(url) if method == "GET" else browser.client.post(url, data={"csrf_token": token})
        shared = url.startswith(SHARED)
        if role in ("other_applicant", "juror", "juror_of_the_organisation"):
            assert response.status_code == 404, (role, method, url, response.status_code)
        elif role in ("owner", "partner"):
            if not shared:
                assert response.status_code == 404, (role, method, url, response.status_code)
            elif method == "GET":
                if url.endswith("/extend") or (role == "partner" and "/sections/" in url):
                    expected = {403}  # they see the project; extending it (or, for a partner, writing) is not theirs
                elif "/attachments/" in url:  # the row exists, its file not (this test stores none)
                    expected = {404}
                else:
                    expected = {200, 302}
                assert response.status_code in expected, (role, url, response.status_code)
            else:
                assert response.status_code != 500, (role, method, url)
                if role == "partner":  # reads only
                    assert response.status_code == 403, (role, method, url, response.status_code)
        else:
            assert response.status_code < 500, (role, method, url, response.status_code)


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    _users, urls = world
    for method, url in urls:
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code in (302, 400), (method, url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], url


def test_the_extension_page_and_reviews_are_the_agencys(world, browser, factory):
    users, urls = world
    browser.login(users["owner"].email, factory.PASSWORD)
    extend = next(url for method, url in urls if url.endswith("/extend") and method == "GET")
    assert browser.get(extend).status_code == 403  # the owner sees the project, not the agency's form
