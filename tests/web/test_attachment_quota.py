"""Finding 9: a quota of attachments per application (a number of files and a total size, from the
configuration), with a clear message; and finding 1's receipt case: the link in the receipt mail comes
from the trusted address, never from a forged Host header."""
from __future__ import annotations

import io
import os

import pytest
import sqlalchemy as sa

from grants.accounts.models import MailMessage
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus as S
from grants.extensions import db

from tests.support.applications import complete_application, pdf_bytes, submit_form
from tests.support.calls import page


@pytest.fixture
def draft(logged_in, factory):
    gent = factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")
    browser, user = logged_in("applicant", organisations=[gent], email="els@gent.be")
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    return browser, app


def _upload(browser, app_id, data: bytes, name: str):
    return browser.post(f"/applications/{app_id}/attachments", {"file": (io.BytesIO(data), name)},
                        token_from=f"/applications/{app_id}/sections/attachments",
                        content_type="multipart/form-data")


def _count(app_id: int) -> int:
    db.session.expire_all()
    return len(db.session.get(Application, app_id).attachments)


def test_the_defaults_come_from_the_configuration(app):
    assert app.config["MAX_ATTACHMENTS_PER_APPLICATION"] == 20
    assert app.config["MAX_ATTACHMENT_TOTAL_BYTES"] == 50 * 1024 * 1024


def test_no_more_files_than_the_quota(app, draft):
    browser, application = draft
    app.config["MAX_ATTACHMENTS_PER_APPLICATION"] = 3
    for n in range(3):
        assert _upload(browser, application.id, pdf_bytes(), f"bijlage-{n}.pdf").status_code == 302
    refused = _upload(browser, application.id, pdf_bytes(), "een-te-veel.pdf")
    assert refused.status_code == 400
    assert "Deze aanvraag heeft al 3 bijlagen, het maximum. Verwijder eerst een bijlage" in page(refused)
    assert _count(application.id) == 3


def test_no_more_bytes_than_the_quota_and_the_refused_file_is_not_kept(app, draft):
    browser, application = draft
    app.config["MAX_ATTACHMENT_TOTAL_BYTES"] = 250_000
    assert _upload(browser, application.id, pdf_bytes(100_000), "een.pdf").status_code == 302
    assert _upload(browser, application.id, pdf_bytes(100_000), "twee.pdf").status_code == 302
    stored = sorted(os.listdir(app.config["UPLOAD_DIR"]))
    refused = _upload(browser, application.id, pdf_bytes(100_000), "drie.pdf")
    assert refused.status_code == 400
    assert "Met dit bestand (97,7 kB) zouden de bijlagen van deze aanvraag samen 293,0 kB groot zijn; hoogstens " \
           "244,1 kB is toegelaten." in page(refused)
    assert _count(application.id) == 2
    assert sorted(os.listdir(app.config["UPLOAD_DIR"])) == stored  # the refused file went with the rollback
    # A smaller file still fits.
    assert _upload(browser, application.id, pdf_bytes(40_000), "klein.pdf").status_code == 302


def test_the_receipt_link_comes_from_a_trusted_host_never_from_a_forged_one(app, draft):
    browser, application = draft
    assert not app.config["BASE_URL"]  # no BASE_URL: the request's own host, if it is trusted
    form = submit_form(browser, application.id)
    forged = browser.client.post(f"/applications/{application.id}/submit", data=form,
                                 headers={"Host": "evil.example"})
    assert forged.status_code == 400
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == S.DRAFT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0
    submitted = browser.client.post(f"/applications/{application.id}/submit", data=form)
    assert submitted.status_code == 302
    bodies = [m.body for m in db.session.scalars(sa.select(MailMessage))]
    assert len(bodies) == 2
    for body in bodies:
        assert f"http://localhost/applications/{application.id}" in body and "evil.example" not in body
