"""Reads of applications: scoped to what the user may see, a fixed number of queries per page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, lazyload, selectinload

from ..audit.models import AuditEvent
from ..calls.models import Call
from ..calls.rules import Applicant, check_eligibility
from ..calls.states import CallStatus, SelectionMode
from ..extensions import db
from ..i18n import _, lazy_gettext
from ..organisations.identifiers import normalise_iban
from ..organisations.models import Organisation, PartnershipMember
from ..organisations.states import PartnerStatus
from .access import answerable, viewable
from .models import Application, ApplicationKpi, AttachmentKind, BudgetLine, Contribution, ContributionKind
from .rules import BudgetLineFigures, ChecklistInput, ChecklistItem, build_checklist, duration_months
from .states import ApplicationStatus

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- scoping


def _full_options():
    return (selectinload(Application.budget_lines), selectinload(Application.contributions),
            selectinload(Application.attachments), selectinload(Application.info_requests),
            selectinload(Application.kpi_values).joinedload(ApplicationKpi.kpi),
            selectinload(Application.partnership))


def load_visible(application_id: int, user, *, full: bool = True) -> Application | None:
    """The application if the user may see it, else None (the view answers 404)."""
    query = sa.select(Application).where(Application.id == application_id, viewable(user))
    if full:
        query = query.options(*_full_options())
    return db.session.scalars(query).unique().one_or_none()


def load_answerable(application_id: int, user) -> Application | None:
    """The application whose invitation this user may answer (an invited partner), else None."""
    return db.session.scalars(sa.select(Application).where(Application.id == application_id, answerable(user))
                              .options(selectinload(Application.partnership))).one_or_none()


def invitations_for(user) -> list[Application]:
    """The applications whose partner invitations this user may answer, newest first."""
    return list(db.session.scalars(sa.select(Application).where(answerable(user))
                                   .options(selectinload(Application.partnership))
                                   .order_by(Application.updated_at.desc(), Application.id.desc())))


# --------------------------------------------------------------------------- checklist


def bank_letter_needed(app: Application) -> bool:
    """A confirmation letter is needed when the payout account is not the organisation's known account."""
    if not app.iban:
        return False
    usual = normalise_iban(app.organisation.usual_iban or "")
    return usual != app.iban


def missing_fields(app: Application) -> tuple[str, ...]:
    """The names of the required fields still empty, in the page's language."""
    missing = [label for name, label in (
        ("title", _("titel")), ("summary", _("samenvatting")), ("problem_analysis", _("probleemanalyse")),
        ("objectives", _("doelstellingen")), ("target_groups", _("doelgroepen")), ("activities", _("activiteiten")),
        ("start_date", _("begindatum")), ("end_date", _("einddatum")),
    ) if not getattr(app, name)]
    if not app.requested_amount or app.requested_amount <= 0:
        missing.append(_("gevraagde subsidie"))
    missing += [label for name, label in (
        ("contact_name", _("naam van de contactpersoon")), ("contact_email", _("e-mailadres van de contactpersoon")),
        ("iban", _("rekeningnummer")),
    ) if not getattr(app, name)]
    planned = {v.kpi_id: v.planned_value for v in app.kpi_values}
    missing += [_("streefwaarde '%(name)s'", name=kpi.name) for kpi in app.call.kpis if planned.get(kpi.id) is None]
    if app.call.selection_mode == SelectionMode.SIGN_UP and app.priority is None:
        missing.append(_("prioriteit"))
    return tuple(missing)


