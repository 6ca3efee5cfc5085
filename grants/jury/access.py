"""Who may do what in the jury: named predicates, each beside its SQL twin.

The rules
---------
- **Conflict of interest.** A juror is conflicted on an application when
  (a) they are a member of the applicant (lead) organisation or of an organisation in the
      application's partnership (automatic: computed here from the memberships and the
      partnerships at the moment of asking, never stored, so a change of membership or of
      partnership counts at once), or
  (b) a conflict was declared by the juror or set by an admin (conflicts_of_interest),
  unless an admin overrode the conflict for that pair, with a reason (overridden_at set).
- **Reading as a juror** (the application's juror capacity, see grants/applications/access.py):
  assigned to the application, not conflicted, and the juror declared their conflicts for it.
  A conflicted juror sees nothing: not the application, its attachments, its print view, its
  sheets, its ranking row, nor the assignment on their home page.
- **The panel.** Jurors of a call are the panel's members; a member sees the call's
  applications as title and organisation only on the declaration page (minus the ones they are
  conflicted on, except conflicts they declared themselves).
- **The ranking** of a call: the agency's admins, and the chair of the call's panel. The chair
  sees no row (and records no advice) for an application they are conflicted on.

Each predicate `can_x(user, obj)` has its twin `x(user)`, the SQL condition that selects the same
rows (applications or calls); `PREDICATES` pairs them, and tests/web/test_jury_access.py checks
them against each other on a generated population.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role, memberships
from ..applications.models import Application
from ..calls.models import Call
from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation, PartnershipMember
from .models import (
    Assignment, ConflictDeclaration, ConflictKind, ConflictOfInterest, ConflictSource, Panel, ScoreSheet,
    panel_members,
)


def _authenticated(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return _authenticated(user) and user.role == Role.ADMIN


def is_juror(user) -> bool:
    return _authenticated(user) and user.role == Role.JUROR


# --------------------------------------------------------------------------- conflicts of interest


def automatic_conflict(user, app: Application) -> ConflictKind | None:
    """OWN_ORGANISATION or PARTNER_ORGANISATION when the user is a member of one, else None."""
    org_ids = user.organisation_ids
    if not org_ids:
        return None
    if app.organisation_id in org_ids:
        return ConflictKind.OWN_ORGANISATION
    if app.partnership is not None and any(m.organisation_id in org_ids for m in app.partnership.members):
        return ConflictKind.PARTNER_ORGANISATION
    return None


def automatic_conflicts(user) -> ColumnElement[bool]:
    """The applications of the user's organisations and of partnerships they are in."""
    org_ids = sorted(user.organisation_ids) if _authenticated(user) else []
    if not org_ids:
        return sa.false()
    partner_of = sa.select(PartnershipMember.partnership_id).where(PartnershipMember.organisation_id.in_(org_ids))
    # Strictly true or false, never NULL (an application without a partnership has partnership_id NULL, and
    # NULL IN (...) is NULL): the twins negate this clause, and NOT NULL would drop the row instead of keeping it.
    return sa.or_(Application.organisation_id.in_(org_ids),
                  sa.and_(Application.partnership_id.is_not(None), Application.partnership_id.in_(partner_of)))


def _stored(user_id: int, *conditions) -> ColumnElement[bool]:
    return sa.exists().where(ConflictOfInterest.application_id == Application.id,
                             ConflictOfInterest.user_id == user_id, *conditions)


def conflicted(user) -> ColumnElement[bool]:
    """Twin of is_conflicted: the applications this user has a conflict of interest on."""
    if not _authenticated(user):
        return sa.false()
    declared_or_set = _stored(user.id, ConflictOfInterest.source != ConflictSource.AUTOMATIC,
                              ConflictOfInterest.overridden_at.is_(None))
    overridden = _stored(user.id, ConflictOfInterest.overridden_at.is_not(None))
    return sa.and_(sa.or_(automatic_conflicts(user), declared_or_set), sa.not_(overridden))


@dataclass(frozen=True)
class Standing:
    """What the database knows about one juror and one application, read in one query."""

    assigned: bool = False
    declared: bool = False
    stored_conflict: bool = False  # declared by the juror or set by an admin, not overridden
    overridden: bool = False
    own_sheet_submitted: bool = False


