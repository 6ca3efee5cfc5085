"""Reads of applications: scoped to what the user may see, a fixed number of queries per page."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..audit.models import AuditEvent
from ..calls.models import Call
from ..calls.rules import Applicant, check_eligibility, format_dossier_number
from ..calls.states import CallStatus, SelectionMode
from ..extensions import db
from ..i18n import _, lazy_gettext
from ..organisations.identifiers import normalise_iban
from ..organisations.models import Organisation, OrganisationKind, PartnershipMember
from ..organisations.states import PartnerStatus
from ..timeutil import to_local
from .access import answerable, viewable
from .models import Application, ApplicationKpi, AttachmentKind, BudgetLine, Contribution, ContributionKind
from .rules import (
    BudgetLineFigures, ChecklistInput, ChecklistItem, build_checklist, duration_months, screening_checklist,
)
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


def missing_fields(app: Application, requested: Decimal | None = None) -> tuple[str, ...]:
    """The names of the required fields still empty, in the page's language (`requested`: the requested
    amount as typed on the financing page, when the checklist is run on values not saved yet)."""
    missing = [label for name, label in (
        ("title", _("titel")), ("summary", _("samenvatting")), ("problem_analysis", _("probleemanalyse")),
        ("objectives", _("doelstellingen")), ("target_groups", _("doelgroepen")), ("activities", _("activiteiten")),
        ("start_date", _("begindatum")), ("end_date", _("einddatum")),
    ) if not getattr(app, name)]
    requested = app.requested_amount if requested is None else requested
    if not requested or requested <= 0:
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


def screening_checklist_for(app: Application, now: datetime) -> list[ChecklistItem]:
    """The checklist as the agency sees it (the deadline item says when it was handed in)."""
    return screening_checklist(checklist_input(app, now), app.submitted_at)


LIVE_SECTIONS = ("budget", "financing")  # the sections whose typed values the live checklist checks


def overlaid_checklist_input(app: Application, now: datetime, section: str, values: dict) -> ChecklistInput:
    """The checklist input of the saved application with one section's typed (not saved) values in place.

    `values` are what sections.values_from_form gives for the budget or the financing. Nothing is
    written to the application: the input is a new frozen value, so the live check can never save."""
    from .sections import waiver_after
    saved = checklist_input(app, now)
    if section == "budget":
        return replace(saved, lines=tuple(BudgetLineFigures(line.category, line.amount, line.description, line.fte,
                                                            line.months) for line in values["lines"]))
    if section == "financing":
        requested = values.get("requested_amount") or ZERO
        motivation = (values.get("waiver_motivation") or "") if app.call.waiver_allowed else ""
        return replace(
            saved, missing=missing_fields(app, requested=requested), requested=requested,
            own_financial=values.get("own_financial") or ZERO, own_staff=values.get("own_staff") or ZERO,
            third_party=sum((row.amount for row in values.get("third_party", [])), ZERO),
            waiver=waiver_after(app.waiver, app.waiver_motivation or "", motivation), waiver_motivation=motivation)
    raise ValueError(f"section {section} has no live check")


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
    "status": (Application.status.asc(), Application.dossier_number.is_(None), Application.dossier_number.asc(),
               Application.id.asc()),
}  # each order ends in the id: a page is the same rows however often it is read
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


SCREENING_PAGE_SIZE = 50


@dataclass(frozen=True)
class ApplicationLine:
    """The application's own values at the start of every list row (screening, API), read by
    LINE_COLUMNS in this order."""
    id: int
    dossier_number: str | None
    title: str
    status: ApplicationStatus
    requested_amount: Decimal
    submitted_at: datetime | None


LINE_COLUMNS = (Application.id, Application.dossier_number, Application.title, Application.status,
                Application.requested_amount, Application.submitted_at)


@dataclass(frozen=True)
class ScreeningRow(ApplicationLine):
    """One line of the agency's list: plain values read in one query with the page (no ORM objects)."""
    partnership_id: int | None
    organisation_name: str
    organisation_kind: OrganisationKind
    organisation_province: str | None
    own_contribution: Decimal
    total_cost: Decimal


