"""The only code that changes the jury: set-up, jurors, conflicts of interest and declarations,
assignments, score sheets, reminders and the jury's advice.

Each operation validates (raising a JuryError with a Dutch message), writes, records an audit
event (grants.audit.operations.record) and flushes; the request commits (grants/unit_of_work.py).
Operations take plain values or dataclasses, never forms.

Conflicts of interest through a membership are not written anywhere: they are computed at read
time (grants/jury/access.py), so a change of membership or partnership made by any part of the
application counts from the next query on, with nothing to recompute. What is written here are
the conflicts people decide on: declared by a juror, set by an admin, or an admin's override.

The clock: `current_time()` (one place, so tests can move it). The scoring deadline is an
instant: a save at the deadline itself is refused.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from ..accounts.models import Role, User
from ..applications.models import Application
from ..audit.operations import diff, record
from ..calls.models import Call, Criterion
from ..extensions import db
from ..forms_common import clean_text
from ..i18n import _, lazy_gettext, ngettext
from ..links import external_url
from ..mail_templates import agency_text, in_language, queue_template_mail
from ..timeutil import describe_remaining, format_local, to_local, utcnow
from . import access, queries
from .assignment import AssignmentPlan, plan_assignments
from .models import (
    AdviceOutcome, Assignment, ConflictDeclaration, ConflictKind, ConflictOfInterest, ConflictSource, JuryAdvice,
    JuryReminder, Panel, Recommendation, Score, ScoreSheet,
)
from .states import SHEET_STATES, SheetStatus, sheet_status

REASON_MAX = 2000
COMMENT_MAX = 10_000
MAX_JURORS_PER_APPLICATION = 20


class JuryError(ValueError):
    """A refused jury action; the message is Dutch and shown to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class JuryConflict(JuryError):
    """Someone else saved this since the form was loaded."""


class SheetRefused(JuryError):
    """The sheet cannot be changed now (the deadline passed, or it is submitted)."""


class SheetIncomplete(JuryError):
    """A submit without every required score: {field name: Dutch message}."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("De beoordeling is nog niet volledig: vul de aangeduide velden in en dien dan in."))


class SheetConflict(JuryConflict):
    """A stale save: the sheet was saved elsewhere (another tab) since this form was loaded."""

    def __init__(self, sheet: ScoreSheet | None):
        self.sheet = sheet
        super().__init__(_("Deze beoordeling werd intussen elders bewaard (bijvoorbeeld in een ander tabblad). "
                           "Er is niets overschreven. Hieronder staan beide versies: neem over wat u wilt houden "
                           "en bewaar opnieuw."))


def current_time() -> datetime:
    """The clock every jury rule reads."""
    return utcnow()


def _clean_reason(text: str | None, *, missing: str) -> str:
    """A required reason or motivation, cleaned; `missing` is the full Dutch sentence when it is empty."""
    value = clean_text(text or "") or ""
    if not value:
        raise JuryError(missing, field="reason")
    if len(value) > REASON_MAX:
        raise JuryError(_("Hoogstens %(limit)s tekens.", limit=REASON_MAX), field="reason")
    return value


def _insert_once(row) -> bool:
    """Insert a row guarded by a unique key; False when a concurrent request inserted it first (the
    savepoint keeps the rest of the transaction), so a double click is never a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


# --------------------------------------------------------------------------- the panel and its settings


def ensure_panel(call: Call, actor: User | None = None) -> Panel:
    """The call's panel, created (and audited) the first time it is needed."""
    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
    if panel is None:
        panel = Panel(call_id=call.id, name=agency_text(lazy_gettext("Jury %(title)s", title=call.title))[:200])
        if not _insert_once(panel):  # created at the same moment by another request: use that one
            return db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
        record("jury.panel_create", panel, {"call_id": [None, call.id]}, actor=actor)
    return panel


@dataclass(frozen=True)
class JurySettings:
    chair_id: int | None
    scoring_deadline: datetime | None  # aware; None: no deadline
    quality_threshold: Decimal | None  # points 0..100; None: no threshold
    jurors_per_application: int
    jurors_see_other_scores: bool


