"""Reading the follow-up: every lookup goes through the access predicates, and every list loads its
rows in a fixed number of queries (eager loading and aggregates), whatever the number of rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..applications.models import Application
from ..awards.models import Decision, DecisionOutcome, Project
from ..calls.models import Call
from ..extensions import db
from ..organisations.models import Organisation, Partnership
from . import access
from .figures import PaymentLine, ProjectFigures, project_figures
from .models import Extension, Payment, PolicyAction, PolicyActionCall, PolicyPlan, Report, ReportKind
from .operations import last_period, owed_reports_clause, period_closed, status_of, today
from .rules import ProjectStatus, project_status_label
from .states import PaymentStatus, ReportStatus, project_badge

PER_PAGE = 50


def _project_options():
    return (joinedload(Project.application).joinedload(Application.organisation),
            joinedload(Project.application).joinedload(Application.call),
            joinedload(Project.application).selectinload(Application.partnership).selectinload(Partnership.members),
            selectinload(Project.reports), selectinload(Project.payments), selectinload(Project.extensions))


def load_project(project_id: int, user, *, full: bool = True) -> Project | None:
    """The project if this user may see it, else None (the page answers 404)."""
    query = sa.select(Project).where(Project.id == project_id, access.viewable(user)).options(*_project_options())
    if full:
        query = query.options(
            selectinload(Project.reports).selectinload(Report.kpi_values),
            selectinload(Project.reports).selectinload(Report.cost_lines),
            selectinload(Project.reports).selectinload(Report.attachments),
            joinedload(Project.application).selectinload(Application.kpi_values),
            joinedload(Project.application).selectinload(Application.budget_lines),
            joinedload(Project.application).joinedload(Application.call).selectinload(Call.kpis),
            joinedload(Project.application).joinedload(Application.call).selectinload(Call.tranches),
            selectinload(Project.extensions).joinedload(Extension.approved_by))
    return db.session.scalars(query).unique().first()


def report_of(project: Project, report_id: int) -> Report | None:
    return next((r for r in project.reports if r.id == report_id), None)


def payment_visible(payment_id: int, user) -> Payment | None:
    return db.session.scalars(sa.select(Payment).join(Project).where(Payment.id == payment_id, access.viewable(user))
                              .options(joinedload(Payment.project).options(*_project_options()))).unique().first()


# --------------------------------------------------------------------------- facts of a project


@dataclass(frozen=True)
class ProjectFacts:
    project: Project
    status: ProjectStatus
    figures: ProjectFigures
    open_reports: list  # owed by the organisation, by due date
    overdue_reports: list
    next_report: Report | None

    @property
    def status_label(self) -> str:
        return project_status_label(self.status)

    @property
    def badge(self) -> str:
        return project_badge(self.status)

    @property
    def received(self) -> list:
        return [p for p in self.project.payments if p.status == PaymentStatus.PAID]

    @property
    def expected(self) -> list:
        return [p for p in self.project.payments if not p.is_reclaim and p.status in (
            PaymentStatus.PLANNED, PaymentStatus.DUE, PaymentStatus.APPROVED)]


def facts(project: Project, on: date | None = None) -> ProjectFacts:
    on = on or today()
    awarded = project.awarded_amount + sum((e.amount for e in project.extensions), Decimal("0.00"))
    figures = project_figures(awarded, (PaymentLine(p.kind.value, p.status.value, p.amount) for p in project.payments))
    open_reports = [r for r in project.reports if r.state.editable and not period_closed(r)]
    open_reports.sort(key=lambda r: (r.due_date, r.id))
    overdue = [r for r in open_reports if r.due_date < on]
    return ProjectFacts(project=project, status=status_of(project, on), figures=figures, open_reports=open_reports,
                        overdue_reports=overdue, next_report=open_reports[0] if open_reports else None)


def projects_query(user):
    return sa.select(Project).where(access.viewable(user)).options(*_project_options())


def projects_of_call(call_id: int, user) -> list[Project]:
    query = projects_query(user).join(Application, Project.application_id == Application.id).join(
        Organisation, Application.organisation_id == Organisation.id).where(Application.call_id == call_id)
    return list(db.session.scalars(query.order_by(Organisation.name, Project.id)).unique())


def awarded_without_project(call_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Application).join(Decision, Decision.application_id == Application.id)
        .where(Application.call_id == call_id, Decision.outcome == DecisionOutcome.AWARDED,
               ~sa.exists().where(Project.application_id == Application.id))) or 0


def projects_of_user(user) -> list[Project]:
    """The projects of the user's organisations (own and as a partner), newest first."""
    if not getattr(user, "organisation_ids", None):
        return []
    return list(db.session.scalars(projects_query(user).order_by(Project.start_date.desc(), Project.id.desc()))
                .unique())


# --------------------------------------------------------------------------- the agency's lists


class ReportView:
    REVIEW = "review"  # submitted, waiting for the agency
    OVERDUE = "overdue"
    REOPENED = "reopened"  # changes requested
    ALL = "all"


def _report_rows_query():
    return (sa.select(Report).join(Project, Report.project_id == Project.id)
            .join(Application, Project.application_id == Application.id)
            .join(Organisation, Application.organisation_id == Organisation.id)
            .options(joinedload(Report.project).joinedload(Project.application).joinedload(Application.organisation),
                     joinedload(Report.project).joinedload(Project.application).joinedload(Application.call)))


