"""A published award becomes a project: dates, reporting schedule, payment tranches; idempotent;
extensions up to the call's limit with their own reports and tranches; the payment steps."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.applications.states import ApplicationStatus
from grants.audit.models import AuditEvent
from grants.awards.models import Project
from grants.calls.models import PaymentTranche
from grants.calls.states import TriggerKind
from grants.extensions import db
from grants.reporting import operations as ops
from grants.reporting.models import ReportKind
from grants.reporting.states import PaymentKind, PaymentStatus, ReportStatus
from tests.support.reporting import funded_call, funded_project


def test_start_project_takes_dates_schedule_and_tranches_from_the_award(factory):
    call = funded_call(factory)
    project = funded_project(factory, call, amount="49146.00")
    db.session.commit()
    assert (project.start_date, project.end_date) == (date(2027, 3, 1), date(2028, 2, 29))
    assert project.awarded_amount == D("49146.00")
    # report_months [12] of a 12-month project: the 12-month report would end on the project's end -> final only
    assert [(r.kind, r.period_start, r.period_end, r.due_date) for r in project.reports] == [
        (ReportKind.FINAL, date(2027, 3, 1), date(2028, 2, 29), date(2028, 4, 29))]
    assert all(r.status == ReportStatus.DRAFT for r in project.reports)
    # 60/40 exactly to the cent; the advance at the award is due at once, the balance waits
    assert [(p.kind, p.amount, p.status) for p in project.payments] == [
        (PaymentKind.ADVANCE, D("29487.60"), PaymentStatus.DUE), (PaymentKind.BALANCE, D("19658.40"),
                                                                   PaymentStatus.PLANNED)]
    assert project.payments[0].due_date is not None and project.payments[1].due_date is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "project.start"))
    assert event.object_id == project.id and event.changes["awarded"] == [None, "49146.00"]


def test_interim_reports_follow_the_calls_months_and_the_cost_lines_the_eligible_budget(factory):
    call = funded_call(factory, report_months=[6, 12], max_duration_months=24)
    project = funded_project(factory, call, start_date=date(2027, 3, 1), end_date=date(2029, 2, 28))
    assert [(r.kind, r.months, r.period_end, r.due_date) for r in project.reports] == [
        (ReportKind.INTERIM, 6, date(2027, 8, 31), date(2027, 9, 30)),
        (ReportKind.INTERIM, 12, date(2028, 2, 29), date(2028, 3, 30)),
        (ReportKind.FINAL, None, date(2029, 2, 28), date(2029, 4, 29))]
    # the factory's budget: staff 30.000 and operating 15.000, both eligible
    assert [(c.category, c.budgeted) for c in project.reports[0].cost_lines] == [
        ("staff", D("30000.00")), ("operating", D("15000.00"))]


def test_the_calls_project_start_stands_in_for_missing_dates(factory):
    call = funded_call(factory, project_start=date(2018, 3, 1), max_duration_months=24)
    project = funded_project(factory, call, start_date=None, end_date=None)
    assert (project.start_date, project.end_date) == (date(2018, 3, 1), date(2020, 2, 29))


def test_start_project_is_idempotent(factory):
    project = funded_project(factory)
    again = ops.start_project(project.application, actor=None)
    db.session.commit()
    assert again is project
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 1
    assert len(project.payments) == 2


@pytest.mark.parametrize("status", ["submitted", "rejected", "withdrawn"])
def test_only_an_awarded_application_with_a_decision_becomes_a_project(factory, status):
    app = factory.application(funded_call(factory), status=status)
    with pytest.raises(ops.ReportingError):
        ops.start_project(app, actor=None)
    factory.decision(app)
    app.status = ApplicationStatus(status)
    with pytest.raises(ops.ReportingError, match="wordt geen project"):
        ops.start_project(app, actor=None)


def test_a_tranche_after_an_interim_report_becomes_due_when_that_report_is_approved(factory):
    call = funded_call(factory, report_months=[6])
    call.tranches = [PaymentTranche(position=1, label="Voorschot", percent=D(50), trigger=TriggerKind.AWARD),
                     PaymentTranche(position=2, label="Tweede schijf", percent=D(30),
                                    trigger=TriggerKind.REPORT_APPROVED),
                     PaymentTranche(position=3, label="Saldo", percent=D(20), trigger=TriggerKind.FINAL_REPORT)]
    project = funded_project(factory, call, amount="40000.00")
    admin = factory.user(role="admin")
    interim = factory.report(project, status="submitted")
    ops.review_report(interim, approve=True, remarks="", actor=admin)
    assert [(p.label, p.amount, p.status) for p in project.payments] == [
        ("Voorschot", D("20000.00"), PaymentStatus.DUE), ("Tweede schijf", D("12000.00"), PaymentStatus.DUE),
        ("Saldo", D("8000.00"), PaymentStatus.PLANNED)]


# --------------------------------------------------------------------------- extensions


def test_extensions_up_to_the_calls_limit_each_with_its_reports_and_tranches(factory):
    call = funded_call(factory, renewable_times=2)
    project = funded_project(factory, call, amount="40000.00")
    admin = factory.user(role="admin")
    first = ops.grant_extension(project, ops.ExtensionData("TG-2027-0001-V1", 12, D("40000.00")), admin)
    second = ops.grant_extension(project, ops.ExtensionData("TG-2027-0001-V2", 12, D("35000.00")), admin)
    assert [(e.number, e.start_date, e.end_date, e.amount) for e in project.extensions] == [
        (1, date(2028, 3, 1), date(2029, 2, 28), D("40000.00")), (2, date(2029, 3, 1), date(2030, 2, 28),
                                                                  D("35000.00"))]
    assert project.end_date == date(2030, 2, 28) and first.previous_end_date == date(2028, 2, 29)
    assert [(r.period, r.kind) for r in project.reports] == [(0, ReportKind.FINAL), (1, ReportKind.FINAL),
                                                             (2, ReportKind.FINAL)]
    assert [(p.period, p.amount, p.status) for p in project.payments if p.period == 2] == [
        (2, D("21000.00"), PaymentStatus.DUE), (2, D("14000.00"), PaymentStatus.PLANNED)]
    with pytest.raises(ops.ReportingError, match="al 2 keer verlengd; de oproep laat hoogstens 2 verlengingen toe"):
        ops.grant_extension(project, ops.ExtensionData("V3", 12, D("1.00")), admin)
    assert second.number == 2


def test_an_extension_is_audited_and_mailed_to_the_organisation(factory):
    from grants.accounts.models import MailMessage
    org = factory.organisation("Lokeren", contact_email="subsidies@lokeren.be")
    project = funded_project(factory, funded_call(factory, renewable_times=3), organisation=org, amount="40000.00")
    admin = factory.user(role="admin")
    ops.grant_extension(project, ops.ExtensionData("TG-2027-0002-V1", 12, D("38000.00"), motivation="Tweede jaar."), admin)
    db.session.commit()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "project.extend")).one()
    assert event.object_id == project.id and event.actor_id == admin.id and event.reason == "Tweede jaar."
    mail = db.session.scalars(sa.select(MailMessage).where(MailMessage.recipient == "subsidies@lokeren.be")).one()
    assert mail.subject.startswith("Verlenging van uw project")
    assert "TG-2027-0002-V1" in mail.body and "38.000,00" in mail.body


def test_a_call_without_renewals_refuses_an_extension(factory):
    project = funded_project(factory, funded_call(factory, renewable_times=0))
    with pytest.raises(ops.ReportingError, match="geen verlenging"):
        ops.grant_extension(project, ops.ExtensionData("V1", 12, D("1000.00")), factory.user(role="admin"))


def test_extension_page_keeps_the_history_and_refuses_bad_input_in_dutch(factory, logged_in):
    project = funded_project(factory, amount="40000.00")
    db.session.commit()
    browser, _admin = logged_in("admin")
    url = f"/projects/{project.id}/extend"
    page = browser.get(url).get_data(as_text=True)
    assert 'value="12"' in page and "40.000,00" in page  # same length and amount proposed
    bad = browser.post(url, {"dossier": "", "months": "twaalf", "amount": "-5"}, token_from=url)
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "Dit veld is verplicht." in html and "Geef een geheel getal van 1 tot en met 60." in html
    assert "Een bedrag mag niet negatief zijn." in html and 'value="twaalf"' in html
    ok = browser.post(url, {"dossier": "TG-V1", "months": "12", "amount": "40.000,00",
                            "motivation": "Nieuw dossier."}, token_from=url)
    assert ok.status_code == 302
    page = browser.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "TG-V1" in page and "01-03-2028 - 28-02-2029" in page and "Nieuw dossier." in page


# --------------------------------------------------------------------------- payments


def test_payment_steps_follow_the_records(factory):
    project = funded_project(factory, amount="10000.00")
    admin = factory.user(role="admin")
    advance, balance = project.payments
    with pytest.raises(ops.ReportingError, match="kan niet naar 'betaald' gaan"):
        ops.mark_paid(advance, admin)
    ops.approve_payment(advance, admin)
    with pytest.raises(ops.ReportingError, match="Alleen een terugvordering"):
        ops.mark_reclaimed(advance, admin)
    ops.mark_paid(advance, admin)
    assert advance.status == PaymentStatus.PAID and advance.paid_at is not None
    with pytest.raises(ops.ReportingError):
        ops.approve_payment(balance, admin)  # still waiting for its report
    actions = [e.action for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "payments")
                                                          .order_by(AuditEvent.id))]
    assert actions == ["payment.approve", "payment.pay"]


def test_a_payment_date_in_the_future_is_refused(factory):
    project = funded_project(factory)
    admin = factory.user(role="admin")
    ops.approve_payment(project.payments[0], admin)
    with pytest.raises(ops.ReportingError, match="toekomst"):
        ops.mark_paid(project.payments[0], admin, date(2999, 1, 1))
