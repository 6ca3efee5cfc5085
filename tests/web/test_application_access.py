"""Who sees an application: its organisation, its partners (read-only) and the agency; everyone else gets 404."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from grants.applications.models import Application, Attachment, AttachmentKind
from grants.applications.states import ApplicationStatus as S
from grants.extensions import db
from grants.organisations.models import Partnership, PartnershipMember

from tests.support.applications import complete_application, pdf_bytes

SECTIONS = ["summary", "problem", "objectives", "target_groups", "activities", "partners", "budget", "financing",
            "contact", "payout", "attachments"]


@pytest.fixture
def setting(app, factory):
    """Gent's application with Melle as partner and an attachment; Aalst is an unrelated organisation."""
    gent = factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")
    melle = factory.organisation("Merelbeke-Melle", refnis="44088")
    aalst = factory.organisation("Aalst", refnis="41002")
    call = factory.call()
    application = complete_application(call, gent)
    partnership = Partnership(call_id=call.id, name="Samenwerkingsverband Gent", lead_organisation_id=gent.id)
    partnership.members = [PartnershipMember(call_id=call.id, organisation_id=gent.id),
                           PartnershipMember(call_id=call.id, organisation_id=melle.id)]
    application.partnership = partnership
    stored = "a" * 32
    upload = app.config["UPLOAD_DIR"]
    os.makedirs(upload, exist_ok=True)
    with open(os.path.join(upload, stored), "wb") as handle:
        handle.write(pdf_bytes())
    attachment = Attachment(application=application, kind=AttachmentKind.GENERAL, original_name="plan.pdf",
                            stored_name=stored, content_type="application/pdf", size=len(pdf_bytes()),
                            sha256="0" * 64)
    db.session.add(attachment)
    db.session.commit()
    return {"gent": gent, "melle": melle, "aalst": aalst, "call": call, "app": application,
            "attachment": attachment}


def _get_urls(app_id: int, attachment_id: int) -> list[str]:
    base = f"/applications/{app_id}"
    return [base, f"{base}/print", f"{base}/receipt", f"{base}/withdraw", f"{base}/attachments/{attachment_id}",
            *(f"{base}/sections/{s}" for s in SECTIONS)]


def _post_urls(app_id: int, attachment_id: int, partner_id: int) -> list[tuple[str, dict]]:
    base = f"/applications/{app_id}"
    return [
        *((f"{base}/sections/{s}", {"title": "Overgenomen", "version": "1", "fingerprint": ""})
          for s in SECTIONS if s not in ("partners", "attachments")),
        (f"{base}/partners", {"code": "41002"}),
        (f"{base}/partners/{partner_id}/remove", {}),
        (f"{base}/attachments", {}),
        (f"{base}/attachments/{attachment_id}/delete", {}),
        (f"{base}/submit", {"confirm": "y", "version": "1"}),
        (f"{base}/withdraw", {"confirm": "y"}),
        (f"{base}/screening", {"outcome": "inadmissible", "reason": "x"}),
        (f"{base}/information-request", {"message": "x", "due_date": "01-01-2099"}),
        (f"{base}/advice", {"agency_advice": "x", "version": "1"}),
        (f"{base}/waiver", {"decision": "accepted"}),
    ]


def _unchanged(setting) -> None:
    db.session.expire_all()
    app = db.session.get(Application, setting["app"].id)
    assert app.status == S.DRAFT and app.title == "Samen tegen haat online" and app.agency_advice == ""
    assert len(app.attachments) == 1 and len(app.partnership.members) == 2


def test_an_applicant_of_another_organisation_gets_404_on_every_page_attachment_and_action(logged_in, setting):
    browser, _ = logged_in("applicant", organisations=[setting["aalst"]])
    app_id, att_id = setting["app"].id, setting["attachment"].id
    for url in _get_urls(app_id, att_id):
        assert browser.get(url).status_code == 404, url
    for url, data in _post_urls(app_id, att_id, setting["melle"].id):
        assert browser.post(url, data, token_from="/").status_code == 404, url
    _unchanged(setting)
    # Nor does it appear on their home page.
    assert "Samen tegen haat online" not in browser.get("/").get_data(as_text=True)