def reports_list(view: str, *, call_id: int | None = None, page: int = 1, on: date | None = None):
    """(reports of this page, total) for the agency's reports list."""
    on = on or today()
    query = _report_rows_query()
    if view == ReportView.REVIEW:
        query = query.where(Report.status == ReportStatus.SUBMITTED).order_by(Report.submitted_at, Report.id)
    elif view == ReportView.OVERDUE:
        query = query.where(owed_reports_clause(), Report.due_date < on).order_by(Report.due_date, Report.id)
    elif view == ReportView.REOPENED:
        query = query.where(Report.status == ReportStatus.CHANGES_REQUESTED).order_by(Report.due_date, Report.id)
    else:
        query = query.order_by(Report.due_date.desc(), Report.id.desc())
    if call_id is not None:
        query = query.where(Application.call_id == call_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique())
    return rows, total or 0


def report_counts(on: date | None = None) -> dict[str, int]:
    on = on or today()
    review = db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                               .where(Report.status == ReportStatus.SUBMITTED))
    overdue = db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                                .where(owed_reports_clause(), Report.due_date < on))
    reopened = db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                                 .where(Report.status == ReportStatus.CHANGES_REQUESTED))
    return {ReportView.REVIEW: review or 0, ReportView.OVERDUE: overdue or 0, ReportView.REOPENED: reopened or 0}


def payments_query(status: PaymentStatus | None = None, call_id: int | None = None):
    query = (sa.select(Payment).join(Project, Payment.project_id == Project.id)
             .join(Application, Project.application_id == Application.id)
             .join(Organisation, Application.organisation_id == Organisation.id)
             .options(joinedload(Payment.project).joinedload(Project.application).joinedload(Application.organisation),
                      joinedload(Payment.project).joinedload(Project.application).joinedload(Application.call)))
    if status is not None:
        query = query.where(Payment.status == status)
    if call_id is not None:
        query = query.where(Application.call_id == call_id)
    # What needs doing first: due and approved payments by date, then the rest.
    order = sa.case((Payment.status.in_([PaymentStatus.DUE, PaymentStatus.APPROVED]), 0),
                    (Payment.status == PaymentStatus.PLANNED, 1), else_=2)
    return query.order_by(order, Payment.due_date.is_(None), Payment.due_date, Organisation.name, Payment.period,
                          Payment.position, Payment.id)


def payment_register(status: PaymentStatus | None, call_id: int | None, page: int):
    query = payments_query(status, call_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique())
    totals = dict(db.session.execute(
        sa.select(Payment.status, sa.func.sum(Payment.amount)).join(Project).join(Application)
        .where(*([Payment.status == status] if status is not None else []),
               *([Application.call_id == call_id] if call_id is not None else []))
        .group_by(Payment.status)).all())
    return rows, total or 0, {PaymentStatus(k): Decimal(v or 0).quantize(Decimal("0.01")) for k, v in totals.items()}


def calls_with_projects() -> list[Call]:
    return list(db.session.scalars(sa.select(Call).where(Call.id.in_(
        sa.select(Application.call_id).join(Project, Project.application_id == Application.id)))
        .order_by(Call.closes_at.desc())))


def page_count(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


# --------------------------------------------------------------------------- policy plans


def plans() -> list[PolicyPlan]:
    return list(db.session.scalars(sa.select(PolicyPlan).order_by(PolicyPlan.id)))


def load_plan(plan_id: int) -> PolicyPlan | None:
    return db.session.scalars(sa.select(PolicyPlan).where(PolicyPlan.id == plan_id).options(
        selectinload(PolicyPlan.actions).selectinload(PolicyAction.call_links).joinedload(PolicyActionCall.call)
    )).unique().first()


def linked_actions() -> dict[int, PolicyAction]:
    """call id -> the action it is linked to (for the plan form's call list)."""
    rows = db.session.scalars(sa.select(PolicyActionCall).options(
        joinedload(PolicyActionCall.action).joinedload(PolicyAction.plan)))
    return {link.call_id: link.action for link in rows}


def all_calls() -> list[Call]:
    return list(db.session.scalars(sa.select(Call).order_by(Call.closes_at.desc(), Call.id.desc())))


def projects_for_calls(call_ids: list[int]) -> list[Project]:
    if not call_ids:
        return []
    return list(db.session.scalars(
        sa.select(Project).join(Application, Project.application_id == Application.id)
        .where(Application.call_id.in_(call_ids)).options(*_project_options())).unique())


def handed_in_counts(call_ids: list[int]) -> dict[int, int]:
    if not call_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Application.call_id, sa.func.count()).where(Application.call_id.in_(call_ids),
                                                              Application.submitted_at.is_not(None))
        .group_by(Application.call_id)).all())


def awards_for_calls(call_ids: list[int]) -> list[tuple[Application, Decision]]:
    """The awarded applications of these calls with their decisions, in the order of their dossier number."""
    if not call_ids:
        return []
    return list(db.session.execute(
        sa.select(Application, Decision).join(Decision, Decision.application_id == Application.id)
        .where(Application.call_id.in_(call_ids), Decision.outcome == DecisionOutcome.AWARDED)
        .options(joinedload(Application.organisation),
                 selectinload(Application.partnership).selectinload(Partnership.members))
        .order_by(Application.call_id, Application.dossier_number, Application.id)).unique().all())


def final_reports_approved(project: Project) -> bool:
    final = next((r for r in project.reports if r.period == last_period(project) and r.kind == ReportKind.FINAL),
                 None)
    return final is not None and final.status == ReportStatus.APPROVED
