"""Who may see and do what with a decision on an application: named predicates, each beside its SQL
twin (see grants/applications/access.py for the pattern).

- view: the agency's admins see every decision, drafts included. Applicants (members of the lead
  organisation or of a confirmed partner) see the decision on an application they may view, and
  only once the call's awards are published (`Decision.published_at`): before that a draft does
  not exist for them (404), on a page, in the API or in a mail. Jurors never see decisions.
- decide: record, change and publish decisions: the agency's admins.
- letter: the award letter of an awarded decision: admins (also of a draft, to check it) and,
  after publication, the members of the lead organisation, who receive the money.

The public award list (/calls/<id>/awards) is about calls, not decisions: `call_awards_public`.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role
from ..applications import access as application_access
from ..applications.models import Application
from .models import Decision, DecisionOutcome


def _authenticated(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _is_admin(user) -> bool:
    return _authenticated(user) and user.role == Role.ADMIN


def _is_applicant(user) -> bool:
    return _authenticated(user) and user.role == Role.APPLICANT and bool(user.organisation_ids)


_APPLICANT_READERS = frozenset({application_access.Capacity.LEAD, application_access.Capacity.PARTNER})


def can_view(user, decision: Decision) -> bool:
    if _is_admin(user):
        return True
    if not _is_applicant(user) or decision.published_at is None:
        return False
    return application_access.capacity(user, decision.application) in _APPLICANT_READERS


def viewable(user) -> ColumnElement[bool]:
    if _is_admin(user):
        return sa.true()
    if not _is_applicant(user):
        return sa.false()
    return sa.and_(Decision.published_at.is_not(None),
                   Decision.application_id.in_(sa.select(Application.id).where(application_access.viewable(user))))


def can_decide(user, decision: Decision | None = None) -> bool:
    return _is_admin(user)


def decidable(user) -> ColumnElement[bool]:
    return sa.true() if _is_admin(user) else sa.false()


def can_read_letter(user, decision: Decision) -> bool:
    if decision.outcome != DecisionOutcome.AWARDED:
        return False
    if _is_admin(user):
        return True
    return (_is_applicant(user) and decision.published_at is not None
            and decision.application.organisation_id in user.organisation_ids)


def letter_readable(user) -> ColumnElement[bool]:
    awarded = Decision.outcome == DecisionOutcome.AWARDED
    if _is_admin(user):
        return awarded
    if not _is_applicant(user):
        return sa.false()
    return sa.and_(awarded, Decision.published_at.is_not(None), Decision.application_id.in_(
        sa.select(Application.id).where(Application.organisation_id.in_(sorted(user.organisation_ids)))))


def call_awards_public(call) -> bool:
    """The call's award list is public once its awards are published."""
    return call.awards_published_at is not None


MODEL = Decision  # what the predicates are about (tests/web/test_access_predicates.py)
PREDICATES = {
    "view": (can_view, viewable),
    "decide": (can_decide, decidable),
    "letter": (can_read_letter, letter_readable),
}

__all__ = ["MODEL", "PREDICATES", "call_awards_public", "can_decide", "can_read_letter", "can_view", "decidable",
           "letter_readable", "viewable"]