@dataclass(frozen=True)
class ScreeningSummary:
    """Over every row that passes the filters (not just the page): counted and added up in SQL."""
    count: int
    requested: Decimal


def _screening_conditions(call: Call, filters: ScreeningFilters) -> list:
    conditions = [Application.call_id == call.id]
    if filters.status == "all":
        pass
    elif filters.status in ApplicationStatus.__members__.values():
        conditions.append(Application.status == ApplicationStatus(filters.status))
    else:
        conditions.append(Application.status != ApplicationStatus.DRAFT)
    if filters.q:
        conditions.append(sa.func.lower(Organisation.name).contains(filters.q.lower(), autoescape=True))
    if filters.province:
        conditions.append(Organisation.province == filters.province)
    if filters.kind:
        conditions.append(Organisation.kind == filters.kind)
    return conditions


def _joined_organisation(query: sa.Select, filters: ScreeningFilters | None = None) -> sa.Select:
    """The query over applications, joined to their organisation when the filters or the order need it.

    Without the join the count, the sum and the page of ids come from the index on (call, status,
    dossier number, amount, submission, organisation) alone: an application's row is wide (its texts),
    and reading thousands of them for a count is what made a large call slow."""
    query = query.select_from(Application)
    if filters is None or filters.q or filters.province or filters.kind or filters.sort == "organisation":
        query = query.join(Organisation, Application.organisation_id == Organisation.id)
    return query


def screening_summary(call: Call, filters: ScreeningFilters) -> ScreeningSummary:
    """How many applications pass the filters and what they ask together, in one aggregate query."""
    count, requested = db.session.execute(_joined_organisation(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Application.requested_amount), 0)), filters)
        .where(*_screening_conditions(call, filters))).one()
    return ScreeningSummary(count=count, requested=_cents(requested))


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _figure_subqueries():
    """The total cost and own contribution of the application of the outer row, as correlated subqueries
    (indexed on application_id: one lookup per row of the page, in the same statement)."""
    total_cost = (sa.select(sa.func.coalesce(sa.func.sum(BudgetLine.amount), 0))
                  .where(BudgetLine.application_id == Application.id).scalar_subquery())
    own = (sa.select(sa.func.coalesce(sa.func.sum(Contribution.amount), 0))
           .where(Contribution.application_id == Application.id,
                  Contribution.kind.in_([ContributionKind.OWN_FINANCIAL, ContributionKind.OWN_STAFF]))
           .scalar_subquery())
    return total_cost, own


def _page_of_ids(query: sa.Select, order: tuple, page) -> sa.Subquery:
    """The ids of one page, sorted and cut in a subquery: the figures (correlated subqueries) are then
    computed for the rows of the page only, not for every row the sort has to look at."""
    return query.order_by(*order).limit(page.size).offset(page.offset).subquery("page_ids")


def screening_rows(call: Call, filters: ScreeningFilters, page) -> list[ScreeningRow]:
    """One page of the list, in the chosen order (each order ends in the id, so pages never overlap)."""
    order = SORTS.get(filters.sort, SORTS["dossier"])
    ids = _page_of_ids(_joined_organisation(sa.select(Application.id), filters)
                       .where(*_screening_conditions(call, filters)), order, page)
    total_cost, own = _figure_subqueries()
    query = _lines_of(ids, order, Application.partnership_id, Organisation.name, Organisation.kind,
                      Organisation.province, own, total_cost)
    return [ScreeningRow(*r[:6], partnership_id=r[6], organisation_name=r[7], organisation_kind=r[8],
                         organisation_province=r[9], own_contribution=_cents(r[10]), total_cost=_cents(r[11]))
            for r in db.session.execute(query)]