def update_jury_settings(call: Call, settings: JurySettings, actor: User, *,
                         loaded_version: int | None = None) -> Panel:
    """The panel's chair, deadline and threshold, and the call's two jury columns (audited on both)."""
    panel = ensure_panel(call, actor)
    if loaded_version is not None and loaded_version != panel.version:
        raise JuryConflict(_("De juryinstellingen werden intussen door iemand anders gewijzigd. Er is niets "
                             "overschreven; bekijk ze opnieuw."))
    if settings.chair_id is not None and settings.chair_id not in panel.member_ids:
        raise JuryError(_("De voorzitter moet een jurylid van deze oproep zijn."), field="chair_id")
    if settings.quality_threshold is not None and not Decimal(0) <= settings.quality_threshold <= Decimal(100):
        raise JuryError(_("De kwaliteitsdrempel ligt tussen 0 en 100 punten."), field="quality_threshold")
    if not 1 <= settings.jurors_per_application <= MAX_JURORS_PER_APPLICATION:
        raise JuryError(_("Geef 1 tot %(max)s juryleden per aanvraag.", max=MAX_JURORS_PER_APPLICATION),
                        field="jurors_per_application")
    before = {"chair_id": panel.chair_id, "scoring_deadline": panel.scoring_deadline,
              "quality_threshold": panel.quality_threshold}
    call_before = {"jurors_per_application": call.jurors_per_application,
                   "jurors_see_other_scores": call.jurors_see_other_scores}
    panel.chair_id = settings.chair_id
    panel.scoring_deadline = settings.scoring_deadline
    panel.quality_threshold = settings.quality_threshold
    call.jurors_per_application = settings.jurors_per_application
    call.jurors_see_other_scores = settings.jurors_see_other_scores
    changes = diff(before, {"chair_id": panel.chair_id, "scoring_deadline": panel.scoring_deadline,
                            "quality_threshold": panel.quality_threshold})
    call_changes = diff(call_before, {"jurors_per_application": call.jurors_per_application,
                                      "jurors_see_other_scores": call.jurors_see_other_scores})
    if changes:
        flag_modified(panel, "updated_at")
        record("jury.settings", panel, changes, actor=actor)
    if call_changes:
        record("call.jury_settings", call, call_changes, actor=actor)
    db.session.flush()
    return panel


def add_juror(call: Call, user: User, actor: User) -> Panel:
    if user.role != Role.JUROR or not user.active:
        raise JuryError(_("Alleen actieve gebruikers met de rol jurylid kunnen in de jury."), field="user_id")
    panel = ensure_panel(call, actor)
    if user.id in panel.member_ids:
        raise JuryError(_("%(name)s zit al in de jury.", name=user.display_name), field="user_id")
    panel.members.append(user)
    db.session.flush()
    record("jury.juror_add", panel, {"jurors": [None, user.email]}, actor=actor)
    return panel


def invite_juror(call: Call, email: str, name: str, actor: User) -> User:
    """Add a juror by e-mail: an existing juror is added, someone new gets an account and the
    invitation mail of the accounts part (to choose a password)."""
    from ..accounts.operations import AccountError, create_user
    address = (email or "").strip().lower()
    user = db.session.scalar(sa.select(User).where(User.email == address))
    if user is None:
        try:
            user = create_user(email=address, role=Role.JUROR, name=name, invite=True, actor=actor)
        except AccountError as exc:
            raise JuryError(str(exc), field="email") from exc
    elif user.role != Role.JUROR:
        raise JuryError(_("%(email)s heeft al een account met een andere rol (%(role)s); een jurylid heeft een "
                          "eigen account met de rol jurylid.", email=address, role=user.role.label), field="email")
    add_juror(call, user, actor)
    return user


