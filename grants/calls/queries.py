"""Reads for the call pages: a fixed number of queries per page, whatever the number of rows."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from ..applications.models import Application
from ..applications.states import ApplicationStatus
from ..extensions import db
from ..organisations.models import Organisation, PartnershipMember
from ..timeutil import utcnow
from .access import manageable, viewable
from .models import Call, CallExclusion
from .states import ACCEPTING_CALL_STATUSES, LISTED_CALL_STATUSES, CallStatus

def _full() -> tuple:
    """What a call page shows: every rule, loaded up front (built on use, once the mappers are set up)."""
    return (
        selectinload(Call.criteria),
        selectinload(Call.kpis),
        selectinload(Call.tranches),
        selectinload(Call.exclusions).joinedload(CallExclusion.organisation),
        selectinload(Call.allowed_organisations),
        joinedload(Call.previous_round),
        joinedload(Call.rules_unlocked_by),
    )


def list_columns():
    """What the lists of calls show (title, kind, status, dates, amounts): the description, its HTML and
    the JSON rules are left in the database (each would be read and decoded for every row)."""
    return load_only(Call.title, Call.kind, Call.status, Call.selection_mode, Call.opens_at, Call.closes_at,
                     Call.max_amount, Call.max_amount_per_year, Call.version)


# Applications that were funded: the basis of "exclude those funded in the previous round".
FUNDED_STATUSES = (ApplicationStatus.AWARDED, ApplicationStatus.RUNNING, ApplicationStatus.CLOSED)


def get_call(call_id: int, *, full: bool = True) -> Call | None:
    """The call whoever asks (for operations and other parts that scope it themselves); pages use
    load_visible or load_managed."""
    return _one(sa.select(Call).where(Call.id == call_id), full)


def load_visible(call_id: int, user, *, full: bool = True) -> Call | None:
    """The call if the user may see it (access.can_view), else None: the view answers 404."""
    return _one(sa.select(Call).where(Call.id == call_id, viewable(user)), full)


def load_managed(call_id: int, user, *, full: bool = True) -> Call | None:
    """The call if the user may set it up and run it (access.can_manage), else None."""
    return _one(sa.select(Call).where(Call.id == call_id, manageable(user)), full)


def _one(query: sa.Select, full: bool) -> Call | None:
    if full:
        query = query.options(*_full())
    return db.session.scalar(query)


def admin_calls(user) -> list[Call]:
    """Every call the user manages (an admin: all), newest deadline first (grouped by status in the template)."""
    return list(db.session.scalars(sa.select(Call).where(manageable(user)).options(list_columns())
                                   .order_by(Call.closes_at.desc(), Call.id.desc())))


def application_counts(call_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Per call: total applications and those submitted (submitted_at set), in one query."""
    query = (sa.select(Application.call_id, sa.func.count().label("total"),
                       sa.func.count(Application.submitted_at).label("submitted"))
             .group_by(Application.call_id))
    if call_ids is not None:
        ids = list(call_ids)
        if not ids:
            return {}
        query = query.where(Application.call_id.in_(ids))
    return {row.call_id: {"total": row.total, "submitted": row.submitted} for row in db.session.execute(query)}


def status_counts(call_id: int) -> dict[ApplicationStatus, int]:
    rows = db.session.execute(sa.select(Application.status, sa.func.count()).where(Application.call_id == call_id)
                              .group_by(Application.status))
    return {status: n for status, n in rows}