def _lines_of(ids, order, *more):
    """The page `ids` (a subquery of application ids) as rows of LINE_COLUMNS and then `more`, in `order`;
    the applicant organisation is joined for `more` to read."""
    return (sa.select(*LINE_COLUMNS, *more)
            .select_from(ids).join(Application, Application.id == ids.c.id)
            .join(Organisation, Application.organisation_id == Organisation.id)
            .order_by(*order))


# --------------------------------------------------------------------------- the API list


@dataclass(frozen=True)
class ApiApplicationRow(ApplicationLine):
    organisation_name: str
    organisation_refnis: str | None
    own_contribution: Decimal
    total_cost: Decimal


def _api_conditions(call_id: int, status: ApplicationStatus | None) -> list:
    return [Application.call_id == call_id] + ([Application.status == status] if status is not None else [])


def api_application_count(call_id: int, status: ApplicationStatus | None) -> int:
    return db.session.scalar(sa.select(sa.func.count(Application.id)).where(*_api_conditions(call_id, status))) or 0


API_ORDER = (Application.dossier_number.is_(None), Application.dossier_number, Application.id)


def api_application_rows(call_id: int, status: ApplicationStatus | None, page) -> list[ApiApplicationRow]:
    """One page of a call's applications for the API, by dossier number (drafts last), in one query."""
    ids = _page_of_ids(sa.select(Application.id).where(*_api_conditions(call_id, status)), API_ORDER, page)
    total_cost, own = _figure_subqueries()
    query = _lines_of(ids, API_ORDER, Organisation.name, Organisation.refnis, own, total_cost)
    return [ApiApplicationRow(*r[:6], organisation_name=r[6], organisation_refnis=r[7],
                              own_contribution=_cents(r[8]), total_cost=_cents(r[9]))
            for r in db.session.execute(query)]


def status_counts(call: Call) -> dict[ApplicationStatus, int]:
    return {status: n for status, n in db.session.execute(
        sa.select(Application.status, sa.func.count()).where(Application.call_id == call.id)
        .group_by(Application.status))}


def provinces() -> list[str]:
    return list(db.session.scalars(sa.select(Organisation.province).where(Organisation.province.is_not(None))
                                   .distinct().order_by(Organisation.province)))


# --------------------------------------------------------------------------- history


STATUS_HISTORY_LIMIT = 100  # the newest status changes on the page; the audit page has them all


def status_history(app: Application, limit: int = STATUS_HISTORY_LIMIT) -> list[AuditEvent]:
    """The audit events of this application that changed its status, oldest first (the newest `limit`).

    The other events (every section saved, every attachment) are left in the database: the diff's text
    must name "status" (a portable test on SQLite and PostgreSQL), and the dict check below is exact.
    The actor comes in the same query, without their organisations."""
    from ..accounts.models import User
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == Application.__tablename__,
                                    AuditEvent.object_id == app.id,
                                    sa.cast(AuditEvent.changes, sa.Text).like('%"status"%'))
        .options(joinedload(AuditEvent.actor).lazyload(User.organisations))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)).all()
    return [e for e in reversed(events) if isinstance(e.changes, dict) and "status" in e.changes]


def all_events(app: Application) -> list[AuditEvent]:
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == Application.__tablename__,
                                    AuditEvent.object_id == app.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())))


def next_dossier_number(call: Call) -> tuple[int, str]:
    """The sequence and dossier number the next submission to `call` gets: one after the call's highest,
    skipping numbers another call with the same prefix and year already holds. ValueError (with the
    reason, for the admin) when the call's prefix cannot make a number."""
    year = to_local(call.closes_at).year
    sequence = (db.session.scalar(sa.select(sa.func.max(Application.dossier_sequence))
                                  .where(Application.call_id == call.id)) or 0) + 1
    number = format_dossier_number(call.dossier_prefix or "", year, sequence)
    while db.session.scalar(sa.select(Application.id).where(Application.dossier_number == number)):
        sequence += 1
        number = format_dossier_number(call.dossier_prefix, year, sequence)
    return sequence, number