def remove_juror(call: Call, user: User, actor: User) -> None:
    """Off the panel, with their assignments; refused while they have a started sheet in the call."""
    panel = ensure_panel(call, actor)
    if user.id not in panel.member_ids:
        raise JuryError(_("%(name)s zit niet in de jury.", name=user.display_name))
    assignments = [a for a in queries.assignments_of_call(call.id) if a.juror_id == user.id]
    started = [a for a in assignments if a.sheet is not None]
    if started:
        raise JuryError(ngettext(
            "%(name)s heeft al %(num)s beoordeling begonnen; die blijft bewaard, dus het jurylid blijft in de jury.",
            "%(name)s heeft al %(num)s beoordelingen begonnen; die blijven bewaard, dus het jurylid blijft in de jury.",
            len(started), name=user.display_name))
    for assignment in assignments:
        db.session.delete(assignment)
    panel.members.remove(user)
    if panel.chair_id == user.id:
        panel.chair_id = None
    db.session.flush()
    record("jury.juror_remove", panel, {"jurors": [user.email, None], "assignments": [len(assignments), 0]},
           actor=actor)


# --------------------------------------------------------------------------- conflicts of interest


@dataclass(frozen=True)
class Declaration:
    """A juror's answer for one application: a conflict (with its kind and reason) or none."""

    application_id: int
    conflict: bool
    kind: ConflictKind | None = None
    reason: str = ""


def _pair_record(application_id: int, user_id: int) -> ConflictOfInterest | None:
    return db.session.scalar(sa.select(ConflictOfInterest).where(ConflictOfInterest.application_id == application_id,
                                                                 ConflictOfInterest.user_id == user_id))


def _drop_unstarted_assignment(application_id: int, juror_id: int) -> bool:
    """A conflicted juror is never assigned: an assignment without a sheet goes (a started sheet
    stays, out of every aggregate, for the admin to see on the dashboard)."""
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == application_id,
                                                               Assignment.juror_id == juror_id))
    if assignment is not None and assignment.sheet is None:
        db.session.delete(assignment)
        return True
    return False


def _store_conflict(application_id: int, user_id: int, kind: ConflictKind, source: ConflictSource, reason: str,
                    actor: User | None) -> ConflictOfInterest:
    record_ = _pair_record(application_id, user_id)
    before = {} if record_ is None else {"kind": record_.kind, "source": record_.source, "reason": record_.reason,
                                         "overridden": record_.overridden_at is not None}
    if record_ is None:
        fresh = ConflictOfInterest(application_id=application_id, user_id=user_id, created_at=current_time(),
                                   kind=kind, source=source, reason=reason)
        record_ = fresh if _insert_once(fresh) else _pair_record(application_id, user_id)
    record_.kind, record_.source, record_.reason = kind, source, reason
    record_.created_by_id = actor.id if actor is not None else None
    record_.overridden_at = record_.overridden_by_id = record_.override_reason = None  # new information counts
    db.session.flush()
    dropped = _drop_unstarted_assignment(application_id, user_id)
    record("jury.conflict_set" if source == ConflictSource.ADMIN else "jury.conflict_declare", record_,
           {**diff(before, {"kind": kind, "source": source, "reason": reason, "overridden": False}),
            **({"assignment": ["kept", "removed"]} if dropped else {})}, actor=actor)
    return record_


def declare_conflicts(call: Call, juror: User, declarations: list[Declaration]) -> int:
    """The juror's declaration page: for each listed application, a conflict or none. Returns the
    number of conflicts declared. A conflict the juror declared earlier cannot be taken back by
    the juror (an admin can override it)."""
    if not access.is_panel_member(juror, call):
        raise JuryError(_("U zit niet in de jury van deze oproep."))
    rows = {r.application_id: r for r in queries.declaration_rows(call.id, juror)}
    checked: list[tuple[Declaration, str]] = []
    for entry in declarations:
        row = rows.get(entry.application_id)
        if row is None:
            raise JuryError(_("Deze aanvraag hoort niet bij de lijst van deze oproep."))
        if not entry.conflict:
            checked.append((entry, ""))
            continue
        if entry.kind is None:
            raise JuryError(_("Kies het soort belangenconflict voor '%(title)s'.", title=row.title),
                            field=f"kind-{entry.application_id}")
        reason = _clean_reason(entry.reason, missing=_("Geef een korte reden voor het belangenconflict."))
        checked.append((entry, reason))
    now = current_time()
    existing = {d.application_id: d for d in db.session.scalars(sa.select(ConflictDeclaration).where(
        ConflictDeclaration.juror_id == juror.id, ConflictDeclaration.application_id.in_(list(rows))))} if rows else {}
    conflicts = 0
    for entry, reason in checked:
        row = rows[entry.application_id]
        if entry.conflict and row.own_conflict is None:
            _store_conflict(entry.application_id, juror.id, entry.kind, ConflictSource.DECLARED, reason, juror)
            conflicts += 1
        declaration = existing.get(entry.application_id)
        if declaration is None:
            _insert_once(ConflictDeclaration(application_id=entry.application_id, juror_id=juror.id, declared_at=now))
        else:
            declaration.declared_at = now
    db.session.flush()
    panel = ensure_panel(call)
    record("jury.declaration", panel, {"juror": [None, juror.email], "declared": [None, len(checked)],
                                       "conflicts": [None, conflicts]}, actor=juror)
    return conflicts