def checklist_input(app: Application, now: datetime) -> ChecklistInput:
    call = app.call
    request = app.open_info_request if app.status == ApplicationStatus.INFO_REQUESTED else None
    return ChecklistInput(
        missing=missing_fields(app),
        requested=app.requested_amount or ZERO,
        own_financial=app.contribution_total(ContributionKind.OWN_FINANCIAL),
        own_staff=app.contribution_total(ContributionKind.OWN_STAFF),
        third_party=app.contribution_total(ContributionKind.THIRD_PARTY),
        lines=tuple(BudgetLineFigures(line.category, line.amount, line.description, line.fte, line.months)
                    for line in app.budget_lines),
        eligible_categories=frozenset(call.eligible_cost_categories or ()),
        max_amount=call.max_amount,
        max_amount_per_year=call.max_amount_per_year,
        duration_months=duration_months(app.start_date, app.end_date),
        min_duration_months=call.min_duration_months,
        max_duration_months=call.max_duration_months,
        cofinancing=call.cofinancing_rule,
        waiver=app.waiver,
        waiver_motivation=app.waiver_motivation or "",
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        now=now,
        call_published=call.status == CallStatus.PUBLISHED,
        reopened_until=request.due_at if request is not None else None,
        bank_letter_needed=bank_letter_needed(app),
        bank_letter_present=bool(app.attachments_of(AttachmentKind.BANK_CONFIRMATION)),
        confirmed_partners=tuple(o.name for o in app.partner_organisations),
        unconfirmed_partners=tuple(o.name for o in app.unconfirmed_partners),
        declined_partners=tuple(m.organisation.name for m in app.partner_members
                                if m.status == PartnerStatus.DECLINED),
    )


def checklist_for(app: Application, now: datetime) -> list[ChecklistItem]:
    return build_checklist(checklist_input(app, now))


# --------------------------------------------------------------------------- eligibility


def existing_application_counts(call_ids: list[int], org_ids: list[int]) -> dict[tuple[int, int], int]:
    """(call, organisation) -> applications that count against 'one per organisation':
    its own (not withdrawn) and partnerships of others it has confirmed (an invitation does not count)."""
    if not call_ids or not org_ids:
        return {}
    counts: dict[tuple[int, int], int] = {}
    for call_id, org_id, n in db.session.execute(
            sa.select(Application.call_id, Application.organisation_id, sa.func.count())
            .where(Application.call_id.in_(call_ids), Application.organisation_id.in_(org_ids),
                   Application.status != ApplicationStatus.WITHDRAWN)
            .group_by(Application.call_id, Application.organisation_id)):
        counts[(call_id, org_id)] = counts.get((call_id, org_id), 0) + n
    partner_rows = db.session.execute(
        sa.select(PartnershipMember.call_id, PartnershipMember.organisation_id, sa.func.count())
        .join(Application, Application.partnership_id == PartnershipMember.partnership_id)
        .where(PartnershipMember.call_id.in_(call_ids), PartnershipMember.organisation_id.in_(org_ids),
               PartnershipMember.status == PartnerStatus.CONFIRMED,  # an invitation blocks nothing
               Application.organisation_id != PartnershipMember.organisation_id,
               Application.status != ApplicationStatus.WITHDRAWN)
        .group_by(PartnershipMember.call_id, PartnershipMember.organisation_id))
    for call_id, org_id, n in partner_rows:
        counts[(call_id, org_id)] = counts.get((call_id, org_id), 0) + n
    return counts


def eligibility(call: Call, org: Organisation, existing: int):
    return check_eligibility(call.eligibility_rule(), Applicant(org.id, org.kind.value, org.name),
                             existing_applications=existing)


# --------------------------------------------------------------------------- figures in SQL


@dataclass(frozen=True)
class Figures:
    total_cost: Decimal = ZERO
    own_contribution: Decimal = ZERO
    third_party: Decimal = ZERO