def submitted_count(call_id: int) -> int:
    """Applications of the call that were ever submitted: once there is one, the rules are locked."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.call_id == call_id, Application.submitted_at.is_not(None))) or 0


def rules_locked(call: Call) -> bool:
    return call.id is not None and submitted_count(call.id) > 0


def open_calls_query(now: datetime) -> sa.Select:
    """Published calls that accept submissions at this instant (the SQL form of Call.is_open_at)."""
    return (sa.select(Call).where(_accepting(), Call.opens_at <= now, Call.closes_at > now)
            .order_by(Call.closes_at, Call.id))


def _accepting() -> sa.ColumnElement[bool]:
    return Call.status.in_(sorted(ACCEPTING_CALL_STATUSES))


def public_calls(now: datetime | None = None) -> dict[str, list[Call]]:
    """Calls that take submissions and are open or still to open, and the recent ones whose deadline
    has passed or whose submission is closed (not archived ones): the public list, which is the same
    for everyone (`viewable(None)`, what a visitor may see) whoever looks at it."""
    now = now or utcnow()
    public = viewable(None)
    current = list(db.session.scalars(
        sa.select(Call).where(public, _accepting(), Call.closes_at > now).options(list_columns())
        .order_by(Call.closes_at, Call.id)))
    past = list(db.session.scalars(
        sa.select(Call).options(list_columns()).where(public, sa.or_(
            sa.and_(_accepting(), Call.closes_at <= now),
            Call.status.in_(sorted(LISTED_CALL_STATUSES - ACCEPTING_CALL_STATUSES))))
        .order_by(Call.closes_at.desc(), Call.id.desc()).limit(30)))
    return {
        "open": [c for c in current if c.opens_at <= now],
        "upcoming": [c for c in current if c.opens_at > now],
        "past": past,
    }


def _api_conditions(user, status: CallStatus | None) -> list:
    return [viewable(user)] + ([Call.status == status] if status is not None else [])


def count_calls_for_api(user, status: CallStatus | None = None) -> int:
    return db.session.scalar(sa.select(sa.func.count(Call.id)).where(*_api_conditions(user, status))) or 0


def all_calls_for_api(user, status: CallStatus | None = None, *, limit: int | None = None,
                      offset: int = 0) -> list[Call]:
    """The calls of the API list, newest first (one page of them with limit and offset)."""
    query = (sa.select(Call).where(*_api_conditions(user, status))
             .options(selectinload(Call.criteria), selectinload(Call.kpis), selectinload(Call.tranches))
             .order_by(Call.opens_at.desc(), Call.id.desc()).limit(limit).offset(offset or None))
    return list(db.session.scalars(query))


def funded_organisation_ids(call_id: int) -> set[int]:
    """Organisations funded in a call: the applicant, and every member of a funded partnership."""
    funded = sa.select(Application.id, Application.organisation_id, Application.partnership_id).where(
        Application.call_id == call_id, Application.status.in_(FUNDED_STATUSES)).subquery()
    leads = set(db.session.scalars(sa.select(funded.c.organisation_id)))
    members = set(db.session.scalars(
        sa.select(PartnershipMember.organisation_id).join(funded, funded.c.partnership_id == PartnershipMember.partnership_id)))
    return leads | members


def organisations_by_code_or_name(entries: list[str]) -> dict[str, list[Organisation]]:
    """Look up many organisations at once by REFNIS code, KBO number (digits) or exact name (any case).

    Returns {entry: [matches]}; the caller reports unknown and ambiguous entries.
    """
    if not entries:
        return {}
    refnis = {e for e in entries if re.fullmatch(r"[0-9]{5}", e)}
    kbo = {e for e in entries if re.fullmatch(r"[0-9]{10}", e)}
    names = {e.lower() for e in entries}
    rows = db.session.scalars(sa.select(Organisation).where(sa.or_(
        Organisation.refnis.in_(refnis) if refnis else sa.false(),
        Organisation.kbo.in_(kbo) if kbo else sa.false(),
        sa.func.lower(Organisation.name).in_(names)))).all()
    found: dict[str, list[Organisation]] = {}
    for entry in entries:
        matches = [o for o in rows if o.refnis == entry or o.kbo == entry]
        if not matches:
            matches = [o for o in rows if o.name.lower() == entry.lower()]
        found[entry] = matches
    return found


def next_dossier_number(call: Call) -> str | None:
    """The dossier number the next submission to this call gets, as the submission chooses it
    (grants.applications.queries.next_dossier_number). None when the prefix cannot make a number (the
    call's form says why)."""
    from ..applications.queries import next_dossier_number as next_number
    try:
        return next_number(call)[1]
    except ValueError:
        return None
