"""Publication: one audited step publishes every draft decision of a call. Before it nothing reaches the
applicants (their pages, the API, the mail outbox); after it they see decision and motivation, get the
mail of their outcome through real SMTP, and the projects of the awards start."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.accounts.models import MailMessage
from grants.applications.states import ApplicationStatus
from grants.audit.models import AuditEvent
from grants.awards.models import Decision, DecisionOutcome, Project
from grants.extensions import db

D = Decimal
MOTIVATIONS = {"awarded": "Sterk en haalbaar plan MOTIVERING-A.", "rejected": "Te weinig bereik MOTIVERING-B.",
               "waitlisted": "Goed, maar het budget is op MOTIVERING-C."}


@pytest.fixture
def setting(factory, logged_in):
    """A call with three admissible applications of three organisations, each with an applicant user,
    and an admin who decided: award 30.000 to the first, reject the second, waitlist the third."""
    call = factory.call(report_months=[6])
    orgs, apps, users = [], [], []
    for n in range(3):
        org = factory.organisation(contact_email=f"info{n}@org.demo")
        user = factory.user(organisations=[org], email=f"aanvrager{n}@org.demo")
        apps.append(factory.application(call, org, status=ApplicationStatus.ADMISSIBLE, user=user,
                                        contact_email=f"contact{n}@org.demo"))
        orgs.append(org)
        users.append(user)
    db.session.commit()
    admin, _admin_user = logged_in("admin")
    for app, outcome in zip(apps, ("awarded", "rejected", "waitlisted")):
        response = admin.post(f"/admin/applications/{app.id}/decision",
                              {"outcome": outcome, "amount": "30000" if outcome == "awarded" else "",
                               "motivation": MOTIVATIONS[outcome]},
                              token_from=f"/admin/applications/{app.id}/decision")
        assert response.status_code == 302, response.get_data(as_text=True)
    admin.logout()
    return {"call": call, "apps": apps, "users": users}


def _login(browser, factory, user):
    browser.logout()
    assert browser.login(user.email, factory.PASSWORD).status_code == 302


def _publish(browser, factory, call):
    browser.logout()
    admin = factory.user(role="admin")
    db.session.commit()
    browser.login(admin.email, factory.PASSWORD)
    url = f"/admin/calls/{call.id}/awards"
    return browser.post(f"{url}/publish", {}, token_from=url)


def _applicant_pages(browser, app) -> str:
    pages = [browser.get("/"), browser.get(f"/applications/{app.id}"), browser.get(f"/applications/{app.id}/print")]
    return "".join(p.get_data(as_text=True) for p in pages)


def test_nothing_reaches_applicants_before_publication(setting, browser, factory, smtp_server, token):
    call, apps, users = setting["call"], setting["apps"], setting["users"]
    for app, user in zip(apps, users):
        _login(browser, factory, user)
        html = _applicant_pages(browser, app)
        for motivation in MOTIVATIONS.values():
            assert motivation not in html
        assert "Beslissing van het agentschap" not in html
        assert browser.get(f"/applications/{app.id}/award-letter").status_code == 404
        assert browser.get(f"/applications/{app.id}/award-letter.pdf").status_code == 404
    for suffix in ("", ".csv", ".json"):
        assert browser.get(f"/calls/{call.id}/awards{suffix}").status_code == 404
    # the API is the agency's: an applicant's own token does not open it, and the admin API shows the
    # application still as admissible (a draft decision changes no status)
    from grants.accounts.operations import create_api_token
    applicant_token = create_api_token(users[0])
    db.session.commit()
    assert browser.get(f"/api/v1/calls/{call.id}/applications",
                       headers={"Authorization": f"Bearer {applicant_token}"}).status_code in (401, 403)
    listing = browser.get(f"/api/v1/calls/{call.id}/applications",
                          headers={"Authorization": f"Bearer {token}"}).get_json()
    assert {item["status"] for item in listing["items"]} == {"admissible"}
    # no mail was queued or sent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_publication_shows_decisions_mails_everyone_and_starts_the_projects(setting, browser, factory,
                                                                            smtp_server):
    call, apps, users = setting["call"], setting["apps"], setting["users"]
    response = _publish(browser, factory, call)
    assert response.status_code == 302, response.get_data(as_text=True)

    statuses = [db.session.get(type(a), a.id).status for a in apps]
    assert statuses == [ApplicationStatus.AWARDED, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED]
    decisions = db.session.scalars(sa.select(Decision)).all()
    assert all(d.published_at is not None for d in decisions)
    project = db.session.scalar(sa.select(Project).where(Project.application_id == apps[0].id))
    assert project is not None and project.awarded_amount == D("30000.00")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 1
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "award.publish"))
    assert event.changes["total_awarded"] == [None, "30000.00"]

    # three addresses per application: the submitter, the organisation, the contact person
    mails = smtp_server.wait_for(9)
    assert len(mails) == 9
    by_address = {m["to"][0]: m for m in mails}
    assert by_address["aanvrager0@org.demo"]["subject"] == f"Uw aanvraag {apps[0].dossier_number} is toegekend"
    assert "30.000,00 EUR" in by_address["contact0@org.demo"]["body"]
    assert MOTIVATIONS["awarded"] in by_address["info0@org.demo"]["body"]
    assert f"/applications/{apps[0].id}/award-letter" in by_address["info0@org.demo"]["body"]
    assert MOTIVATIONS["rejected"] in by_address["aanvrager1@org.demo"]["body"]
    assert "reservelijst" in by_address["aanvrager2@org.demo"]["subject"]

    for app, user, outcome in zip(apps, users, ("awarded", "rejected", "waitlisted")):
        _login(browser, factory, user)
        html = _applicant_pages(browser, app)
        assert MOTIVATIONS[outcome] in html
        others = [m for o, m in MOTIVATIONS.items() if o != outcome]
        assert not any(m in html for m in others)
    _login(browser, factory, users[0])
    assert browser.get(f"/applications/{apps[0].id}/award-letter").status_code == 200
    _login(browser, factory, users[1])
    assert browser.get(f"/applications/{apps[1].id}/award-letter").status_code == 404


def test_decisions_are_fixed_after_publication(setting, browser, factory):
    call, apps = setting["call"], setting["apps"]
    assert _publish(browser, factory, call).status_code == 302
    url = f"/admin/applications/{apps[1].id}/decision"
    response = browser.post(url, {"outcome": "awarded", "amount": "1000", "motivation": "Toch."}, token_from=url)
    assert response.status_code == 400
    assert "liggen vast" in response.get_data(as_text=True)
    url = f"/admin/calls/{call.id}/awards"
    assert browser.post(f"{url}/publish", {}, token_from=url).status_code == 409


def test_publication_waits_for_an_award_that_fails_a_check(setting, browser, factory, smtp_server):
    call, apps = setting["call"], setting["apps"]
    call = db.session.get(type(call), call.id)
    call.envelope = D("20000.00")  # the 30.000 award no longer fits
    db.session.commit()
    response = _publish(browser, factory, call)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "10.000,00 EUR meer dan het budget" in html
    assert db.session.get(type(call), call.id).awards_published_at is None
    assert all(d.published_at is None for d in db.session.scalars(sa.select(Decision)))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0


def test_the_call_can_have_its_own_mail_per_outcome(setting, browser, factory, smtp_server):
    call, apps = setting["call"], setting["apps"]
    browser.logout()
    admin = factory.user(role="admin")
    db.session.commit()
    browser.login(admin.email, factory.PASSWORD)
    url = f"/admin/calls/{call.id}/awards/mail/rejected"
    response = browser.post(url, {"subject": "Helaas {{ dossier_number }}", "body": "{{ onbekend }}"}, token_from=url)
    assert response.status_code == 400
    assert "onbekende waarde" in response.get_data(as_text=True)
    response = browser.post(url, {"subject": "Helaas {{ dossier_number }}", "body": "{{ __class__ }}"},
                            token_from=url)
    assert response.status_code == 400
    response = browser.post(url, {"subject": "Helaas {{ dossier_number }}",
                                  "body": "Geachte {{ organisation }}, {{ motivation }}"}, token_from=url)
    assert response.status_code == 302
    overview = f"/admin/calls/{call.id}/awards"
    assert browser.post(f"{overview}/publish", {}, token_from=overview).status_code == 302
    mails = smtp_server.wait_for(9)
    rejected = [m for m in mails if m["to"][0] == "aanvrager1@org.demo"][0]
    assert rejected["subject"] == f"Helaas {apps[1].dossier_number}"
    assert rejected["body"].startswith(f"Geachte {apps[1].organisation.name}, {MOTIVATIONS['rejected']}")


def test_the_admin_sees_the_draft_on_the_application_page_and_the_call_links_the_awards(setting, browser, factory):
    call, apps = setting["call"], setting["apps"]
    admin = factory.user(role="admin")
    db.session.commit()
    browser.logout()
    browser.login(admin.email, factory.PASSWORD)
    html = browser.get(f"/applications/{apps[0].id}").get_data(as_text=True)
    assert "ontwerp, niet gepubliceerd" in html and MOTIVATIONS["awarded"] in html
    assert f"/admin/applications/{apps[0].id}/decision" in html
    assert f"/admin/calls/{call.id}/awards" in browser.get(f"/admin/calls/{call.id}").get_data(as_text=True)


def test_the_agency_default_mail_applies_to_calls_without_their_own(setting, browser, factory, smtp_server):
    call, apps = setting["call"], setting["apps"]
    admin = factory.user(role="admin")
    db.session.commit()
    browser.logout()
    browser.login(admin.email, factory.PASSWORD)
    url = "/admin/awards/mail/waitlisted"
    assert browser.get(url).status_code == 200
    response = browser.post(url, {"subject": "Reservelijst {{ dossier_number }}",
                                  "body": "Standaard: {{ motivation }}"}, token_from=url)
    assert response.status_code == 302
    assert browser.get("/admin/awards/mail/granted").status_code == 404
    overview = f"/admin/calls/{call.id}/awards"
    assert browser.post(f"{overview}/publish", {}, token_from=overview).status_code == 302
    mail = [m for m in smtp_server.wait_for(9) if m["to"][0] == "aanvrager2@org.demo"][0]
    assert mail["subject"] == f"Reservelijst {apps[2].dossier_number}"
    assert mail["body"].startswith(f"Standaard: {MOTIVATIONS['waitlisted']}")


def test_publication_marks_the_call_decided_once_every_application_is_decided(setting, browser, factory):
    from grants.calls.states import CallStatus
    call = setting["call"]
    call.status = CallStatus.UNDER_REVIEW
    db.session.commit()
    assert _publish(browser, factory, call).status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.DECIDED
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "calls", AuditEvent.object_id == call.id).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["award.publish", "call.decide"]


def test_publication_leaves_the_call_under_review_while_an_application_waits(setting, browser, factory):
    from grants.calls.states import CallStatus
    call = setting["call"]
    call.status = CallStatus.UNDER_REVIEW
    org = factory.organisation()
    factory.application(call, org, status=ApplicationStatus.ADMISSIBLE)  # no decision yet
    db.session.commit()
    assert _publish(browser, factory, call).status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.UNDER_REVIEW