def standing(user, app: Application) -> Standing:
    if not _authenticated(user) or app.id is None:
        return Standing()
    assigned = sa.exists().where(Assignment.application_id == app.id, Assignment.juror_id == user.id)
    declared = sa.exists().where(ConflictDeclaration.application_id == app.id,
                                 ConflictDeclaration.juror_id == user.id)
    stored = sa.exists().where(ConflictOfInterest.application_id == app.id, ConflictOfInterest.user_id == user.id,
                               ConflictOfInterest.source != ConflictSource.AUTOMATIC,
                               ConflictOfInterest.overridden_at.is_(None))
    overridden = sa.exists().where(ConflictOfInterest.application_id == app.id,
                                   ConflictOfInterest.user_id == user.id,
                                   ConflictOfInterest.overridden_at.is_not(None))
    submitted = sa.exists().where(ScoreSheet.assignment_id == Assignment.id, Assignment.application_id == app.id,
                                  Assignment.juror_id == user.id, ScoreSheet.submitted_at.is_not(None))
    row = db.session.execute(sa.select(assigned, declared, stored, overridden, submitted)).one()
    return Standing(*(bool(v) for v in row))


def is_conflicted(user, app: Application, known: Standing | None = None) -> bool:
    if not _authenticated(user):
        return False
    known = known or standing(user, app)
    return (automatic_conflict(user, app) is not None or known.stored_conflict) and not known.overridden


# --------------------------------------------------------------------------- reading and scoring


def can_read_as_juror(user, app: Application, known: Standing | None = None) -> bool:
    """Assigned, declared, not conflicted: the juror capacity of the application."""
    if not is_juror(user):
        return False
    known = known or standing(user, app)
    return known.assigned and known.declared and not is_conflicted(user, app, known)


def juror_readable(user) -> ColumnElement[bool]:
    if not is_juror(user):
        return sa.false()
    assigned = Application.id.in_(sa.select(Assignment.application_id).where(Assignment.juror_id == user.id))
    declared = sa.exists().where(ConflictDeclaration.application_id == Application.id,
                                 ConflictDeclaration.juror_id == user.id)
    return sa.and_(assigned, declared, sa.not_(conflicted(user)))


def can_see_other_sheets(user, app: Application, known: Standing | None = None) -> bool:
    """Other jurors' submitted sheets: after submitting one's own, and only if the call allows it."""
    if not is_juror(user) or not app.call.jurors_see_other_scores:
        return False
    known = known or standing(user, app)
    return can_read_as_juror(user, app, known) and known.own_sheet_submitted


def other_sheets_visible(user) -> ColumnElement[bool]:
    if not is_juror(user):
        return sa.false()
    own_submitted = sa.exists().where(Assignment.application_id == Application.id, Assignment.juror_id == user.id,
                                      ScoreSheet.assignment_id == Assignment.id, ScoreSheet.submitted_at.is_not(None))
    allowed = Application.call_id.in_(sa.select(Call.id).where(Call.jurors_see_other_scores.is_(True)))
    return sa.and_(juror_readable(user), allowed, own_submitted)


# --------------------------------------------------------------------------- the panel


def is_panel_member(user, call: Call) -> bool:
    if not is_juror(user):
        return False
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(panel_members).join(
        Panel, Panel.id == panel_members.c.panel_id).where(Panel.call_id == call.id,
                                                           panel_members.c.user_id == user.id)))


def panel_calls(user) -> ColumnElement[bool]:
    """Twin of is_panel_member: the calls whose jury this juror is on."""
    if not is_juror(user):
        return sa.false()
    return Call.id.in_(sa.select(Panel.call_id).join(panel_members, panel_members.c.panel_id == Panel.id)
                       .where(panel_members.c.user_id == user.id))


def chair_of(user, call: Call) -> bool:
    if not is_juror(user):
        return False
    return db.session.scalar(sa.select(Panel.chair_id).where(Panel.call_id == call.id)) == user.id


def chaired_calls(user) -> ColumnElement[bool]:
    if not is_juror(user):
        return sa.false()
    return Call.id.in_(sa.select(Panel.call_id).where(Panel.chair_id == user.id))


def can_see_ranking(user, call: Call) -> bool:
    """The ranking page of a call: admins and the chair of its panel."""
    return is_admin(user) or chair_of(user, call)


def ranking_visible(user) -> ColumnElement[bool]:
    if is_admin(user):
        return sa.true()
    return chaired_calls(user)


def can_see_ranking_row(user, app: Application) -> bool:
    """A row of the ranking (and the advice on it): admins; the chair unless conflicted."""
    if is_admin(user):
        return True
    return chair_of(user, app.call) and not is_conflicted(user, app)


def ranking_rows(user) -> ColumnElement[bool]:
    if is_admin(user):
        return sa.true()
    if not is_juror(user):
        return sa.false()
    return sa.and_(Application.call_id.in_(sa.select(Panel.call_id).where(Panel.chair_id == user.id)),
                   sa.not_(conflicted(user)))