def declare_conflict(app: Application, juror: User, kind: ConflictKind, reason: str) -> ConflictOfInterest:
    """From the scoring page: "I have a conflict with this application after all" (access ends now)."""
    if not access.can_read_as_juror(juror, app):
        raise JuryError(_("U kunt voor deze aanvraag geen belangenconflict melden."))
    reason = _clean_reason(reason, missing=_("Geef een korte reden voor het belangenconflict."))
    conflict = _store_conflict(app.id, juror.id, kind, ConflictSource.DECLARED, reason, juror)
    return conflict


def set_conflict(app: Application, juror: User, kind: ConflictKind, reason: str, actor: User) -> ConflictOfInterest:
    """The agency records a conflict it knows of (audited); the juror loses access at once."""
    if juror.role != Role.JUROR:
        raise JuryError(_("Alleen een jurylid kan een belangenconflict hebben."), field="juror_id")
    reason = _clean_reason(reason, missing=_("Geef de reden van het belangenconflict."))
    return _store_conflict(app.id, juror.id, kind, ConflictSource.ADMIN, reason, actor)


def override_conflict(app: Application, juror: User, reason: str, actor: User) -> ConflictOfInterest:
    """The agency lets a juror on an application despite a conflict: only with a reason, audited."""
    reason = _clean_reason(reason, missing=_("Geef de reden om het belangenconflict op te heffen."))
    known = access.standing(juror, app)
    automatic = access.automatic_conflict(juror, app)
    if automatic is None and not known.stored_conflict:
        raise JuryError(_("Er is geen belangenconflict om op te heffen."))
    record_ = _pair_record(app.id, juror.id)
    if record_ is None:  # an automatic conflict: the row carries only the override
        fresh = ConflictOfInterest(application_id=app.id, user_id=juror.id, kind=automatic,
                                   source=ConflictSource.AUTOMATIC, reason="", created_at=current_time(),
                                   created_by_id=actor.id)
        record_ = fresh if _insert_once(fresh) else _pair_record(app.id, juror.id)
    record_.overridden_at = current_time()
    record_.overridden_by_id = actor.id
    record_.override_reason = reason
    db.session.flush()
    record("jury.conflict_override", record_, {"overridden": [False, True]}, actor=actor, reason=reason)
    return record_


def lift_override(app: Application, juror: User, actor: User) -> None:
    """Undo an override: the conflict counts again (and an unstarted assignment goes)."""
    record_ = _pair_record(app.id, juror.id)
    if record_ is None or record_.overridden_at is None:
        raise JuryError(_("Dit belangenconflict is niet opgeheven."))
    reason = record_.override_reason
    record_.overridden_at = record_.overridden_by_id = record_.override_reason = None
    db.session.flush()
    if access.is_conflicted(juror, app):
        _drop_unstarted_assignment(app.id, juror.id)
    record("jury.conflict_override_lifted", record_, {"overridden": [True, False]}, actor=actor, reason=reason)


# --------------------------------------------------------------------------- assignments


