"""Who may do what with an application: named predicates, each beside its SQL twin.

A predicate answers for one application (`can_view(user, app)`); its twin is the SQL condition
that selects the same applications (`viewable(user)`), so a list and a page can never disagree.
`PREDICATES` pairs them; tests/web/test_access_predicates.py checks on a generated population of
users and applications that every pair gives the same answer.

Whether the application's *state* allows a change (open call, deadline, reopened until) is the
operations' business (`edit_refusal`); these predicates say who may act at all. Loading goes
through `viewable`, so whoever may not see an application gets a 404, never a 403 that confirms
it exists.

A juror reads (never edits) the applications assigned to them, once they have declared their
conflicts of interest for it and only while they have none (the jury's rules are in
grants/jury/access.py): a juror who becomes conflicted, through a membership, a partnership or
a declaration, gets a 404 on every page of the application from the next request on.
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role
from ..jury import access as jury_access
from ..organisations.models import PartnershipMember
from .models import Application
from .states import APPLICATION_STATES, ApplicationStatus


class Capacity(enum.StrEnum):
    """In which capacity a user sees an application."""

    ADMIN = "admin"  # the agency: everything, screening and decisions
    LEAD = "lead"  # a member of the applying (lead) organisation: prepares, submits, withdraws
    PARTNER = "partner"  # a member of a partner organisation: reads only
    JUROR = "juror"  # assigned to it, conflicts declared, not conflicted: reads and scores


def _authenticated(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _is_admin(user) -> bool:
    return _authenticated(user) and user.role == Role.ADMIN


def _is_applicant(user) -> bool:
    return _authenticated(user) and user.role == Role.APPLICANT


def _is_juror(user) -> bool:
    return _authenticated(user) and user.role == Role.JUROR


def capacity(user, app: Application) -> Capacity | None:
    if _is_admin(user):
        return Capacity.ADMIN
    if _is_juror(user):
        return Capacity.JUROR if jury_access.can_read_as_juror(user, app) else None
    if not _is_applicant(user):
        return None
    org_ids = user.organisation_ids
    if app.organisation_id in org_ids:
        return Capacity.LEAD
    if app.partnership is not None and any(m.organisation_id in org_ids for m in app.partnership.members):
        return Capacity.PARTNER
    return None


# --------------------------------------------------------------------------- see


def can_view(user, app: Application) -> bool:
    return capacity(user, app) is not None


def viewable(user) -> ColumnElement[bool]:
    """The applications this user may see: admins all; applicants their own and their partnerships';
    jurors those assigned to them, declared and free of conflict."""
    if _is_admin(user):
        return sa.true()
    if _is_juror(user):
        return jury_access.juror_readable(user)
    if not _is_applicant(user):
        return sa.false()
    org_ids = sorted(user.organisation_ids)
    if not org_ids:
        return sa.false()
    partner_of = sa.select(PartnershipMember.partnership_id).where(PartnershipMember.organisation_id.in_(org_ids))
    return sa.or_(Application.organisation_id.in_(org_ids), Application.partnership_id.in_(partner_of))


# --------------------------------------------------------------------------- act for the applicant


def can_edit(user, app: Application) -> bool:
    """Prepare, submit, add partners and attachments: members of the lead organisation only."""
    return _is_applicant(user) and capacity(user, app) == Capacity.LEAD


def editable(user) -> ColumnElement[bool]:
    if not _is_applicant(user) or not user.organisation_ids:
        return sa.false()
    return Application.organisation_id.in_(sorted(user.organisation_ids))


def can_withdraw(user, app: Application) -> bool:
    return can_edit(user, app) and APPLICATION_STATES[app.status].withdrawable


def withdrawable(user) -> ColumnElement[bool]:
    return sa.and_(editable(user), Application.status.in_(APPLICATION_STATES.where(withdrawable=True)))


# --------------------------------------------------------------------------- the agency


def can_screen(user, app: Application) -> bool:
    """Screening, information requests, advice and waiver decisions: the agency's staff. Whether the
    application's status allows a given step is for the status records and the operations to say."""
    return _is_admin(user)


def screenable(user) -> ColumnElement[bool]:
    return sa.true() if _is_admin(user) else sa.false()


# --------------------------------------------------------------------------- the jury


def can_score(user, app: Application) -> bool:
    """Fill in a score sheet: the juror capacity. Whether the deadline still allows it is for the
    jury's operations to say (grants.jury.operations.sheet_refusal)."""
    return _is_juror(user) and capacity(user, app) == Capacity.JUROR


def scorable(user) -> ColumnElement[bool]:
    if not _is_juror(user):
        return sa.false()
    return jury_access.juror_readable(user)


def can_see_scores(user, app: Application) -> bool:
    """Score sheets of others: the agency always; a juror after submitting their own sheet, if the
    call lets jurors see each other's sheets. Applicants never."""
    if _is_admin(user):
        return True
    if not _is_juror(user):
        return False
    return jury_access.can_see_other_sheets(user, app)


def scores_visible(user) -> ColumnElement[bool]:
    if _is_admin(user):
        return sa.true()
    if not _is_juror(user):
        return sa.false()
    return jury_access.other_sheets_visible(user)


MODEL = Application  # what the predicates are about (tests/web/test_access_predicates.py)

PREDICATES = {
    "view": (can_view, viewable),
    "edit": (can_edit, editable),
    "withdraw": (can_withdraw, withdrawable),
    "screen": (can_screen, screenable),
    "score": (can_score, scorable),
    "see_scores": (can_see_scores, scores_visible),
}

__all__ = ["MODEL", "Capacity", "PREDICATES", "ApplicationStatus", "can_edit", "can_score", "can_screen",
           "can_see_scores", "can_view", "can_withdraw", "capacity", "editable", "scorable", "scores_visible",
           "screenable", "viewable", "withdrawable"]
