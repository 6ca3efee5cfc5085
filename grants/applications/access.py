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

Partners: a member of an organisation that the lead *invited* sees only the invitation
(`can_answer`), never the application; once the organisation has confirmed, its members read the
application (`can_view`, read-only) and may take the organisation out again until it is submitted
(`can_leave`). A declined invitation gives nothing.
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role
from ..jury import access as jury_access
from ..organisations.models import PartnershipMember
from ..organisations.states import PartnerStatus
from .models import Application
from .states import APPLICATION_STATES, ApplicationStatus


class Capacity(enum.StrEnum):
    """In which capacity a user sees an application."""

    ADMIN = "admin"  # the agency: everything, screening and decisions
    LEAD = "lead"  # a member of the applying (lead) organisation: prepares, submits, withdraws
    PARTNER = "partner"  # a member of a confirmed partner organisation: reads only
    JUROR = "juror"  # assigned to it, conflicts declared, not conflicted: reads and scores
    INVITED = "invited"  # a member of an invited partner organisation: sees only the invitation


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
    if app.partnership is None:
        return None
    statuses = {m.status for m in app.partnership.members if m.organisation_id in org_ids}
    if PartnerStatus.CONFIRMED in statuses:
        return Capacity.PARTNER
    if PartnerStatus.INVITED in statuses:
        return Capacity.INVITED
    return None


def _member_of(user, status: PartnerStatus):
    """The partnerships in which one of the user's organisations has a membership with this status."""
    return sa.select(PartnershipMember.partnership_id).where(
        PartnershipMember.organisation_id.in_(sorted(user.organisation_ids)), PartnershipMember.status == status)


# --------------------------------------------------------------------------- see

READERS = frozenset({Capacity.ADMIN, Capacity.LEAD, Capacity.PARTNER, Capacity.JUROR})


def can_view(user, app: Application) -> bool:
    return capacity(user, app) in READERS


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
    return sa.or_(Application.organisation_id.in_(org_ids),
                  Application.partnership_id.in_(_member_of(user, PartnerStatus.CONFIRMED)))


# --------------------------------------------------------------------------- partners


def can_answer(user, app: Application) -> bool:
    """See the invitation and confirm or decline it: a member of an invited organisation, while the
    application can still change (a draft, or reopened for more information)."""
    return capacity(user, app) == Capacity.INVITED and APPLICATION_STATES[app.status].editable


def answerable(user) -> ColumnElement[bool]:
    if not _is_applicant(user) or not user.organisation_ids:
        return sa.false()
    return sa.and_(Application.organisation_id.not_in(sorted(user.organisation_ids)),
                   ~Application.partnership_id.in_(_member_of(user, PartnerStatus.CONFIRMED)),
                   Application.partnership_id.in_(_member_of(user, PartnerStatus.INVITED)),
                   Application.status.in_(APPLICATION_STATES.where(editable=True)))


def can_leave(user, app: Application) -> bool:
    """Take a confirmed partner organisation out of the partnership: until the application is submitted."""
    return capacity(user, app) == Capacity.PARTNER and app.status == ApplicationStatus.DRAFT


def leavable(user) -> ColumnElement[bool]:
    if not _is_applicant(user) or not user.organisation_ids:
        return sa.false()
    return sa.and_(Application.organisation_id.not_in(sorted(user.organisation_ids)),
                   Application.partnership_id.in_(_member_of(user, PartnerStatus.CONFIRMED)),
                   Application.status == ApplicationStatus.DRAFT)


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
    "answer": (can_answer, answerable),
    "leave": (can_leave, leavable),
}

__all__ = ["MODEL", "Capacity", "PREDICATES", "ApplicationStatus", "answerable", "can_answer", "can_edit", "can_leave",
           "can_score", "can_screen", "can_see_scores", "can_view", "can_withdraw", "capacity", "editable", "leavable",
           "scorable", "scores_visible", "screenable", "viewable", "withdrawable"]