def figures_for(application_ids: list[int]) -> dict[int, Figures]:
    """Totals per application in two aggregate queries, whatever the number of applications."""
    if not application_ids:
        return {}
    costs = dict(db.session.execute(
        sa.select(BudgetLine.application_id, sa.func.coalesce(sa.func.sum(BudgetLine.amount), 0))
        .where(BudgetLine.application_id.in_(application_ids)).group_by(BudgetLine.application_id)).all())
    own_kinds = [ContributionKind.OWN_FINANCIAL, ContributionKind.OWN_STAFF]
    contributions = db.session.execute(
        sa.select(Contribution.application_id,
                  sa.func.coalesce(sa.func.sum(sa.case((Contribution.kind.in_(own_kinds), Contribution.amount),
                                                       else_=0)), 0),
                  sa.func.coalesce(sa.func.sum(sa.case((Contribution.kind == ContributionKind.THIRD_PARTY,
                                                        Contribution.amount), else_=0)), 0))
        .where(Contribution.application_id.in_(application_ids)).group_by(Contribution.application_id)).all()
    own = {row[0]: (row[1], row[2]) for row in contributions}
    cent = Decimal("0.01")
    return {app_id: Figures(total_cost=Decimal(costs.get(app_id, 0)).quantize(cent),
                            own_contribution=Decimal(own.get(app_id, (0, 0))[0]).quantize(cent),
                            third_party=Decimal(own.get(app_id, (0, 0))[1]).quantize(cent))
            for app_id in application_ids}


# --------------------------------------------------------------------------- the agency's list

SORTS = {
    "dossier": (Application.dossier_number.is_(None), Application.dossier_number.asc(), Application.id.asc()),
    "organisation": (sa.func.lower(Organisation.name).asc(), Application.id.asc()),
    "requested": (Application.requested_amount.desc(), Application.id.asc()),
    "submitted": (Application.submitted_at.is_(None), Application.submitted_at.asc(), Application.id.asc()),
    "status": (Application.status.asc(), Application.dossier_number.is_(None), Application.dossier_number.asc()),
}
SORT_LABELS = {"dossier": lazy_gettext("dossiernummer"), "organisation": lazy_gettext("organisatie"),
               "requested": lazy_gettext("gevraagd bedrag"), "submitted": lazy_gettext("indiening"),
               "status": lazy_gettext("status")}


@dataclass(frozen=True)
class ScreeningFilters:
    status: str = ""  # "" = everything handed in; "all" includes drafts
    q: str = ""
    province: str = ""
    kind: str = ""
    sort: str = "dossier"


def screening_list(call: Call, filters: ScreeningFilters) -> list[Application]:
    query = (sa.select(Application).join(Organisation, Application.organisation_id == Organisation.id)
             .where(Application.call_id == call.id))
    if filters.status == "all":
        pass
    elif filters.status in ApplicationStatus.__members__.values():
        query = query.where(Application.status == ApplicationStatus(filters.status))
    else:
        query = query.where(Application.status != ApplicationStatus.DRAFT)
    if filters.q:
        query = query.where(sa.func.lower(Organisation.name).contains(filters.q.lower(), autoescape=True))
    if filters.province:
        query = query.where(Organisation.province == filters.province)
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind)
    query = query.order_by(*SORTS.get(filters.sort, SORTS["dossier"]))
    # The organisation comes from the join above and the call is already in the session: neither is
    # loaded again per row. The list shows only whether an application is a partnership's.
    options = (contains_eager(Application.organisation), lazyload(Application.call))
    return list(db.session.scalars(query.options(*options)).unique())


def status_counts(call: Call) -> dict[ApplicationStatus, int]:
    return {status: n for status, n in db.session.execute(
        sa.select(Application.status, sa.func.count()).where(Application.call_id == call.id)
        .group_by(Application.status))}


def provinces() -> list[str]:
    return list(db.session.scalars(sa.select(Organisation.province).where(Organisation.province.is_not(None))
                                   .distinct().order_by(Organisation.province)))


# --------------------------------------------------------------------------- history


def status_history(app: Application) -> list[AuditEvent]:
    """The audit events of this application that changed its status, oldest first."""
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == Application.__tablename__,
                                    AuditEvent.object_id == app.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)).all()
    return [e for e in events if isinstance(e.changes, dict) and "status" in e.changes]


def all_events(app: Application) -> list[AuditEvent]:
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == Application.__tablename__,
                                    AuditEvent.object_id == app.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())))