def assignment_plan(call: Call, n: int | None = None) -> AssignmentPlan:
    """The automatic plan for "n jurors per application" (the call's number by default)."""
    n = call.jurors_per_application if n is None else n
    apps = [a.id for a in queries.jury_applications(call.id)]
    jurors = [j.id for j in queries.jurors_of(call.id)]
    existing = [e for e in queries.existing_assignments(call.id)]
    known_apps, known_jurors = set(apps), set(jurors)
    # Assignments outside the plan's lists (an application withdrawn, a juror off the panel) stay as they are.
    existing = [e for e in existing if e.application_id in known_apps and e.juror_id in known_jurors]
    return plan_assignments(apps, jurors, access.conflict_pairs(call.id), existing, n)


def plan_fingerprint(plan: AssignmentPlan) -> str:
    """What the admin previewed: saving checks the plan is still the same."""
    text = ";".join(f"+{a}:{j}" for a, j in plan.add) + "|" + ";".join(f"-{d.application_id}:{d.juror_id}"
                                                                     for d in plan.drop)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def apply_assignment_plan(call: Call, n: int, actor: User, *, fingerprint: str) -> AssignmentPlan:
    plan = assignment_plan(call, n)
    if plan_fingerprint(plan) != fingerprint:
        raise JuryConflict(_("De toewijzingen, conflicten of juryleden veranderden sinds het voorbeeld. Bekijk het "
                             "nieuwe voorbeeld en bewaar opnieuw."))
    panel = ensure_panel(call, actor)
    now = current_time()
    for application_id, juror_id in plan.add:
        db.session.add(Assignment(application_id=application_id, juror_id=juror_id, panel_id=panel.id,
                                  assigned_at=now))
    if plan.drop:
        pairs = [(d.application_id, d.juror_id) for d in plan.drop]
        for assignment in db.session.scalars(sa.select(Assignment).where(
                sa.tuple_(Assignment.application_id, Assignment.juror_id).in_(pairs))):
            db.session.delete(assignment)
    db.session.flush()
    record("jury.assign_automatic", panel, {"jurors_per_application": [None, n], "added": [None, len(plan.add)],
                                            "dropped": [None, len(plan.drop)],
                                            "dropped_started": [None, len(plan.dropped_started)]}, actor=actor)
    return plan


def assign(call: Call, app: Application, juror: User, actor: User) -> Assignment:
    """One assignment by hand: never for a conflicted juror, never twice."""
    if app.call_id != call.id or app.status not in queries.JURY_STATUSES:
        raise JuryError(_("Deze aanvraag wordt niet door de jury beoordeeld."))
    panel = ensure_panel(call, actor)
    if juror.id not in panel.member_ids:
        raise JuryError(_("%(name)s zit niet in de jury van deze oproep.", name=juror.display_name))
    if access.is_conflicted(juror, app):
        raise JuryError(_("%(name)s heeft een belangenconflict met deze aanvraag. Hef het conflict eerst op, met een "
                          "reden, als het jurylid de aanvraag toch moet beoordelen.", name=juror.display_name))
    if db.session.scalar(sa.select(Assignment.id).where(Assignment.application_id == app.id,
                                                        Assignment.juror_id == juror.id)):
        raise JuryError(_("%(name)s is al toegewezen aan deze aanvraag.", name=juror.display_name))
    assignment = Assignment(application_id=app.id, juror_id=juror.id, panel_id=panel.id, assigned_at=current_time())
    if not _insert_once(assignment):
        raise JuryError(_("%(name)s is al toegewezen aan deze aanvraag.", name=juror.display_name))
    record("jury.assign", assignment, {"application_id": [None, app.id], "juror": [None, juror.email]}, actor=actor)
    return assignment


def unassign(call: Call, app: Application, juror: User, actor: User) -> None:
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.application_id == app.id,
                                                               Assignment.juror_id == juror.id))
    if assignment is None or app.call_id != call.id:
        raise JuryError(_("%(name)s is niet toegewezen aan deze aanvraag.", name=juror.display_name))
    if assignment.sheet is not None:
        raise JuryError(_("%(name)s heeft de beoordeling al begonnen; die toewijzing blijft.",
                          name=juror.display_name))
    record("jury.unassign", assignment, {"application_id": [app.id, None], "juror": [juror.email, None]},
           actor=actor)
    db.session.delete(assignment)
    db.session.flush()