def can_advise(user, app: Application) -> bool:
    """Recording the jury's advice: the chair of the call's panel, not conflicted on the application."""
    return is_juror(user) and can_see_ranking_row(user, app)


def advisable(user) -> ColumnElement[bool]:
    return ranking_rows(user) if is_juror(user) else sa.false()


# --------------------------------------------------------------------------- a whole call at once


@dataclass(frozen=True)
class ConflictRow:
    """One effective or overridden conflict of a call, for the admin's list and the API."""

    application_id: int
    juror_id: int
    kind: ConflictKind
    source: ConflictSource
    reason: str
    overridden: bool = False
    override_reason: str | None = None
    record_id: int | None = None  # the conflicts_of_interest row, when one exists


def automatic_pairs(call_id: int,
                    juror_ids: list[int] | None = None) -> dict[tuple[int, int], tuple[ConflictKind, str]]:
    """(application, juror) -> (kind, organisation name) of the membership conflicts in a call, in two queries."""
    found: dict[tuple[int, int], tuple[ConflictKind, str]] = {}
    m = memberships
    own = (sa.select(Application.id, m.c.user_id, Organisation.name)
           .join(m, m.c.organisation_id == Application.organisation_id)
           .join(Organisation, Organisation.id == Application.organisation_id)
           .where(Application.call_id == call_id))
    partner = (sa.select(Application.id, m.c.user_id, Organisation.name)
               .join(PartnershipMember, PartnershipMember.partnership_id == Application.partnership_id)
               .join(m, m.c.organisation_id == PartnershipMember.organisation_id)
               .join(Organisation, Organisation.id == PartnershipMember.organisation_id)
               .where(Application.call_id == call_id,
                      PartnershipMember.organisation_id != Application.organisation_id))
    if juror_ids is not None:
        own = own.where(m.c.user_id.in_(juror_ids))
        partner = partner.where(m.c.user_id.in_(juror_ids))
    for app_id, user_id, name in db.session.execute(partner):
        found[(app_id, user_id)] = (ConflictKind.PARTNER_ORGANISATION, name)
    for app_id, user_id, name in db.session.execute(own):  # the own organisation wins over a partner
        found[(app_id, user_id)] = (ConflictKind.OWN_ORGANISATION, name)
    return found


def conflict_rows(call_id: int, juror_ids: list[int] | None = None) -> list[ConflictRow]:
    """Every conflict of the call (automatic, declared, set by an admin), overridden ones included,
    by application and juror; in three queries, whatever the size of the call."""
    automatic = automatic_pairs(call_id, juror_ids)
    query = (sa.select(ConflictOfInterest).join(Application, Application.id == ConflictOfInterest.application_id)
             .where(Application.call_id == call_id))
    if juror_ids is not None:
        query = query.where(ConflictOfInterest.user_id.in_(juror_ids))
    stored = {(c.application_id, c.user_id): c for c in db.session.scalars(query)}
    rows = []
    for pair in sorted(set(automatic) | set(stored)):
        record = stored.get(pair)
        auto = automatic.get(pair)
        if record is None or record.source == ConflictSource.AUTOMATIC:
            if auto is None:  # an override whose membership conflict is gone: nothing left to show
                continue
            kind, name = auto
            reason = (_("Lid van %(organisation)s, de indiener.", organisation=name)
                      if kind == ConflictKind.OWN_ORGANISATION else
                      _("Lid van %(organisation)s, een partner in de aanvraag.", organisation=name))
            source = ConflictSource.AUTOMATIC
        else:
            kind, source, reason = record.kind, record.source, record.reason
        rows.append(ConflictRow(pair[0], pair[1], kind, source, reason,
                                overridden=record is not None and record.overridden,
                                override_reason=record.override_reason if record is not None else None,
                                record_id=record.id if record is not None else None))
    return rows


def conflict_pairs(call_id: int, juror_ids: list[int] | None = None) -> set[tuple[int, int]]:
    """The (application, juror) pairs of a call that are conflicted now (overrides taken off)."""
    return {(r.application_id, r.juror_id) for r in conflict_rows(call_id, juror_ids) if not r.overridden}


MODEL = Application  # what PREDICATES are about (tests/web/test_access_predicates.py); CALL_PREDICATES: calls

PREDICATES = {
    "conflicted": (is_conflicted, conflicted),
    "read_as_juror": (can_read_as_juror, juror_readable),
    "see_other_sheets": (can_see_other_sheets, other_sheets_visible),
    "ranking_row": (can_see_ranking_row, ranking_rows),
    "advise": (can_advise, advisable),
}
CALL_PREDICATES = {
    "panel_member": (is_panel_member, panel_calls),
    "ranking": (can_see_ranking, ranking_visible),
}
