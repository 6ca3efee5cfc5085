"""The report form: sections that save separately, the KPI motivation rule against the confirmed target,
bad input that gets a Dutch message and keeps what was typed (never a 500), a report after the project
was closed, submitting, the agency's review (approve, or ask changes which reopens it), mail and audit."""
from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.accounts.models import MailMessage
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.reporting import operations as ops
from grants.reporting.states import ReportStatus
from tests.support.applications import pdf_bytes
from tests.support.reporting import funded_call, funded_project, text_of


@pytest.fixture
def owned(factory, logged_in):
    """(browser logged in as a member of the project's organisation, project, its final report)."""
    org = factory.organisation("Roeselare", contact_email="info@roeselare.be")
    project = funded_project(factory, organisation=org)
    db.session.commit()
    browser, user = logged_in("applicant", organisations=[org])
    return browser, project, project.reports[-1]


def _section(project, report, section):
    return f"/projects/{project.id}/reports/{report.id}/sections/{section}"


def _form(browser, url) -> dict:
    """The section's hidden version and fingerprint, as the page sent them."""
    import re
    html = browser.get(url).get_data(as_text=True)
    found = {}
    for name in ("version", "fingerprint"):
        match = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
        found[name] = match.group(1) if match else ""
    return found


def test_sections_save_separately_and_show_on_the_report(owned):
    browser, project, report = owned
    url = _section(project, report, "progress")
    response = browser.post(url, {**_form(browser, url), "narrative": "Tien workshops gegeven.",
                                  "bottlenecks": "Knelpunt: zomerstop. Succes: de scholen doen mee."}, token_from=url)
    assert response.status_code == 302
    page = text_of(browser.get(f"/projects/{project.id}/reports/{report.id}").get_data(as_text=True))
    assert "Tien workshops gegeven." in page and "Succes: de scholen doen mee." in page
    db.session.refresh(report)
    assert report.narrative == "Tien workshops gegeven." and report.kpi_values == []
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "reports")) == "report.update"


def test_kpis_are_measured_against_the_target_confirmed_in_the_award(owned):
    browser, project, report = owned
    url = _section(project, report, "kpis")
    page = browser.get(url).get_data(as_text=True)
    assert "Doelstelling bevestigd in de toekenning: 400." in page  # not the 500 that was requested
    kpi = project.application.call.kpis[0]
    form = {**_form(browser, url), f"value_{kpi.id}": "450", f"motivation_{kpi.id}": ""}
    assert browser.post(url, form, token_from=url).status_code == 302  # above the confirmed 400: no motivation