# --------------------------------------------------------------------------- score sheets


@dataclass(frozen=True)
class CriterionScore:
    criterion_id: int
    value: Decimal | None
    comment: str = ""


@dataclass(frozen=True)
class SheetData:
    scores: tuple[CriterionScore, ...]
    comment: str = ""
    recommendation: Recommendation | None = None


def sheet_refusal(panel: Panel | None, now: datetime) -> str | None:
    """Why no sheet of this jury can be saved now, or None. At the deadline itself: refused."""
    if panel is not None and panel.scoring_deadline is not None and now >= panel.scoring_deadline:
        return _("De deadline voor de beoordelingen was %(date)s om %(time)s; beoordelingen kunnen niet meer "
                 "gewijzigd worden.", date=format_local(panel.scoring_deadline, "%d-%m-%Y"),
                 time=format_local(panel.scoring_deadline, "%H:%M"))
    return None


def _check_scores(criteria: list[Criterion], data: SheetData, *, submit: bool) -> None:
    known = {c.id: c for c in criteria}
    errors: dict[str, str] = {}
    for item in data.scores:
        criterion = known.get(item.criterion_id)
        if criterion is None:
            raise JuryError(_("Een score voor een criterium dat niet bij deze oproep hoort."))
        if item.value is not None:
            if not item.value.is_finite() or -item.value.as_tuple().exponent > 2 or \
                    not criterion.scale_min <= item.value <= criterion.scale_max:
                errors[f"score_{criterion.id}"] = _("Geef een score van %(low)s tot en met %(high)s, met hoogstens "
                                                    "2 cijfers na de komma.", low=criterion.scale_min,
                                                    high=criterion.scale_max)
        if len(item.comment or "") > COMMENT_MAX:
            errors[f"comment_{criterion.id}"] = _("Hoogstens %(limit)s tekens.", limit=COMMENT_MAX)
    if len(data.comment or "") > COMMENT_MAX:
        errors["comment"] = _("Hoogstens %(limit)s tekens.", limit=COMMENT_MAX)
    if errors:
        raise SheetIncomplete(errors)
    if submit:
        given = {item.criterion_id for item in data.scores if item.value is not None}
        missing = {f"score_{c.id}": _("Geef een score voor '%(name)s': dit criterium is verplicht.", name=c.name)
                   for c in criteria if c.required and c.id not in given}
        if not given and not missing:  # every criterion optional, none scored: an empty sheet says nothing
            missing[f"score_{criteria[0].id}" if criteria else "comment"] = _("Geef minstens één score.")
        if data.recommendation is None:
            missing["recommendation"] = _("Kies uw aanbeveling: ja, misschien of nee.")
        if missing:
            raise SheetIncomplete(missing)


def _snapshot(sheet: ScoreSheet | None) -> dict:
    if sheet is None:
        return {}
    return {"scores": {str(s.criterion_id): f"{s.value:.2f}" for s in sheet.scores},
            "comments": {str(s.criterion_id): s.comment for s in sheet.scores if s.comment},
            "comment": sheet.comment, "recommendation": sheet.recommendation}


