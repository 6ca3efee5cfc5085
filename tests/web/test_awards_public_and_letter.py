"""The public award list with its open-data CSV and JSON (after publication, nothing of rejected
applications), and the award letter as printable HTML and as PDF (read back with pypdf)."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from grants.applications.models import ApplicationKpi
from grants.applications.states import ApplicationStatus
from grants.calls.models import CallKpi, PaymentTranche
from grants.calls.states import TriggerKind
from grants.extensions import db

D = Decimal


@pytest.fixture
def published(factory, logged_in):
    """A call with an award of 49.146,00 (tranches 60/40, a KPI confirmed at 80), a rejection, and a
    formula-like organisation name; the decisions published by an admin."""
    call = factory.call(report_months=[6], project_start=date(2027, 3, 1))
    call.tranches = [PaymentTranche(position=1, label="Voorschot", percent=D("60"), trigger=TriggerKind.AWARD),
                     PaymentTranche(position=2, label="Saldo", percent=D("40"), trigger=TriggerKind.FINAL_REPORT)]
    kpi = CallKpi(call_id=call.id, position=1, name="Bereikte jongeren", unit="personen")
    db.session.add(kpi)
    db.session.flush()
    lead = factory.organisation("=HYPERLINK(\"x\")", place="Roeselare")
    member = factory.user(organisations=[lead])
    awarded = factory.application(call, lead, status=ApplicationStatus.ADMISSIBLE, title="Samen sterk",
                                  requested_amount=D("49146.00"), user=member)
    db.session.add(ApplicationKpi(application_id=awarded.id, kpi_id=kpi.id, planned_value=D("100")))
    other = factory.organisation("Geweigerde vzw", place="Gent")
    rejected = factory.application(call, other, status=ApplicationStatus.ADMISSIBLE, title="Geheim plan")
    db.session.commit()
    admin, _ = logged_in("admin")
    url = f"/admin/applications/{awarded.id}/decision"
    assert admin.post(url, {"outcome": "awarded", "amount": "49.146,00", "motivation": "Goed.",
                            f"kpi_{kpi.id}": "80"}, token_from=url).status_code == 302
    url = f"/admin/applications/{rejected.id}/decision"
    assert admin.post(url, {"outcome": "rejected", "motivation": "Nee."}, token_from=url).status_code == 302
    return {"call": call, "awarded": awarded, "rejected": rejected, "admin": admin, "member": member}


def _publish(setting):
    admin, call = setting["admin"], setting["call"]
    url = f"/admin/calls/{call.id}/awards"
    assert admin.post(f"{url}/publish", {}, token_from=url).status_code == 302


def test_the_public_list_without_login_after_publication(published, app):
    call = published["call"]
    anonymous = app.test_client()
    for suffix in ("", ".csv", ".json"):
        assert anonymous.get(f"/calls/{call.id}/awards{suffix}").status_code == 404
    _publish(published)
    html = anonymous.get(f"/calls/{call.id}/awards").get_data(as_text=True)
    assert "Samen sterk" in html and "Roeselare" in html and "49.146,00 EUR" in html
    assert "Geweigerde vzw" not in html and "Geheim plan" not in html
    assert f"/calls/{call.id}/awards" in anonymous.get(f"/calls/{call.id}").get_data(as_text=True)


def test_open_data_csv_semicolon_decimal_comma_bom_and_the_injection_guard(published, app):
    _publish(published)
    response = app.test_client().get(f"/calls/{published['call'].id}/awards.csv")
    assert response.status_code == 200
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["dossiernummer", "organisatie", "plaats", "projecttitel", "bedrag_euro"]
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(\"x\")"
    assert rows[1][2:] == ["Roeselare", "Samen sterk", "49146,00"]


def test_open_data_json(published, app):
    _publish(published)
    data = app.test_client().get(f"/calls/{published['call'].id}/awards.json").get_json()
    assert data["count"] == 1 and data["total"] == "49146.00"
    assert data["items"][0]["organisation"] == "=HYPERLINK(\"x\")"  # JSON is data, not a spreadsheet
    assert data["items"][0]["amount"] == "49146.00"
    assert all(item["title"] != "Geheim plan" for item in data["items"])


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_award_letter_pdf_has_the_amounts_to_the_cent(published):
    admin, awarded = published["admin"], published["awarded"]
    response = admin.get(f"/applications/{awarded.id}/award-letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for expected in ("49.146,00 EUR", "29.487,60 EUR", "19.658,40 EUR", "Bereikte jongeren", "Eindverslag",
                     "Ontwerp"):
        assert expected in text, expected
    # the own contribution the call's rule (none) requires at the award
    assert "0,00 EUR" in text


def test_the_printable_letter_and_who_may_read_it(published, browser, factory, logged_in):
    awarded, rejected, member = published["awarded"], published["rejected"], published["member"]
    html = published["admin"].get(f"/applications/{awarded.id}/award-letter").get_data(as_text=True)
    assert "29.487,60 EUR" in html and "80" in html and "Tussentijds verslag na 6 maanden" in html
    assert published["admin"].get(f"/applications/{rejected.id}/award-letter").status_code == 404
    assert published["admin"].get("/applications/999999/award-letter").status_code == 404
    _publish(published)
    published["admin"].logout()
    browser.login(member.email, factory.PASSWORD)
    response = browser.get(f"/applications/{awarded.id}/award-letter.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "49.146,00 EUR" in text and "Ontwerp" not in text
    browser.logout()
    juror = factory.user(role="juror")
    stranger = factory.user(organisations=[factory.organisation()])
    db.session.commit()
    for user in (juror, stranger):
        browser.login(user.email, factory.PASSWORD)
        assert browser.get(f"/applications/{awarded.id}/award-letter").status_code == 404
        assert browser.get(f"/applications/{awarded.id}/award-letter.pdf").status_code == 404
        browser.logout()
