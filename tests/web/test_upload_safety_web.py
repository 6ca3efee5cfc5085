"""Unsafe uploads through the real routes: refused with the Dutch message; every kept type downloads safely."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from grants.applications.models import Attachment
from grants.applications.storage import DOCX
from grants.extensions import db
from tests.unit.test_upload_safety import _bomb

from tests.support.applications import complete_application, docx_bytes, odt_bytes, pdf_bytes, xlsx_bytes


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


@pytest.mark.parametrize("name, data, message", [
    ("projectplan.docx", _bomb(DOCX, 2048), "Dit document wordt uitgepakt te groot (meer dan 100 MB)."),
    ("plan.pdf", pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
     "Dit PDF-bestand bevat JavaScript of een actie die een programma start (/JS)."),
    ("plan.pdf", b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>",
     "Dit bestand begint als PDF maar bevat webpagina-code (HTML of script)."),
    ("plan.pdf", b"%PDF-1.4\nniet echt", "Dit PDF-bestand kan niet gelezen worden"),
])
def test_unsafe_uploads_are_refused_next_to_the_field(app, draft, name, data, message):
    browser, application = draft
    response = _upload(browser, application.id, data, name)
    assert response.status_code == 400
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert 'id="file-error"' in html and message in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


@pytest.mark.parametrize("name, data", [("plan.pdf", pdf_bytes()), ("plan.docx", docx_bytes()),
                                        ("begroting.xlsx", xlsx_bytes()), ("samenwerking.odt", odt_bytes())])
def test_every_kept_type_is_served_as_a_download_the_browser_may_not_sniff(draft, name, data):
    browser, application = draft
    assert _upload(browser, application.id, data, name).status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    response = browser.get(f"/applications/{application.id}/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == attachment.content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