def test_a_kpi_short_of_its_target_needs_a_motivation_and_keeps_what_was_typed(owned):
    browser, project, report = owned
    url = _section(project, report, "kpis")
    first, second = project.application.call.kpis
    form = {**_form(browser, url), f"value_{first.id}": "350", f"motivation_{first.id}": "",
            f"value_{second.id}": "30"}
    response = browser.post(url, form, token_from=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert ("De gerealiseerde waarde (350) ligt onder de doelstelling uit de toekenning (400): motiveer waarom."
            in html)
    assert 'value="350"' in html and 'value="30"' in html
    db.session.refresh(report)
    assert report.kpi_values == []  # nothing saved
    form[f"motivation_{first.id}"] = "Twee workshops vielen uit door de staking."
    assert browser.post(url, form, token_from=url).status_code == 302
    db.session.refresh(report)
    assert {v.kpi_id: (v.value, v.motivation) for v in report.kpi_values}[first.id] == (
        D("350.00"), "Twee workshops vielen uit door de staking.")


def test_without_a_confirmed_value_the_planned_one_stands_in_and_that_is_said(factory, logged_in):
    org = factory.organisation()
    project = funded_project(factory, organisation=org, confirmed=(None, None))
    db.session.commit()
    browser, _user = logged_in("applicant", organisations=[org])
    report = project.reports[-1]
    page = browser.get(_section(project, report, "kpis")).get_data(as_text=True)
    assert "gemeten tegen de geplande waarde uit de aanvraag, 500." in page
    overview = browser.get(f"/projects/{project.id}/reports/{report.id}").get_data(as_text=True)
    assert "De toekenning bevestigde voor deze indicator geen waarde" in overview


@pytest.mark.parametrize(("typed", "message"), [
    ("-250", "Een bedrag mag niet negatief zijn."),
    ("veel", "Geef een bedrag in euro, bijvoorbeeld 25.000,00 (hoogstens twee cijfers na de komma)."),
    ("1.2.3", "Geef een bedrag in euro, bijvoorbeeld 25.000,00 (hoogstens twee cijfers na de komma)."),
    ("1" * 60, "Deze waarde is te lang."),
])
def test_bad_spent_amounts_get_a_dutch_message_keep_everything_typed_and_never_a_500(owned, typed, message):
    browser, project, report = owned
    url = _section(project, report, "finances")
    form = {**_form(browser, url), "spent_staff": typed, "spent_operating": "14.000,50", "own_financial": "5.000"}
    response = browser.post(url, form, token_from=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{typed}"' in html and 'value="14.000,50"' in html and 'value="5.000"' in html
    db.session.refresh(report)
    assert all(line.spent is None for line in report.cost_lines)


def test_a_negative_kpi_value_is_refused_in_dutch(owned):
    browser, project, report = owned
    url = _section(project, report, "kpis")
    kpi = project.application.call.kpis[0]
    response = browser.post(url, {**_form(browser, url), f"value_{kpi.id}": "-3"}, token_from=url)
    assert response.status_code == 400 and "Een negatief getal is hier niet mogelijk." in response.get_data(as_text=True)


def test_a_report_after_the_project_was_closed_is_refused_with_everything_kept(factory, logged_in):
    call = funded_call(factory, report_months=[6])
    org = factory.organisation()
    project = funded_project(factory, call, organisation=org)
    interim, final = project.reports
    admin = factory.user(role="admin")
    factory.report(project, kind="final", status="submitted", spent={"staff": "30000", "operating": "15000"},
                   own="5000")
    ops.review_report(final, approve=True, remarks="", actor=admin)  # closes the project
    db.session.commit()
    browser, _user = logged_in("applicant", organisations=[org])
    url = _section(project, interim, "progress")
    assert browser.get(url).status_code == 302  # sent back to the report with the message
    response = browser.post(url, {"version": str(interim.version), "narrative": "Laat maar goed.",
                                  "bottlenecks": "Geen."}, token_from=f"/projects/{project.id}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Het project is afgesloten: het eindverslag werd goedgekeurd op" in html and "Laat maar goed." in html
    submit = browser.post(f"/projects/{project.id}/reports/{interim.id}/submit", {"version": str(interim.version)},
                          token_from=f"/projects/{project.id}")
    assert submit.status_code == 400 and "Het project is afgesloten" in submit.get_data(as_text=True)
    db.session.refresh(interim)
    assert interim.status == ReportStatus.DRAFT and interim.narrative != "Laat maar goed."


def test_submit_lists_what_is_missing_then_submits_and_mails_a_receipt(owned):
    browser, project, report = owned
    submit_url = f"/projects/{project.id}/reports/{report.id}/submit"
    token_from = f"/projects/{project.id}/reports/{report.id}"
    refused = browser.post(submit_url, {"version": str(report.version)}, token_from=token_from)
    assert refused.status_code == 400
    html = text_of(refused.get_data(as_text=True))
    assert "Beschrijf de voortgang van het project." in html
    assert "Vul in het financieel overzicht de uitgaven van elke kostensoort in" in html
    assert "Vul de gerealiseerde waarde in: het eindverslag vraagt elke KPI uit de toekenning." in html
    first, second = project.application.call.kpis
    factory_report = {"kpis": {first.id: ("400", ""), second.id: ("24", "")}}
    from tests.factories import Factory
    Factory().report(project, kind="final", spent={"staff": "30000", "operating": "15000"}, own="5000",
                     **factory_report)
    db.session.commit()
    db.session.refresh(report)
    ok = browser.post(submit_url, {"version": str(report.version)}, token_from=token_from)
    assert ok.status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    mails = db.session.scalars(sa.select(MailMessage)).all()
    assert {m.recipient for m in mails} >= {"info@roeselare.be"}
    assert mails[0].subject.startswith("Verslag ingediend: Eindverslag")
    submitted = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "reports",
                                                              AuditEvent.object_id == report.id)).all()
    assert [e.action for e in submitted] == ["report.submit"]
    # once submitted, the organisation can no longer change it
    assert browser.get(_section(project, report, "progress")).status_code == 302


def test_review_asks_changes_with_remarks_which_reopens_then_approves(factory, logged_in):
    org = factory.organisation(contact_email="info@org.be")
    project = funded_project(factory, organisation=org)
    first, second = project.application.call.kpis
    report = factory.report(project, kind="final", status="submitted", spent={"staff": "30000", "operating": "15000"},
                            own="5000", kpis={first.id: ("400", ""), second.id: ("24", "")})
    db.session.commit()
    browser, _admin = logged_in("admin")
    url = f"/projects/{project.id}/reports/{report.id}/review"
    page_url = f"/projects/{project.id}/reports/{report.id}"
    empty = browser.post(url, {"decision": "changes", "remarks": "  "}, token_from=page_url)
    assert empty.status_code == 400
    assert "Schrijf welke aanpassingen nodig zijn" in empty.get_data(as_text=True)
    assert browser.post(url, {"decision": "changes", "remarks": "Voeg de loonfiches toe."},
                        token_from=page_url).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.CHANGES_REQUESTED and report.review_comment == "Voeg de loonfiches toe."
    mail = db.session.scalars(sa.select(MailMessage).where(MailMessage.recipient == "info@org.be")).all()[-1]
    assert "Voeg de loonfiches toe." in mail.body and mail.subject.startswith("Aanpassingen gevraagd")
    # a second decision on a reopened report is refused in Dutch
    again = browser.post(url, {"decision": "approve"}, token_from=page_url)
    assert again.status_code == 400
    assert "kan niet naar 'goedgekeurd' gaan" in text_of(again.get_data(as_text=True)), text_of(again.get_data(as_text=True))[-1500:]
    ops.submit_report(report, None)
    db.session.commit()
    assert browser.post(url, {"decision": "approve"}, token_from=page_url).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.APPROVED
    approved = db.session.scalars(sa.select(MailMessage).where(MailMessage.recipient == "info@org.be")
                                  .order_by(MailMessage.id)).all()[-1]
    assert approved.subject.startswith("Verslag goedgekeurd: Eindverslag")
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "reports")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["report.request_changes", "report.resubmit", "report.approve"]