def test_a_nonexistent_application_is_the_same_404(logged_in, setting):
    browser, _ = logged_in("applicant", organisations=[setting["gent"]])
    assert browser.get("/applications/999999").status_code == 404
    assert browser.get(f"/applications/{setting['app'].id}/attachments/999999").status_code == 404


def test_jurors_see_nothing_of_it_for_now(logged_in, setting):
    # Even a juror who is a member of the applying organisation.
    browser, _ = logged_in("juror", organisations=[setting["gent"]])
    for url in _get_urls(setting["app"].id, setting["attachment"].id):
        assert browser.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, setting):
    response = client.get(f"/applications/{setting['app'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/applications/{setting['app'].id}/attachments/{setting['attachment'].id}").status_code == 302


def test_partners_see_it_read_only_and_nobody_else(logged_in, setting):
    browser, _ = logged_in("applicant", organisations=[setting["melle"]])
    app_id, att_id = setting["app"].id, setting["attachment"].id
    page = browser.get(f"/applications/{app_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Uw organisatie is partner in deze aanvraag" in html
    assert "Aanvraag indienen" not in html and "Wijzigen" not in html and "Aanvraag intrekken" not in html
    assert browser.get(f"/applications/{app_id}/print").status_code == 200
    download = browser.get(f"/applications/{app_id}/attachments/{att_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "uw organisatie is partner" in browser.get("/").get_data(as_text=True)
    # They may read, not act: every change is refused and nothing changes.
    for url, data in _post_urls(app_id, att_id, setting["melle"].id):
        assert browser.post(url, data, token_from="/").status_code == 403, url
    for section in ("summary", "budget", "payout"):
        assert browser.get(f"/applications/{app_id}/sections/{section}").status_code == 403
    _unchanged(setting)


def test_members_of_the_lead_organisation_see_and_edit(logged_in, setting):
    browser, _ = logged_in("applicant", organisations=[setting["gent"]])
    app_id, att_id = setting["app"].id, setting["attachment"].id
    for url in _get_urls(app_id, att_id):
        assert browser.get(url).status_code in (200, 302), url
    html = browser.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "Aanvraag indienen" in html and "Controlelijst voor indiening" in html
    # The agency's forms are not for them.
    assert browser.post(f"/applications/{app_id}/screening", {"outcome": "admissible"},
                        token_from="/").status_code == 403
    assert "Voor het agentschap" not in html


def test_the_agency_sees_every_application_but_does_not_act_for_the_applicant(logged_in, setting):
    browser, _ = logged_in("admin")
    app_id, att_id = setting["app"].id, setting["attachment"].id
    assert browser.get(f"/applications/{app_id}").status_code == 200
    assert browser.get(f"/applications/{app_id}/attachments/{att_id}").status_code == 200
    for url in (f"/applications/{app_id}/sections/summary", f"/applications/{app_id}/withdraw"):
        assert browser.get(url).status_code == 403
    assert browser.post(f"/applications/{app_id}/submit", {"confirm": "y"}, token_from="/").status_code == 403
    _unchanged(setting)


def test_attachments_are_served_as_downloads_only(logged_in, setting):
    browser, _ = logged_in("applicant", organisations=[setting["gent"]])
    response = browser.get(f"/applications/{setting['app'].id}/attachments/{setting['attachment'].id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "plan.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_an_attachment_of_another_application_is_404_through_this_one(logged_in, setting, factory):
    # The attachment id belongs to Gent's application; Aalst's own application cannot reach it.
    aalst_app = complete_application(setting["call"], setting["aalst"])
    db.session.commit()
    browser, _ = logged_in("applicant", organisations=[setting["aalst"]])
    assert browser.get(f"/applications/{aalst_app.id}").status_code == 200
    assert browser.get(f"/applications/{aalst_app.id}/attachments/{setting['attachment'].id}").status_code == 404
    assert browser.post(f"/applications/{aalst_app.id}/attachments/{setting['attachment'].id}/delete", {},
                        token_from="/").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1


def test_the_applicant_home_page_queries_do_not_grow_with_applications(logged_in, factory, app):
    from sqlalchemy import event
    gent = factory.organisation("Gent", refnis="44021")
    browser, _ = logged_in("applicant", organisations=[gent])

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert browser.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    for n in range(2):
        complete_application(factory.call(), gent)
    db.session.commit()
    few = count_queries()
    for n in range(6):
        complete_application(factory.call(), gent)
    db.session.commit()
    assert count_queries() == few
