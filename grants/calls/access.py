"""Who may do what with a call: named predicates, each beside its SQL twin.

A predicate answers for one call (`can_view(user, call)`); its twin is the SQL condition that
selects the same calls (`viewable(user)`), so a list and a page can never disagree. `PREDICATES`
pairs them and `MODEL` names what they are about; tests/web/test_access_predicates.py checks every
pair on a generated population (calls in every status, users of every role).

- view: a call that was published (and every status after it) is public, for everyone, logged in
  or not; a draft only for the agency's admins, who preview it before publishing.
- manage: setting up and running a call (rules, unlock, lifecycle, new round) is the agency's.

Whether the call's *status* allows a step (publishing a draft, editing the rules) is for the
status records and the operations to say; these predicates say who may act at all. Loading goes
through them, so a call one may not see is a 404, never a 403 that confirms it exists.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role
from .models import Call
from .states import CALL_STATES, PUBLIC_CALL_STATUSES


def _is_admin(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN


# --------------------------------------------------------------------------- see


def can_view(user, call: Call) -> bool:
    return CALL_STATES[call.status].public or _is_admin(user)


def viewable(user) -> ColumnElement[bool]:
    """The calls this user may see: admins all; everyone else the public ones."""
    if _is_admin(user):
        return sa.true()
    return Call.status.in_(sorted(PUBLIC_CALL_STATUSES))


# --------------------------------------------------------------------------- set up and run


def can_manage(user, call: Call) -> bool:
    return _is_admin(user)


def manageable(user) -> ColumnElement[bool]:
    return sa.true() if _is_admin(user) else sa.false()


MODEL = Call  # what the predicates are about (tests/web/test_access_predicates.py)
PREDICATES = {
    "view": (can_view, viewable),
    "manage": (can_manage, manageable),
}

__all__ = ["MODEL", "PREDICATES", "can_manage", "can_view", "manageable", "viewable"]
