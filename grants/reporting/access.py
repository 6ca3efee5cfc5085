"""Who may see and do what with a funded project, its reports and its payments: named predicates,
each beside its SQL twin (see grants/applications/access.py for the pattern).

- view: the agency's admins; members of the project's own organisation (the lead, for a
  partnership); members of the partnership's other organisations (read only). Nobody else, jurors
  included: for them a project, its reports and its payments do not exist (404).
- report: fill in and submit the reports: members of the project's own organisation only.
- manage: review reports, approve and mark payments, extend: the agency's admins.

Reports and payments have no access of their own: they are loaded through their project, so a
report of a project one may not see is a 404 too.
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role
from ..applications import access as application_access
from ..applications.models import Application
from ..awards.models import Project


class Capacity(enum.StrEnum):
    ADMIN = "admin"
    OWNER = "owner"  # a member of the project's own (lead) organisation
    PARTNER = "partner"  # a member of a partner organisation: reads only


def _authenticated(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _is_admin(user) -> bool:
    return _authenticated(user) and user.role == Role.ADMIN


def capacity(user, project: Project) -> Capacity | None:
    seen_as = application_access.capacity(user, project.application)
    if seen_as is None:
        return None
    # an invited (not yet confirmed) partner or a juror sees nothing of the project
    return {application_access.Capacity.ADMIN: Capacity.ADMIN, application_access.Capacity.LEAD: Capacity.OWNER,
            application_access.Capacity.PARTNER: Capacity.PARTNER}.get(seen_as)


def can_view(user, project: Project) -> bool:
    return capacity(user, project) is not None


def viewable(user) -> ColumnElement[bool]:
    if _is_admin(user):
        return sa.true()
    if not _authenticated(user) or user.role != Role.APPLICANT or not user.organisation_ids:
        return sa.false()
    return Project.application_id.in_(sa.select(Application.id).where(application_access.viewable(user)))


def can_report(user, project: Project) -> bool:
    return capacity(user, project) == Capacity.OWNER


def reportable(user) -> ColumnElement[bool]:
    if not _authenticated(user) or user.role != Role.APPLICANT or not user.organisation_ids:
        return sa.false()
    return Project.application_id.in_(sa.select(Application.id).where(
        Application.organisation_id.in_(sorted(user.organisation_ids))))


def can_manage(user, project: Project) -> bool:
    return _is_admin(user)


def manageable(user) -> ColumnElement[bool]:
    return sa.true() if _is_admin(user) else sa.false()


MODEL = Project  # what the predicates are about (tests/web/test_access_predicates.py)
PREDICATES = {
    "view": (can_view, viewable),
    "report": (can_report, reportable),
    "manage": (can_manage, manageable),
}

__all__ = ["MODEL", "PREDICATES", "Capacity", "can_manage", "can_report", "can_view", "capacity", "manageable",
           "reportable", "viewable"]