def save_sheet(assignment: Assignment, data: SheetData, juror: User, *, loaded_version: int | None,
               submit: bool = False) -> ScoreSheet:
    """Save the juror's sheet as a draft, or submit it (every required score and a recommendation).

    loaded_version is the sheet's version when the form was loaded (0: there was no sheet yet); a
    different version means a stale save (another tab): refused with SheetConflict, which carries
    the saved sheet to show beside what was typed."""
    app = assignment.application
    if assignment.juror_id != juror.id or not access.can_read_as_juror(juror, app):
        raise JuryError(_("U kunt deze beoordeling niet wijzigen."))
    now = current_time()
    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == app.call_id))
    refusal = sheet_refusal(panel, now)
    if refusal:
        raise SheetRefused(refusal)
    sheet = assignment.sheet
    current = sheet_status(sheet)
    if not SHEET_STATES[current].editable:
        raise SheetRefused(_("Deze beoordeling is ingediend. Heropen ze eerst als u ze wilt wijzigen."))
    if (sheet.version if sheet is not None else 0) != (loaded_version if loaded_version is not None else -1):
        raise SheetConflict(sheet)
    criteria = list(app.call.criteria)
    _check_scores(criteria, data, submit=submit)

    before = _snapshot(sheet)
    created = sheet is None
    target = SheetStatus.SUBMITTED if submit else SheetStatus.DRAFT
    if not SHEET_STATES.can(current, target) and current != target:  # pragma: no cover - the records allow it
        raise SheetRefused(_("Deze beoordeling kan niet ingediend worden."))
    if created:
        sheet = ScoreSheet(assignment_id=assignment.id, created_at=now)
    _fill_sheet(sheet, data, now)
    if submit:
        sheet.submitted_at = now
    if created:
        if not _insert_once(sheet):  # two tabs creating the same sheet: the second loses, cleanly
            db.session.expire(assignment, ["sheet"])
            raise SheetConflict(assignment.sheet)
        assignment.sheet = sheet
    else:
        flag_modified(sheet, "updated_at")  # every save is a new version, also when only scores changed
        db.session.flush()
    action = "jury.sheet_submit" if submit else ("jury.sheet_create" if created else "jury.sheet_save")
    record(action, sheet, {**diff(before, _snapshot(sheet)),
                           **({"status": [current.value, target.value]} if target != current else {})}, actor=juror)
    return sheet


def _fill_sheet(sheet: ScoreSheet, data: SheetData, now: datetime) -> None:
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for item in data.scores:
        existing = by_criterion.get(item.criterion_id)
        if item.value is None:
            if existing is not None:
                sheet.scores.remove(existing)
            continue
        if existing is None:
            sheet.scores.append(Score(criterion_id=item.criterion_id, value=item.value, comment=item.comment))
        else:
            existing.value, existing.comment = item.value, item.comment
    sheet.comment = data.comment or ""
    sheet.recommendation = data.recommendation
    sheet.updated_at = now


def reopen_sheet(assignment: Assignment, juror: User, *, loaded_version: int | None) -> ScoreSheet:
    """A submitted sheet back to draft, before the deadline (it leaves the ranking until submitted again)."""
    app = assignment.application
    if assignment.juror_id != juror.id or not access.can_read_as_juror(juror, app):
        raise JuryError(_("U kunt deze beoordeling niet wijzigen."))
    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == app.call_id))
    refusal = sheet_refusal(panel, current_time())
    if refusal:
        raise SheetRefused(refusal)
    sheet = assignment.sheet
    if sheet_status(sheet) != SheetStatus.SUBMITTED:
        raise SheetRefused(_("Deze beoordeling is niet ingediend."))
    if sheet.version != loaded_version:
        raise SheetConflict(sheet)
    sheet.submitted_at = None
    sheet.updated_at = current_time()
    db.session.flush()
    record("jury.sheet_reopen", sheet, {"status": [SheetStatus.SUBMITTED.value, SheetStatus.DRAFT.value]},
           actor=juror)
    return sheet


# --------------------------------------------------------------------------- reminders


@dataclass(frozen=True)
class ReminderResult:
    sent: tuple[User, ...]
    already_today: tuple[User, ...]


def jurors_with_open_sheets(call: Call) -> dict[int, int]:
    """juror id -> open sheets (not started or draft) on applications they are not conflicted on."""
    conflicts = access.conflict_pairs(call.id)
    members = {j.id for j in queries.jurors_of(call.id)}
    open_counts: dict[int, int] = {}
    for assignment in queries.assignments_of_call(call.id):
        pair = (assignment.application_id, assignment.juror_id)
        if pair in conflicts or assignment.juror_id not in members:
            continue
        if SHEET_STATES[sheet_status(assignment.sheet)].open:
            open_counts[assignment.juror_id] = open_counts.get(assignment.juror_id, 0) + 1
    return open_counts


