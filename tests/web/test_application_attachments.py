"""Attachments: type by content, size limit, safe names, stored outside static/ under random names."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from grants.applications.models import Attachment, AttachmentKind
from grants.audit.models import AuditEvent
from grants.extensions import db

from tests.support.applications import (
    OTHER_IBAN, complete_application, docx_bytes, exe_bytes, odt_bytes, pdf_bytes, section_form, xlsx_bytes,
)


@pytest.fixture
def draft(logged_in, factory):
    gent = factory.organisation("Gent", refnis="44021")
    browser, user = logged_in("applicant", organisations=[gent])
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    return browser, app


def _upload(browser, app_id, data: bytes, name: str):
    return browser.post(f"/applications/{app_id}/attachments", {"file": (io.BytesIO(data), name)},
                        token_from=f"/applications/{app_id}/sections/attachments",
                        content_type="multipart/form-data")


def _stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.mark.parametrize("name, data, content_type", [
    ("projectplan.pdf", pdf_bytes(), "application/pdf"),
    ("Begroting 2027.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("motivatie.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("samenwerking_é.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
])
def test_upload_and_download_each_allowed_type(app, draft, name, data, content_type):
    browser, application = draft
    response = _upload(browser, application.id, data, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    attachment = db.session.scalar(sa.select(Attachment))
    assert (attachment.original_name, attachment.content_type, attachment.size) == (name, content_type, len(data))
    # Stored outside static/ under a random name, not the original one.
    stored = Path(app.config["UPLOAD_DIR"]) / attachment.stored_name
    assert stored.read_bytes() == data and name not in attachment.stored_name
    assert "static" not in stored.resolve().parts
    download = browser.get(f"/applications/{application.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == data
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.attachment_add"))


@pytest.mark.parametrize("name, data, message", [
    ("setup.pdf", exe_bytes(), "De inhoud van dit bestand is geen PDF, DOCX, XLSX of ODT-document"),
    ("rapport.docx", b"PK\x03\x04 not really a zip", "De inhoud van dit bestand is geen"),
    ("rapport.docx", pdf_bytes(), "De inhoud van dit bestand is PDF, maar de naam eindigt op .docx."),
    ("macro.xlsx", docx_bytes(), "De inhoud van dit bestand is Word (DOCX), maar de naam eindigt op .xlsx."),
    ("virus.exe", exe_bytes(), "Dit type bestand is niet toegelaten. Toegelaten: PDF, DOCX, XLSX of ODT."),
    ("../../etc/passwd.pdf", pdf_bytes(), "De bestandsnaam mag geen map of pad bevatten"),
    ("C:\\Users\\els\\plan.pdf", pdf_bytes(), "De bestandsnaam mag geen map of pad bevatten"),
    ("a" * 250 + ".pdf", pdf_bytes(), "De bestandsnaam is te lang (254 tekens; hoogstens 200)."),
    (".pdf", pdf_bytes(), "Het bestand heeft geen naam"),
    ("leeg.pdf", b"", "Het bestand is leeg."),
    ("plan\u202e.pdf", pdf_bytes(), "onzichtbare of ongeldige tekens"),
])
def test_upload_refusals_get_a_clear_dutch_message_and_store_nothing(app, draft, name, data, message):
    browser, application = draft
    response = _upload(browser, application.id, data, name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and message in html.replace("&#39;", "'")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _stored_files(app) == []


def test_a_file_over_10_mb_is_refused(app, draft):
    browser, application = draft
    response = _upload(browser, application.id, pdf_bytes(app.config["MAX_ATTACHMENT_BYTES"] + 1), "groot.pdf")
    assert response.status_code == 400
    assert "Het bestand is te groot: hoogstens 10 MB per bijlage." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _stored_files(app) == []
    # Exactly 10 MB is allowed.
    assert _upload(browser, application.id, pdf_bytes(app.config["MAX_ATTACHMENT_BYTES"]),
                   "precies.pdf").status_code == 302


def test_a_request_far_over_the_limit_gets_the_413_page_not_a_500(app, draft):
    browser, application = draft
    response = _upload(browser, application.id, pdf_bytes(app.config["MAX_CONTENT_LENGTH"] + 1024), "enorm.pdf")
    assert response.status_code == 413
    assert "Bestand te groot" in response.get_data(as_text=True)


def test_no_file_chosen(draft):
    browser, application = draft
    response = browser.post(f"/applications/{application.id}/attachments", {},
                            token_from=f"/applications/{application.id}/sections/attachments",
                            content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies een bestand om op te laden." in response.get_data(as_text=True)


def test_delete_an_attachment_removes_the_file(app, draft):
    browser, application = draft
    _upload(browser, application.id, pdf_bytes(), "plan.pdf")
    attachment = db.session.scalar(sa.select(Attachment))
    assert len(_stored_files(app)) == 1
    response = browser.post(f"/applications/{application.id}/attachments/{attachment.id}/delete", {},
                            token_from=f"/applications/{application.id}/sections/attachments")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _stored_files(app) == []
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.attachment_delete"))


def test_another_iban_needs_the_bank_letter_uploaded_with_the_payout_section(app, draft):
    browser, application = draft
    form = section_form(browser, application.id, "payout")
    # A wrong type is refused and the typed IBAN is kept (nothing saved).
    response = browser.post(f"/applications/{application.id}/sections/payout",
                            {**form, "iban": "BE71 0961 2345 6769", "bank_letter": (io.BytesIO(exe_bytes()),
                                                                                   "brief.pdf")},
                            content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'value="BE71096123456769"' in response.get_data(as_text=True)  # the typed IBAN, normalised
    db.session.refresh(application)
    assert application.iban != OTHER_IBAN
    # Without the letter: saved, but the checklist asks for it.
    response = browser.post(f"/applications/{application.id}/sections/payout",
                            {**form, "iban": "BE71 0961 2345 6769"}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = browser.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "voeg een bevestigingsbrief van de bank toe" in page
    form = section_form(browser, application.id, "payout")
    response = browser.post(f"/applications/{application.id}/sections/payout",
                            {**form, "iban": "BE71 0961 2345 6769",
                             "bank_letter": (io.BytesIO(pdf_bytes()), "bankbrief.pdf")},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(application)
    assert [a.kind for a in application.attachments] == [AttachmentKind.BANK_CONFIRMATION]
    page = browser.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "De bevestigingsbrief van de bank is toegevoegd." in page