def test_a_partner_reads_the_report_but_cannot_change_or_review_it(factory, logged_in):
    lead, partner = factory.organisation("Maaseik"), factory.organisation("Dilsen-Stokkem")
    project = funded_project(factory, organisation=lead, partners=(partner,))
    report = project.reports[-1]
    db.session.commit()
    browser, _user = logged_in("applicant", organisations=[partner])
    assert browser.get(f"/projects/{project.id}/reports/{report.id}").status_code == 200
    assert "Verslag indienen" not in browser.get(f"/projects/{project.id}/reports/{report.id}").get_data(as_text=True)
    assert browser.get(_section(project, report, "progress")).status_code == 403
    assert browser.post(f"/projects/{project.id}/reports/{report.id}/submit", {},
                        token_from="/").status_code == 403
    assert browser.post(f"/projects/{project.id}/reports/{report.id}/review", {"decision": "approve"},
                        token_from="/").status_code == 403


def test_a_save_over_a_newer_save_of_the_same_section_shows_both_and_overwrites_nothing(owned):
    browser, project, report = owned
    url = _section(project, report, "progress")
    stale = _form(browser, url)
    ops.save_report_section(report, "progress", {"narrative": "Versie van een collega.", "bottlenecks": ""}, None,
                            loaded_version=report.version, loaded_fingerprint=ops.fingerprint("progress", report))
    db.session.commit()
    response = browser.post(url, {**stale, "narrative": "Mijn versie.", "bottlenecks": ""}, token_from=url)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Versie van een collega." in html and "Mijn versie." in html
    db.session.refresh(report)
    assert report.narrative == "Versie van een collega."


def test_attachments_are_checked_like_application_attachments_and_served_only_to_those_who_may_see(
        owned, factory, logged_in):
    browser, project, report = owned
    url = f"/projects/{project.id}/reports/{report.id}/attachments"
    page = f"/projects/{project.id}/reports/{report.id}"
    fake = browser.post(url, {"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "verslag.pdf")}, token_from=page,
                        content_type="multipart/form-data")
    assert fake.status_code == 400 and "is geen PDF, DOCX, XLSX of ODT-document" in fake.get_data(as_text=True)
    ok = browser.post(url, {"file": (io.BytesIO(pdf_bytes()), "financieel-verslag.pdf")}, token_from=page,
                      content_type="multipart/form-data")
    assert ok.status_code == 302
    db.session.refresh(report)
    attachment = report.attachments[0]
    download = f"/projects/{project.id}/reports/{report.id}/attachments/{attachment.id}"
    got = browser.get(download)
    assert got.status_code == 200 and got.data.startswith(b"%PDF") and "attachment" in got.headers["Content-Disposition"]
    browser.logout()
    other, _user = logged_in("applicant", organisations=[factory.organisation()])
    assert other.get(download).status_code == 404