def send_reminders(call: Call, actor: User | None) -> ReminderResult:
    """Mail every juror with open sheets, at most once per juror and (Brussels) day: the unique key
    of jury_reminders decides, so two admins clicking at once still send one mail."""
    panel = ensure_panel(call, actor)
    now = current_time()
    if sheet_refusal(panel, now):
        raise JuryError(_("De deadline is voorbij: er valt niets meer te herinneren."))
    today = to_local(now).date()
    open_counts = jurors_with_open_sheets(call)
    jurors = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(open_counts))))} \
        if open_counts else {}
    sent, skipped = [], []
    for juror_id in sorted(open_counts):
        juror = jurors[juror_id]
        if not juror.active:
            continue
        reminder = JuryReminder(panel_id=panel.id, juror_id=juror_id, sent_on=today, sent_at=now,
                                open_sheets=open_counts[juror_id], sent_by_id=actor.id if actor is not None else None)
        if not _insert_once(reminder):  # already reminded today: the unique key says so
            skipped.append(juror)
            continue
        with in_language(None):  # mail goes out in the agency's language, whatever the admin's pages are in
            remaining = describe_remaining(panel.scoring_deadline - now) if panel.scoring_deadline else None
        subject = LazyString(ngettext, "Herinnering: %(num)s beoordeling voor %(title)s",
                             "Herinnering: %(num)s beoordelingen voor %(title)s", open_counts[juror_id],
                             title=call.title)
        queue_template_mail([juror.email], "jury_reminder", subject, juror=juror, call=call,
                            open_sheets=open_counts[juror_id], deadline=panel.scoring_deadline, remaining=remaining,
                            home_url=external_url("main.home"))
        sent.append(juror)
    record("jury.reminders", panel, {"sent": [None, [u.email for u in sent]],
                                     "already_today": [None, [u.email for u in skipped]]}, actor=actor)
    return ReminderResult(tuple(sent), tuple(skipped))


# --------------------------------------------------------------------------- the jury's advice


def record_advice(app: Application, outcome: AdviceOutcome, motivation: str, actor: User, *,
                  loaded_version: int | None) -> JuryAdvice:
    """The chair records the jury's advice on an application (award / reject / waitlist), with a motivation."""
    if not access.can_advise(actor, app):
        raise JuryError(_("Alleen de voorzitter van de jury legt het juryadvies vast."))
    motivation = _clean_reason(motivation, missing=_("Geef een motivering van het advies."))
    advice = db.session.scalar(sa.select(JuryAdvice).where(JuryAdvice.application_id == app.id))
    if advice is not None and loaded_version != advice.version:
        raise JuryConflict(_("Het advies werd intussen door iemand anders gewijzigd. Er is niets overschreven; "
                             "bekijk het opnieuw."))
    before = {"outcome": advice.outcome if advice else None, "motivation": advice.motivation if advice else None}
    if advice is None:
        advice = JuryAdvice(application_id=app.id, outcome=outcome, motivation=motivation,
                            recorded_at=current_time(), recorded_by_id=actor.id)
        if not _insert_once(advice):
            raise JuryConflict(_("Het advies werd intussen door iemand anders vastgelegd. Er is niets "
                                 "overschreven; bekijk het opnieuw."))
    advice.outcome, advice.motivation = outcome, motivation
    advice.recorded_at, advice.recorded_by_id = current_time(), actor.id
    db.session.flush()
    record("jury.advice", advice, diff(before, {"outcome": outcome, "motivation": motivation}), actor=actor)
    return advice


__all__ = [
    "CriterionScore", "Declaration", "JuryConflict", "JuryError", "JurySettings", "ReminderResult", "SheetConflict",
    "SheetData", "SheetIncomplete", "SheetRefused", "add_juror", "apply_assignment_plan", "assign",
    "assignment_plan", "current_time", "declare_conflict", "declare_conflicts", "ensure_panel", "invite_juror",
    "lift_override", "override_conflict", "plan_fingerprint", "record_advice", "remove_juror", "reopen_sheet",
    "save_sheet", "send_reminders", "set_conflict", "sheet_refusal", "unassign", "update_jury_settings",
]
