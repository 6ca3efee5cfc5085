"""The only code that changes the follow-up: start a project from an award, save and submit reports,
review them, move payments, extend projects, send reminders, keep the policy plan.

Each operation validates first (a refusal is a ReportingError with a Dutch message), then writes,
records an audit event, queues mail where someone must hear of it, and flushes. None commits: the
request boundary (or the command line's unit of work) does.

The interface for the awards part: `start_project(application, actor=..., start=None)` at
publication. It is idempotent: a second call returns the project the first one created.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context
from sqlalchemy.exc import IntegrityError

from ..applications import storage
from ..applications.models import Application, ContributionKind
from ..applications.rules import duration_months
from ..applications.states import ApplicationStatus
from ..applications.storage import StoredFile, Upload
from ..audit.operations import diff, record
from ..awards.models import Decision, DecisionOutcome, Project
from ..awards.rules import tranche_amounts
from ..calls.models import Call, PaymentTranche
from ..calls.rules import WaiverStatus, minimum_own_contribution
from ..calls.states import TriggerKind
from ..extensions import db
from ..i18n import _, lazy_gettext
from ..links import base_url, external_url
from ..mail_templates import queue_template_mail
from ..money import format_eur
from ..timeutil import to_local, utcnow
from ..unit_of_work import after_commit
from . import rules
from .figures import category_budgets, kpi_targets, scaled_budgets
from .models import (
    Extension, KpiValue, Payment, PolicyAction, PolicyActionCall, PolicyPlan, Report, ReportAttachment,
    ReportCostLine, ReportKind, ReportReminder,
)
from .rules import BalanceInput, BalanceResult, ProjectStatus, ReminderKind
from .states import (
    PAYMENT_STATES, REPORT_STATES, PaymentKind, PaymentStatus, ReportStatus, payment_refusal, report_refusal,
)


class ReportingError(ValueError):
    """A refused change; the message is shown to the user, next to `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.fields = fields or {}


class ReportConflict(ReportingError):
    """Someone else saved this section after the form was loaded; nothing was written."""

    def __init__(self, message: str, *, theirs: list[tuple[str, str]]):
        super().__init__(message)
        self.theirs = theirs


class SubmissionRefused(ReportingError):
    def __init__(self, message: str, *, reasons: list[str]):
        super().__init__(message)
        self.reasons = reasons


class UploadRefused(ReportingError):
    """The file itself is refused (type, size, name); the message goes next to the file field."""


def current_time() -> datetime:
    """The clock the follow-up reads (one place, so tests can move it)."""
    return utcnow()


def today() -> date:
    """Today in Brussels."""
    return to_local(current_time()).date()


# =========================================================================== facts of a project


def awarded_decision(application: Application) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id,
                                                       Decision.outcome == DecisionOutcome.AWARDED))


def kpi_target_map(application: Application):
    """{kpi_id: KpiTarget}: the value confirmed in the award, else the planned one (flagged)."""
    return kpi_targets((k.kpi_id, k.confirmed_value, k.planned_value) for k in application.kpi_values)


def period_amount(project: Project, period: int) -> Decimal:
    if period == 0:
        return project.awarded_amount
    return next(e.amount for e in project.extensions if e.number == period)


def last_period(project: Project) -> int:
    return max((e.number for e in project.extensions), default=0)


def final_report(project: Project, period: int) -> Report | None:
    return next((r for r in project.reports if r.period == period and r.kind == ReportKind.FINAL), None)


def period_closed(report: Report) -> bool:
    """The final report of the report's period is approved: the period is settled."""
    final = final_report(report.project, report.period)
    return final is not None and final.status == ReportStatus.APPROVED


def status_of(project: Project, on: date | None = None) -> ProjectStatus:
    """Op te starten, Opgestart, Lopende or Afgerond, from the dates and the reports of the last period."""
    final = final_report(project, last_period(project))
    return rules.project_status(on or today(), project.start_date, project.end_date,
                                final is not None and final.status == ReportStatus.APPROVED,
                                any(r.submitted_at is not None for r in project.reports))


# =========================================================================== start a project


_KIND_OF_TRIGGER = {TriggerKind.AWARD: PaymentKind.ADVANCE, TriggerKind.REPORT_APPROVED: PaymentKind.INTERIM,
                    TriggerKind.FINAL_REPORT: PaymentKind.BALANCE}


def _project_dates(application: Application, start: date | None) -> tuple[date, date]:
    """The application's own dates; or from `start` (or the call's project start) for the planned length."""
    call = application.call
    begin = start or application.start_date or call.project_start
    if begin is None:
        raise ReportingError(_("Het project heeft geen begindatum: de aanvraag vermeldt er geen en de oproep "
                               "ook niet."))
    planned = duration_months(application.start_date, application.end_date)
    if planned is not None and begin == application.start_date:
        return begin, application.end_date
    return begin, rules.period_end(begin, planned or call.max_duration_months or 12)


def _schedule_reports(project: Project, period: int, begin: date, end: date, budgets: dict[str, Decimal]) -> None:
    call = project.application.call
    for scheduled in rules.report_schedule(begin, end, call.report_months or []):
        report = Report(period=period, kind=ReportKind(scheduled.kind), months=scheduled.months,
                        period_start=scheduled.period_start, period_end=scheduled.period_end,
                        due_date=scheduled.due_date, status=ReportStatus.DRAFT)
        report.cost_lines = [ReportCostLine(position=n, category=category, budgeted=amount)
                             for n, (category, amount) in enumerate(budgets.items(), start=1)]
        project.reports.append(report)


def _schedule_payments(project: Project, period: int, amount: Decimal, on: date) -> None:
    call = project.application.call
    tranches: list[PaymentTranche | None] = list(call.tranches) or [None]
    percents = [t.percent for t in tranches] if tranches != [None] else [Decimal(100)]
    for position, (tranche, share) in enumerate(zip(tranches, tranche_amounts(amount, percents)), start=1):
        trigger = tranche.trigger if tranche is not None else TriggerKind.FINAL_REPORT
        at_once = trigger == TriggerKind.AWARD
        project.payments.append(Payment(
            period=period, position=position, tranche_id=tranche.id if tranche is not None else None,
            kind=_KIND_OF_TRIGGER[trigger], label=tranche.label if tranche is not None else "Saldo",
            status=PaymentStatus.DUE if at_once else PaymentStatus.PLANNED, amount=share,
            iban=project.application.iban or project.application.organisation.usual_iban or "",
            due_date=on if at_once else None))


def application_budgets(application: Application) -> dict[str, Decimal]:
    return category_budgets(((line.category, line.amount) for line in application.budget_lines),
                            list(application.call.eligible_cost_categories or []))


def start_project(application: Application, *, actor, start: date | None = None) -> Project:
    """The project of a published award: its dates, its reporting schedule and its payment tranches.

    The award is the application's Decision with outcome 'awarded' and an amount. The dates are the
    application's (or the call's project start; `start` overrides the start day and keeps the planned
    length). Reports follow call.report_months (rules.report_schedule); payments follow call.tranches
    (awards.rules.tranche_amounts, exact to the cent): a tranche 'at the award' is due at once, the
    others wait for their approved report. Idempotent: an existing project is returned unchanged.
    """
    existing = db.session.scalar(sa.select(Project).where(Project.application_id == application.id))
    if existing is not None:
        return existing
    decision = awarded_decision(application)
    if decision is None or decision.amount is None or decision.amount <= 0:
        raise ReportingError(_("Er is geen toekenning met een bedrag voor deze aanvraag: er kan geen project "
                               "starten."))
    if application.status not in (ApplicationStatus.AWARDED, ApplicationStatus.RUNNING, ApplicationStatus.CLOSED):
        raise ReportingError(_("Een aanvraag met status '%(status)s' wordt geen project: alleen toegekende "
                               "aanvragen.", status=application.status.label))
    begin, end = _project_dates(application, start)
    now = current_time()
    project = Project(application=application, application_id=application.id, awarded_amount=decision.amount,
                      start_date=begin, end_date=end, created_at=now,
                      created_by_id=actor.id if actor is not None else None)
    _schedule_reports(project, 0, begin, end, application_budgets(application))
    _schedule_payments(project, 0, decision.amount, to_local(now).date())
    try:
        with db.session.begin_nested():
            db.session.add(project)
            db.session.flush()
    except IntegrityError:
        # A concurrent start (a double click at publication) created it first: that one stands.
        existing = db.session.scalar(sa.select(Project).where(Project.application_id == application.id))
        if existing is None:
            raise
        return existing
    record("project.start", project, {
        "awarded": [None, decision.amount], "start_date": [None, begin], "end_date": [None, end],
        "reports": [None, [r.label for r in project.reports]],
        "payments": [None, [f"{p.label}: {format_eur(p.amount)}" for p in project.payments]],
    }, actor=actor)
    return project


# =========================================================================== report sections


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy text


SECTIONS = {
    "progress": Section("progress", lazy_gettext("Voortgang, knelpunten en successen")),
    "kpis": Section("kpis", lazy_gettext("Indicatoren (KPI's)")),
    "finances": Section("finances", lazy_gettext("Financieel overzicht en cofinanciering")),
    "attachments": Section("attachments", lazy_gettext("Bijlagen")),
}
FORM_SECTIONS = ("progress", "kpis", "finances")


@dataclass(frozen=True)
class KpiEntry:
    value: Decimal | None
    motivation: str = ""


@dataclass(frozen=True)
class FinanceValues:
    spent: dict[str, Decimal | None]
    own_financial: Decimal | None
    own_staff: Decimal | None
    third_party: Decimal | None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def snapshot(section: str, report: Report) -> dict[str, Any]:
    if section == "progress":
        return {"narrative": report.narrative, "bottlenecks": report.bottlenecks}
    if section == "kpis":
        return {str(v.kpi_id): [_plain(v.value), v.motivation] for v in sorted(report.kpi_values,
                                                                               key=lambda v: v.kpi_id)}
    if section == "finances":
        return {"spent": {line.category: _plain(line.spent) for line in report.cost_lines},
                "own_financial": _plain(report.own_financial_realised),
                "own_staff": _plain(report.own_staff_realised),
                "third_party": _plain(report.third_party_realised)}
    if section == "attachments":
        return {"attachments": [a.stored_name for a in report.attachments]}
    raise KeyError(section)


def fingerprint(section: str, report: Report) -> str:
    return hashlib.sha256(json.dumps(snapshot(section, report), sort_keys=True).encode()).hexdigest()[:32]


def edit_refusal(report: Report) -> str | None:
    """Why the organisation may not change or submit this report now, or None."""
    project = report.project
    if period_closed(report) and not (report.is_final and report.status != ReportStatus.APPROVED):
        final = final_report(project, report.period)
        when = to_local(final.reviewed_at).strftime("%d-%m-%Y") if final and final.reviewed_at else ""
        return _("Het project is afgesloten: het eindverslag werd goedgekeurd op %(date)s. Dit verslag kan niet "
                 "meer gewijzigd of ingediend worden.", date=when)
    if not REPORT_STATES[report.status].editable:
        return _("Een verslag met status '%(status)s' kan niet meer gewijzigd worden.", status=report.status.label)
    return None


def _ensure_editable(report: Report) -> None:
    reason = edit_refusal(report)
    if reason:
        raise ReportingError(reason)


def _touch(report: Report, actor, now: datetime) -> None:
    """Mark the report as changed: this raises its version too, also when only child rows changed."""
    report.updated_at = now
    report.updated_by_id = actor.id if actor is not None else None


def _someone(user) -> str:
    return user.display_name if user is not None else _("iemand anders")


def _conflict(report: Report, section: str) -> ReportConflict:
    when = to_local(report.updated_at).strftime("%d-%m-%Y %H:%M") if report.updated_at else ""
    return ReportConflict(
        _("%(who)s heeft '%(title)s' bewaard op %(moment)s, nadat u dit formulier opende. Er is niets "
          "overschreven. Hieronder staat de bewaarde versie: neem over wat u wilt behouden en bewaar opnieuw.",
          who=_someone(report.updated_by), title=SECTIONS[section].title, moment=when),
        theirs=shown(section, report))


def conflict_after_race(report: Report, section: str) -> ReportConflict:
    return _conflict(report, section)


def shown(section: str, report: Report) -> list[tuple[str, str]]:
    """The saved version of a section as (label, text) pairs, for the conflict box."""
    from ..calls.rules import cost_category_label
    from ..money import format_decimal
    if section == "progress":
        return [(_("Voortgang"), report.narrative), (_("Knelpunten en successen"), report.bottlenecks)]
    if section == "kpis":
        names = {k.id: k.name for k in report.project.application.call.kpis}
        return [(names.get(v.kpi_id, str(v.kpi_id)),
                 " - ".join(t for t in (format_decimal(v.value), v.motivation) if t)) for v in report.kpi_values]
    if section == "finances":
        rows = [(cost_category_label(line.category), format_eur(line.spent)) for line in report.cost_lines]
        return rows + [(_("Eigen financiële inbreng"), format_eur(report.own_financial_realised)),
                       (_("Eigen personeelsinzet"), format_eur(report.own_staff_realised)),
                       (_("Bijdragen van derden"), format_eur(report.third_party_realised))]
    return []


def kpi_problems(report: Report, values: dict[int, KpiEntry], *, final: bool) -> dict[int, str]:
    targets = {kpi_id: t.target for kpi_id, t in kpi_target_map(report.project.application).items()
               if t.target is not None}
    return rules.kpi_shortfalls(targets, {k: v.value for k, v in values.items()},
                                {k: v.motivation for k, v in values.items()}, final=final)


def save_report_section(report: Report, section: str, values: Any, actor, *, loaded_version: int | None,
                        loaded_fingerprint: str) -> dict[str, list[Any]]:
    """Save one section from its plain values. Refused when the report can no longer change, when a
    KPI below its target has no motivation, or when someone else saved the same section meanwhile."""
    if section not in FORM_SECTIONS:
        raise ValueError(f"section {section} has no form")
    _ensure_editable(report)
    if loaded_version != report.version and fingerprint(section, report) != (loaded_fingerprint or ""):
        raise _conflict(report, section)
    before = snapshot(section, report)
    if section == "progress":
        report.narrative, report.bottlenecks = values["narrative"], values["bottlenecks"]
    elif section == "kpis":
        problems = kpi_problems(report, values, final=False)
        if problems:
            raise ReportingError(_("Motiveer elke indicator die onder de doelstelling uit de toekenning blijft."),
                                 fields={str(k): v for k, v in problems.items()})
        known = {k.id for k in report.project.application.call.kpis}
        existing = {v.kpi_id: v for v in report.kpi_values}
        for kpi_id, entry in values.items():
            if kpi_id not in known:
                continue
            row = existing.get(kpi_id)
            if entry.value is None and not entry.motivation:
                if row is not None:
                    report.kpi_values.remove(row)
                continue
            if row is None:
                row = KpiValue(kpi_id=kpi_id)
                report.kpi_values.append(row)
            row.value, row.motivation = entry.value, entry.motivation
    elif section == "finances":
        for line in report.cost_lines:
            if line.category in values.spent:
                line.spent = values.spent[line.category]
        report.own_financial_realised = values.own_financial
        report.own_staff_realised = values.own_staff
        report.third_party_realised = values.third_party
    changes = diff(before, snapshot(section, report))
    if changes:
        _touch(report, actor, current_time())
        db.session.flush()
        record("report.update", report, changes, actor=actor, reason=str(SECTIONS[section].title))
    return changes


# --------------------------------------------------------------------------- attachments


def upload_dir() -> str:
    return storage.configured_upload_dir()


def _store(upload: Upload) -> StoredFile:
    try:
        return storage.store_in_transaction(upload)
    except storage.UploadError as exc:
        raise UploadRefused(str(exc)) from exc


def upload_report_attachment(report: Report, upload: Upload, actor) -> ReportAttachment:
    """Store a file with the same checks as an application's attachments and add it to the report."""
    _ensure_editable(report)
    stored = _store(upload)
    now = current_time()
    attachment = ReportAttachment(original_name=stored.original_name, stored_name=stored.stored_name,
                                  content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                  uploaded_at=now, uploaded_by_id=actor.id if actor is not None else None)
    report.attachments.append(attachment)
    _touch(report, actor, now)
    db.session.flush()
    record("report.attachment_add", report, {"attachment": [None, stored.original_name]}, actor=actor)
    return attachment


def delete_report_attachment(report: Report, attachment: ReportAttachment, actor) -> str:
    _ensure_editable(report)
    name, stored_name = attachment.original_name, attachment.stored_name
    report.attachments.remove(attachment)
    _touch(report, actor, current_time())
    directory = upload_dir()
    after_commit(lambda: storage.remove(directory, stored_name))
    db.session.flush()
    record("report.attachment_delete", report, {"attachment": [name, None]}, actor=actor)
    return name


# =========================================================================== submit and review


def submission_problems(report: Report) -> list[str]:
    """What keeps this report from being submitted (empty when it may go), in Dutch."""
    problems = []
    if not report.narrative.strip():
        problems.append(_("Beschrijf de voortgang van het project."))
    if report.is_final and not report.bottlenecks.strip():
        problems.append(_("Beschrijf de knelpunten en successen van het project."))
    values = {v.kpi_id: KpiEntry(v.value, v.motivation) for v in report.kpi_values}
    names = {k.id: k.name for k in report.project.application.call.kpis}
    for kpi_id, message in kpi_problems(report, values, final=report.is_final).items():
        problems.append(f"{names.get(kpi_id, kpi_id)}: {message}")
    if report.is_final:
        missing = [line for line in report.cost_lines if line.spent is None]
        if missing:
            problems.append(_("Vul in het financieel overzicht de uitgaven van elke kostensoort in (0 als er geen "
                              "waren)."))
        if report.own_financial_realised is None and report.own_staff_realised is None:
            problems.append(_("Vul de gerealiseerde eigen bijdrage in (0 als er geen was)."))
    return problems


def _recipients(project: Project, *extra) -> list[str | None]:
    app = project.application
    return [*extra, app.organisation.contact_email, app.contact_email,
            app.submitted_by.email if app.submitted_by else None]


def _link(endpoint: str, **values) -> str:
    """An absolute link for a mail, also from the command line (send-reminders has no request)."""
    if has_request_context():
        return external_url(endpoint, **values)
    with current_app.test_request_context(base_url=base_url()):
        return external_url(endpoint, **values)


def _report_url(report: Report) -> str:
    return _link("reporting.report", project_id=report.project_id, report_id=report.id)


def submit_report(report: Report, actor, *, loaded_version: int | None = None) -> Report:
    _ensure_editable(report)
    if loaded_version is not None and loaded_version != report.version:
        raise ReportingError(_("Het verslag werd intussen gewijzigd door %(who)s. Bekijk het opnieuw en dien "
                               "het dan in.", who=_someone(report.updated_by)))
    problems = submission_problems(report)
    if problems:
        raise SubmissionRefused(_("Het verslag kan nog niet ingediend worden."), reasons=problems)
    now = current_time()
    changes = {"status": [report.status, ReportStatus.SUBMITTED]}
    resubmission = report.status == ReportStatus.CHANGES_REQUESTED
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by_id = now, actor.id if actor is not None else None
    _touch(report, actor, now)
    db.session.flush()
    record("report.resubmit" if resubmission else "report.submit", report, changes, actor=actor)
    project = report.project
    queue_template_mail(
        _recipients(project, getattr(actor, "email", None)), "report_submitted",
        lazy_gettext("Verslag ingediend: %(report)s, %(title)s", report=report.label,
                     title=project.application.title),
        report=report.label, title=project.application.title, organisation=project.application.organisation.name,
        dossier_number=project.application.dossier_number, submitted_at=now, resubmission=resubmission,
        submitted_by=_someone(actor), view_url=_report_url(report))
    return report


def balance_input(report: Report) -> BalanceInput:
    """The figures of the final settlement of the report's period (its values as they stand now)."""
    project = report.project
    app = project.application
    call = app.call
    amount = period_amount(project, report.period)
    budget = sum((line.budgeted for line in report.cost_lines), Decimal("0.00"))
    if app.waiver == WaiverStatus.ACCEPTED:
        required = Decimal("0.00")
    else:
        required = minimum_own_contribution(call.cofinancing_rule, amount,
                                            app.contribution_total(ContributionKind.THIRD_PARTY))
    paid = tuple(p.amount for p in project.payments
                 if p.period == report.period and not p.is_reclaim
                 and p.status in (PaymentStatus.DUE, PaymentStatus.APPROVED, PaymentStatus.PAID))
    return BalanceInput(awarded=amount, budget_total=budget if budget > 0 else amount,
                        spent=report.spent_total or Decimal("0.00"), own_required=required,
                        own_realised=report.own_realised or Decimal("0.00"), recipient=app.organisation.name,
                        paid=paid, partnership=app.partnership is not None)


def settlement_preview(report: Report) -> BalanceResult | None:
    """What the final settlement would be on the report's figures now (None for an interim report)."""
    if not report.is_final:
        return None
    return rules.compute_balance(balance_input(report))


def _settle(report: Report, result: BalanceResult, on: date) -> list[str]:
    """Turn the period's waiting tranches into the balance (or let them lapse) and add a reclaim."""
    project = report.project
    waiting = [p for p in project.payments if p.period == report.period and p.status == PaymentStatus.PLANNED]
    changes = []
    balance_row = next((p for p in waiting if p.kind == PaymentKind.BALANCE), waiting[-1] if waiting else None)
    for payment in waiting:
        if payment is balance_row and result.balance > 0:
            continue
        payment.status = PaymentStatus.CANCELLED
        changes.append(f"{payment.label}: {PaymentStatus.CANCELLED.label}")
    if result.balance > 0:
        if balance_row is None:
            balance_row = Payment(period=report.period, position=len(project.payments) + 1, kind=PaymentKind.BALANCE,
                                  label="Saldo", iban=project.application.iban or "")
            project.payments.append(balance_row)
        balance_row.kind = PaymentKind.BALANCE
        balance_row.amount, balance_row.status, balance_row.due_date = result.balance, PaymentStatus.DUE, on
        changes.append(f"{balance_row.label}: {format_eur(result.balance)}")
    if result.reclaim > 0:
        project.payments.append(Payment(period=report.period, position=len(project.payments) + 1,
                                        kind=PaymentKind.RECLAIM, label="Terugvordering", amount=result.reclaim,
                                        status=PaymentStatus.DUE, due_date=on,
                                        iban=project.application.organisation.usual_iban or ""))
        changes.append(f"Terugvordering: {format_eur(result.reclaim)}")
    return changes


def _release_interim_tranche(report: Report, on: date) -> list[str]:
    """The next tranche that waits for an approved interim report becomes due."""
    waiting = [p for p in report.project.payments if p.period == report.period and p.status == PaymentStatus.PLANNED
               and p.kind == PaymentKind.INTERIM]
    if not waiting:
        return []
    payment = waiting[0]
    payment.status, payment.due_date = PaymentStatus.DUE, on
    return [f"{payment.label}: {format_eur(payment.amount)}"]


def review_report(report: Report, *, approve: bool, remarks: str, actor) -> Report:
    """Approve the report, or ask for changes with remarks (which reopens it for the organisation).

    Approving an interim report makes the next interim tranche due; approving the final report
    settles the period: the balance is computed (rules.compute_balance) and stored line by line."""
    target = ReportStatus.APPROVED if approve else ReportStatus.CHANGES_REQUESTED
    if not REPORT_STATES.can(report.status, target):
        raise ReportingError(report_refusal(report.status, target))
    remarks = (remarks or "").strip()
    if not approve and not remarks:
        raise ReportingError(_("Schrijf welke aanpassingen nodig zijn: de organisatie krijgt uw opmerkingen."),
                             field="remarks")
    now = current_time()
    on = to_local(now).date()
    changes: dict[str, Any] = {"status": [report.status, target]}
    payments: list[str] = []
    if approve and report.is_final:
        result = rules.compute_balance(balance_input(report))
        report.settlement = {"awarded": str(result.awarded), "due": str(result.due), "paid": str(result.paid_total),
                             "balance": str(result.balance), "reclaim": str(result.reclaim),
                             "counterparty": result.counterparty, "lines": list(result.lines)}
        changes["settlement"] = [None, {"due": result.due, "balance": result.balance, "reclaim": result.reclaim}]
        payments = _settle(report, result, on)
    elif approve:
        payments = _release_interim_tranche(report, on)
    if payments:
        changes["payments"] = [None, payments]
    report.status = target
    report.reviewed_at, report.reviewed_by_id, report.review_comment = now, actor.id, remarks
    _touch(report, actor, now)
    db.session.flush()
    record("report.approve" if approve else "report.request_changes", report, changes, actor=actor,
           reason=remarks or None)
    project = report.project
    subject = (lazy_gettext("Verslag goedgekeurd: %(report)s, %(title)s", report=report.label,
                            title=project.application.title) if approve else
               lazy_gettext("Aanpassingen gevraagd: %(report)s, %(title)s", report=report.label,
                            title=project.application.title))
    queue_template_mail(
        _recipients(project, report.submitted_by.email if report.submitted_by else None),
        "report_approved" if approve else "report_changes_requested", subject,
        report=report.label, title=project.application.title, dossier_number=project.application.dossier_number,
        remarks=remarks, settlement=report.settlement if approve and report.is_final else None,
        view_url=_report_url(report))
    return report


# =========================================================================== payments


def _move_payment(payment: Payment, target: PaymentStatus, actor, action: str, **values) -> Payment:
    if not PAYMENT_STATES.can(payment.status, target, None) or target not in PAYMENT_STATES[payment.status].targets:
        raise ReportingError(payment_refusal(payment.status, target))
    if target == PaymentStatus.PAID and payment.is_reclaim:
        raise ReportingError(_("Een terugvordering wordt niet betaald maar teruggevorderd."))
    if target == PaymentStatus.RECLAIMED and not payment.is_reclaim:
        raise ReportingError(_("Alleen een terugvordering kan als teruggevorderd gemarkeerd worden."))
    changes = {"status": [payment.status, target]}
    payment.status = target
    for name, value in values.items():
        changes[name] = [getattr(payment, name), value]
        setattr(payment, name, value)
    db.session.flush()
    record(action, payment, changes, actor=actor)
    return payment


def approve_payment(payment: Payment, actor) -> Payment:
    return _move_payment(payment, PaymentStatus.APPROVED, actor, "payment.approve", approved_at=current_time(),
                         approved_by_id=actor.id)


def _settled_at(on: date | None) -> datetime:
    now = current_time()
    if on is None or on == to_local(now).date():
        return now
    if on > to_local(now).date():
        raise ReportingError(_("De datum ligt in de toekomst."), field="on")
    from ..timeutil import from_local
    return from_local(datetime.combine(on, datetime.min.time().replace(hour=12)))


def mark_paid(payment: Payment, actor, on: date | None = None) -> Payment:
    payment = _move_payment(payment, PaymentStatus.PAID, actor, "payment.pay", paid_at=_settled_at(on),
                            settled_by_id=actor.id)
    project = payment.project
    queue_template_mail(
        _recipients(project), "payment_paid",
        lazy_gettext("Betaling van %(amount)s: %(title)s", amount=format_eur(payment.amount),
                     title=project.application.title),
        amount=payment.amount, label=payment.label, iban=payment.iban, title=project.application.title,
        dossier_number=project.application.dossier_number,
        view_url=_link("reporting.project", project_id=project.id))
    return payment


def mark_reclaimed(payment: Payment, actor, on: date | None = None) -> Payment:
    return _move_payment(payment, PaymentStatus.RECLAIMED, actor, "payment.reclaim", paid_at=_settled_at(on),
                         settled_by_id=actor.id)


PAYMENT_ACTIONS = {"approve": approve_payment, "pay": mark_paid, "reclaim": mark_reclaimed}


# =========================================================================== extensions


@dataclass(frozen=True)
class ExtensionData:
    dossier: str
    months: int
    amount: Decimal
    budget_total: Decimal | None = None  # None: the original budget (the same amount again)
    motivation: str = ""


def extension_refusal(project: Project) -> str | None:
    return rules.extension_allowed(len(project.extensions), project.application.call.renewable_times or 0)


def grant_extension(project: Project, data: ExtensionData, actor) -> Extension:
    """Renew the project for another period after a new dossier, for the same or a new amount.

    Up to call.renewable_times. The new period starts the day after the current end; it gets its own
    reports (call.report_months) and its own tranches (call.tranches) for the new amount."""
    refusal = extension_refusal(project)
    if refusal:
        raise ReportingError(refusal)
    if not data.dossier.strip():
        raise ReportingError(_("Vermeld het nieuwe dossier waarop de verlenging steunt."), field="dossier")
    if data.amount <= 0:
        raise ReportingError(_("Het bedrag van de verlenging moet groter dan nul zijn."), field="amount")
    call = project.application.call
    if call.max_amount and data.amount > call.max_amount:
        raise ReportingError(_("Hoogstens %(maximum)s voor deze oproep.", maximum=format_eur(call.max_amount)),
                             field="amount")
    if data.months < 1 or data.months > 60:
        raise ReportingError(_("Geef een duur van 1 tot en met 60 maanden."), field="months")
    begin, end = rules.next_period(project.end_date, data.months)
    number = len(project.extensions) + 1
    original = application_budgets(project.application)
    base_total = sum(original.values(), Decimal("0.00"))
    budget_total = data.budget_total if data.budget_total is not None else (base_total or data.amount)
    if budget_total < data.amount:
        raise ReportingError(_("De begroting van het nieuwe dossier (%(budget)s) is kleiner dan het bedrag van de "
                               "verlenging.", budget=format_eur(budget_total)), field="budget_total")
    budgets = scaled_budgets(original, budget_total) if base_total > 0 else {"operating": budget_total}
    now = current_time()
    extension = Extension(number=number, dossier=data.dossier.strip(), start_date=begin, end_date=end,
                          previous_end_date=project.end_date, amount=data.amount, budget_total=budget_total,
                          motivation=data.motivation.strip(), approved_at=now, approved_by_id=actor.id,
                          created_at=now)
    project.extensions.append(extension)
    previous_end = project.end_date
    project.end_date = end
    _schedule_reports(project, number, begin, end, budgets)
    _schedule_payments(project, number, data.amount, to_local(now).date())
    db.session.flush()
    record("project.extend", project, {"end_date": [previous_end, end], "extension": [None, number],
                                       "amount": [None, data.amount], "dossier": [None, extension.dossier]},
           actor=actor, reason=extension.motivation or None)
    queue_template_mail(
        _recipients(project), "project_extended",
        lazy_gettext("Verlenging van uw project: %(title)s", title=project.application.title),
        title=project.application.title, dossier_number=project.application.dossier_number, number=number,
        start=begin, end=end, amount=data.amount, dossier=extension.dossier,
        view_url=_link("reporting.project", project_id=project.id))
    return extension


# =========================================================================== reminders


@dataclass(frozen=True)
class ReminderDue:
    report_id: int
    kind: ReminderKind


def owed_reports_clause():
    """SQL: a report the organisation still owes (draft or reopened) whose period is not settled."""
    final = sa.orm.aliased(Report)
    settled = sa.exists().where(final.project_id == Report.project_id, final.period == Report.period,
                                final.kind == ReportKind.FINAL, final.status == ReportStatus.APPROVED)
    return sa.and_(Report.status.in_([ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED]), ~settled)


def reminders_to_send(on: date) -> list[ReminderDue]:
    """The reminders due on `on` (Brussels date): rules.reminders_due over the owed reports whose due date
    lies within the reminder window, minus the reminders already sent."""
    window_start = on - timedelta(days=max(rules.REMINDER_KINDS.values()) + 31)
    window_end = on + timedelta(days=-min(rules.REMINDER_KINDS.values()))
    rows = db.session.execute(sa.select(Report.id, Report.due_date).where(
        owed_reports_clause(), Report.due_date.between(window_start, window_end))
        .order_by(Report.due_date, Report.id)).all()
    if not rows:
        return []
    sent = {(r.report_id, r.kind.value) for r in db.session.execute(
        sa.select(ReportReminder.report_id, ReportReminder.kind).where(
            ReportReminder.report_id.in_([row.id for row in rows])))}
    due = rules.reminders_due(on, [rules.ReportDue(row.id, row.due_date, False) for row in rows], sent)
    return [ReminderDue(r.report_id, r.kind) for r in due]


def _claim(report_id: int, kind: ReminderKind, now: datetime, recipients: str) -> bool:
    """Insert the (report, kind) row unless it exists: True when this run claimed it. Two runs that
    overlap both try; the unique key lets exactly one insert win, the other inserts nothing."""
    table = ReportReminder.__table__
    values = {"report_id": report_id, "kind": kind.value, "sent_at": now,
              "recipients": recipients}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two databases we run on
        raise RuntimeError(f"no insert-or-skip for {dialect}")
    statement = insert(table).values(**values).on_conflict_do_nothing(
        index_elements=["report_id", "kind"]).returning(table.c.id)
    return db.session.execute(statement).scalar() is not None


def send_reminder(due: ReminderDue) -> bool:
    """Claim the reminder and queue its mail, in the caller's transaction; False when another run had it
    or the report no longer needs it."""
    report = db.session.get(Report, due.report_id)
    if report is None or not REPORT_STATES[report.status].editable or period_closed(report):
        return False
    project = report.project
    recipients = [a for a in dict.fromkeys(_recipients(project)) if a]
    now = current_time()
    if not _claim(report.id, due.kind, now, ", ".join(recipients)):
        return False
    overdue = due.kind in (ReminderKind.OVERDUE_1, ReminderKind.OVERDUE_14)
    subject = (lazy_gettext("Herinnering: het %(report)s van '%(title)s' is te laat", report=report.label.lower(),
                            title=project.application.title) if overdue else
               lazy_gettext("Herinnering: het %(report)s van '%(title)s' is binnenkort verwacht",
                            report=report.label.lower(), title=project.application.title))
    queue_template_mail(recipients, "report_reminder", subject, report=report.label,
                        title=project.application.title, dossier_number=project.application.dossier_number,
                        due_date=report.due_date, overdue=overdue, view_url=_report_url(report))
    return True


# =========================================================================== the policy plan


@dataclass(frozen=True)
class PlanData:
    title: str
    description: str = ""


@dataclass(frozen=True)
class ActionData:
    number: str
    title: str
    ministers: str = ""
    domains: str = ""
    stakeholders: str = ""
    status_override: str | None = None
    call_ids: tuple[int, ...] = field(default_factory=tuple)


def save_plan(plan: PolicyPlan | None, data: PlanData, actor) -> PolicyPlan:
    if not data.title.strip():
        raise ReportingError(_("Geef het plan een titel."), field="title")
    before = {"title": plan.title, "description": plan.description} if plan else {}
    if plan is None:
        plan = PolicyPlan(title="", description="")
        db.session.add(plan)
    plan.title, plan.description = data.title.strip(), data.description.strip()
    db.session.flush()
    record("plan.save", plan, diff(before, {"title": plan.title, "description": plan.description}), actor=actor)
    return plan


def save_action(plan: PolicyPlan, action: PolicyAction | None, data: ActionData, actor) -> PolicyAction:
    """Add or change an action of the plan and the calls linked to it (a call to one action at most)."""
    number = data.number.strip()
    if not number:
        raise ReportingError(_("Geef het nummer van de actie, bijvoorbeeld 14.2."), field="number")
    if not data.title.strip():
        raise ReportingError(_("Geef de titel van de actie."), field="title")
    if data.status_override not in (None, "", *[s.value for s in ProjectStatus]):
        raise ReportingError(_("Kies een status uit de lijst."), field="status_override")
    clash = db.session.scalar(sa.select(PolicyAction).where(PolicyAction.plan_id == plan.id,
                                                            PolicyAction.number == number))
    if clash is not None and clash is not action:
        raise ReportingError(_("Het plan heeft al een actie %(number)s.", number=number), field="number")
    call_ids = sorted(set(data.call_ids))
    if call_ids:
        found = set(db.session.scalars(sa.select(Call.id).where(Call.id.in_(call_ids))))
        if found != set(call_ids):
            raise ReportingError(_("Kies oproepen uit de lijst."), field="call_ids")
        taken = db.session.execute(
            sa.select(PolicyActionCall.call_id, PolicyAction.number, PolicyPlan.title, Call.title)
            .join(PolicyAction, PolicyActionCall.action_id == PolicyAction.id)
            .join(PolicyPlan, PolicyAction.plan_id == PolicyPlan.id).join(Call, Call.id == PolicyActionCall.call_id)
            .where(PolicyActionCall.call_id.in_(call_ids),
                   PolicyActionCall.action_id != (action.id if action is not None else -1))).all()
        if taken:
            row = taken[0]
            raise ReportingError(_("De oproep '%(call)s' hoort al bij actie %(number)s van '%(plan)s'.",
                                   call=row[3], number=row[1], plan=row[2]), field="call_ids")
    before = _action_snapshot(action) if action is not None else {}
    if action is None:
        position = 1 + max((a.position for a in plan.actions), default=0)
        action = PolicyAction(position=position, number=number, title="")
        plan.actions.append(action)
    action.number, action.title = number, data.title.strip()
    action.ministers, action.domains = data.ministers.strip(), data.domains.strip()
    action.stakeholders = data.stakeholders.strip()
    action.status_override = data.status_override or None
    have = {link.call_id: link for link in action.call_links}
    for call_id in list(have):
        if call_id not in call_ids:
            action.call_links.remove(have[call_id])
    for call_id in call_ids:
        if call_id not in have:
            action.call_links.append(PolicyActionCall(call_id=call_id))
    db.session.flush()
    record("plan.action_save", action, diff(before, _action_snapshot(action)), actor=actor)
    return action


def _action_snapshot(action: PolicyAction) -> dict[str, Any]:
    return {"number": action.number, "title": action.title, "ministers": action.ministers,
            "domains": action.domains, "stakeholders": action.stakeholders,
            "status_override": action.status_override, "calls": sorted(link.call_id for link in action.call_links)}


def delete_action(action: PolicyAction, actor) -> None:
    record("plan.action_delete", action, diff(_action_snapshot(action), {}), actor=actor)
    db.session.delete(action)
    db.session.flush()


def start_projects_of_call(call: Call, actor) -> list[Project]:
    """Start the projects of every awarded application of the call that has none yet."""
    applications = db.session.scalars(
        sa.select(Application).join(Decision, Decision.application_id == Application.id)
        .where(Application.call_id == call.id, Decision.outcome == DecisionOutcome.AWARDED,
               Application.status.in_([ApplicationStatus.AWARDED, ApplicationStatus.RUNNING]),
               ~sa.exists().where(Project.application_id == Application.id))
        .order_by(Application.dossier_number)).all()
    return [start_project(app, actor=actor) for app in applications]


def kpi_rows(report: Report) -> list[dict[str, Any]]:
    """Per KPI of the call: its name, unit, target (confirmed, or planned and said so), realised value,
    motivation and whether it falls short, for the report's pages."""
    targets = kpi_target_map(report.project.application)
    values = {v.kpi_id: v for v in report.kpi_values}
    rows = []
    for kpi in report.project.application.call.kpis:
        target = targets.get(kpi.id)
        value = values.get(kpi.id)
        realised = value.value if value is not None else None
        short = (target is not None and target.target is not None and realised is not None
                 and realised < target.target)
        rows.append({"kpi": kpi, "target": target.target if target else None,
                     "confirmed": bool(target and target.confirmed), "value": realised,
                     "motivation": value.motivation if value is not None else "", "short": short})
    return rows


__all__ = [
    "ActionData", "ExtensionData", "FinanceValues", "KpiEntry", "PAYMENT_ACTIONS", "PlanData", "ReminderDue",
    "ReportConflict", "ReportingError", "SECTIONS", "SubmissionRefused", "UploadRefused", "approve_payment",
    "balance_input", "delete_action", "delete_report_attachment", "edit_refusal", "extension_refusal",
    "grant_extension", "kpi_rows", "mark_paid", "mark_reclaimed", "reminders_to_send", "review_report",
    "save_action", "save_plan", "save_report_section", "send_reminder", "settlement_preview", "start_project",
    "start_projects_of_call", "status_of", "submit_report", "upload_report_attachment",
]
