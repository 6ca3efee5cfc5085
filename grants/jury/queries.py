"""Reads for the jury's pages: a fixed number of queries per page, whatever the number of
applications, jurors or sheets.

Public functions other parts use:
- `call_ranking(call)` -> RankingView: the ranking of a call as its page and the API show it
  (grants.jury.ranking.Ranking plus the jury's advice and the jurors' names).
- `jury_advice_for(call_id)` -> {application id: JuryAdvice}: the advice the chair recorded.
- `JURY_STATUSES`: the application statuses the jury considers.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, selectinload

from ..accounts.models import Role, User
from ..applications.models import Application
from ..applications.states import HANDED_IN_STATUSES, ApplicationStatus
from ..calls.models import Call, Criterion
from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation
from ..timeutil import to_local
from . import access
from .assignment import ExistingAssignment
from .models import (
    Assignment, ConflictDeclaration, ConflictOfInterest, ConflictSource, JuryAdvice, JuryReminder, Panel, Score,
    ScoreSheet, panel_members,
)
from .ranking import ApplicationInput, CriterionInput, Ranking, SheetInput, build_ranking
from .states import SheetStatus, sheet_status

# Handed in and still in the running: what the jury reads, scores and ranks.
JURY_STATUSES = frozenset(HANDED_IN_STATUSES - {ApplicationStatus.INADMISSIBLE, ApplicationStatus.WITHDRAWN})


# --------------------------------------------------------------------------- the panel


def get_panel(call_id: int) -> Panel | None:
    return db.session.scalar(sa.select(Panel).where(Panel.call_id == call_id)
                             .options(selectinload(Panel.members), joinedload(Panel.chair)))


def jurors_of(call_id: int) -> list[User]:
    """The panel's members, by e-mail (none without a panel)."""
    return list(db.session.scalars(
        sa.select(User).join(panel_members, panel_members.c.user_id == User.id)
        .join(Panel, Panel.id == panel_members.c.panel_id).where(Panel.call_id == call_id).order_by(User.email)))


def candidate_jurors(call_id: int) -> list[User]:
    """Active users with the juror role who are not on the panel yet."""
    on_panel = (sa.select(panel_members.c.user_id).join(Panel, Panel.id == panel_members.c.panel_id)
                .where(Panel.call_id == call_id))
    return list(db.session.scalars(sa.select(User).where(User.role == Role.JUROR, User.active.is_(True),
                                                         User.id.not_in(on_panel)).order_by(User.email)))


def jury_applications(call_id: int) -> list[Application]:
    """The call's applications the jury considers, by dossier number, with their organisation."""
    return list(db.session.scalars(
        sa.select(Application).where(Application.call_id == call_id, Application.status.in_(JURY_STATUSES))
        .options(lazyload(Application.call))
        .order_by(Application.dossier_number.is_(None), Application.dossier_number, Application.id)).unique())


def existing_assignments(call_id: int) -> list[ExistingAssignment]:
    rows = db.session.execute(
        sa.select(Assignment.application_id, Assignment.juror_id, ScoreSheet.id)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Application.call_id == call_id))
    return [ExistingAssignment(a, j, sheet_id is not None) for a, j, sheet_id in rows]


def assignments_of_call(call_id: int) -> list[Assignment]:
    return list(db.session.scalars(
        sa.select(Assignment).join(Application, Application.id == Assignment.application_id)
        .where(Application.call_id == call_id).options(joinedload(Assignment.sheet), lazyload(Assignment.application))))


# --------------------------------------------------------------------------- the juror


@dataclass(frozen=True)
class DeclarationRow:
    application_id: int
    dossier_number: str | None
    title: str
    organisation: str
    declared: bool  # the juror already declared for it
    own_conflict: ConflictOfInterest | None  # the conflict the juror declared, if any


def declaration_rows(call_id: int, juror: User) -> list[DeclarationRow]:
    """What the juror sees before reading: the call's applications as title and organisation only.
    Applications they are conflicted on through a membership or an admin are left out altogether;
    the ones they declared a conflict on themselves stay, marked."""
    rows = db.session.execute(
        sa.select(Application.id, Application.dossier_number, Application.title, Organisation.name)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.call_id == call_id, Application.status.in_(JURY_STATUSES),
               sa.or_(sa.not_(access.conflicted(juror)),
                      sa.exists().where(ConflictOfInterest.application_id == Application.id,
                                        ConflictOfInterest.user_id == juror.id,
                                        ConflictOfInterest.source == ConflictSource.DECLARED,
                                        ConflictOfInterest.overridden_at.is_(None))))
        .order_by(Application.dossier_number.is_(None), Application.dossier_number, Application.id)).all()
    ids = [r[0] for r in rows]
    declared = set(db.session.scalars(sa.select(ConflictDeclaration.application_id).where(
        ConflictDeclaration.juror_id == juror.id, ConflictDeclaration.application_id.in_(ids))))
    own = {c.application_id: c for c in db.session.scalars(sa.select(ConflictOfInterest).where(
        ConflictOfInterest.user_id == juror.id, ConflictOfInterest.application_id.in_(ids),
        ConflictOfInterest.source == ConflictSource.DECLARED, ConflictOfInterest.overridden_at.is_(None)))}
    return [DeclarationRow(a, number, title, org, a in declared, own.get(a)) for a, number, title, org in rows]


@dataclass
class HomeAssignment:
    assignment: Assignment
    application: Application
    status: SheetStatus


@dataclass
class HomeCall:
    call: Call
    panel: Panel
    assignments: list[HomeAssignment] = field(default_factory=list)
    undeclared: int = 0  # applications of the call the juror still has to declare for
    is_chair: bool = False

    @property
    def counts(self) -> dict[SheetStatus, int]:
        found = {status: 0 for status in SheetStatus}
        for item in self.assignments:
            found[item.status] += 1
        return found


def juror_home(user: User) -> list[HomeCall]:
    """The juror's calls (their panels), each with the assignments they may read and the number of
    applications still to declare for. Five queries, whatever the number of assignments."""
    panels = list(db.session.scalars(
        sa.select(Panel).join(panel_members, panel_members.c.panel_id == Panel.id)
        .where(panel_members.c.user_id == user.id).options(joinedload(Panel.call))
        .order_by(Panel.id)))
    if not panels:
        return []
    call_ids = [p.call_id for p in panels]
    readable = (sa.select(Assignment, Application)
                .join(Application, Application.id == Assignment.application_id)
                .where(Assignment.juror_id == user.id, Application.call_id.in_(call_ids),
                       sa.not_(access.conflicted(user)))
                .options(joinedload(Assignment.sheet), lazyload(Application.call))
                .order_by(Application.dossier_number.is_(None), Application.dossier_number, Application.id))
    by_call: dict[int, HomeCall] = {p.call_id: HomeCall(p.call, p, is_chair=p.chair_id == user.id) for p in panels}
    for assignment, app in db.session.execute(readable).unique():
        by_call[app.call_id].assignments.append(HomeAssignment(assignment, app, sheet_status(assignment.sheet)))
    declared = sa.exists().where(ConflictDeclaration.application_id == Application.id,
                                 ConflictDeclaration.juror_id == user.id)
    for call_id, n in db.session.execute(
            sa.select(Application.call_id, sa.func.count()).where(
                Application.call_id.in_(call_ids), Application.status.in_(JURY_STATUSES),
                sa.not_(declared), sa.not_(access.conflicted(user))).group_by(Application.call_id)):
        by_call[call_id].undeclared = n
    return [by_call[p.call_id] for p in panels]


def declared_for(user: User, application_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(ConflictDeclaration).where(
        ConflictDeclaration.juror_id == user.id, ConflictDeclaration.application_id == application_id)))


def assignment_of(user: User, application_id: int) -> Assignment | None:
    return db.session.scalar(sa.select(Assignment).where(Assignment.application_id == application_id,
                                                         Assignment.juror_id == user.id)
                             .options(joinedload(Assignment.sheet).selectinload(ScoreSheet.scores)))


def neighbours(user: User, app: Application) -> tuple[int | None, int | None]:
    """The previous and next application the juror may read in the same call (by dossier number)."""
    ids = list(db.session.scalars(
        sa.select(Application.id).join(Assignment, Assignment.application_id == Application.id)
        .where(Assignment.juror_id == user.id, Application.call_id == app.call_id, access.juror_readable(user))
        .order_by(Application.dossier_number.is_(None), Application.dossier_number, Application.id)))
    if app.id not in ids:
        return None, None
    i = ids.index(app.id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)


@dataclass(frozen=True)
class OtherSheet:
    label: str  # "Jurylid A": jurors see each other anonymously
    juror: User | None  # only for the agency
    sheet: ScoreSheet


def sheets_of(app: Application, *, viewer: User, submitted_only: bool) -> list[OtherSheet]:
    """The sheets of an application, leaving out the viewer's own and those of conflicted jurors;
    jurors get letters, not names (the letters follow the assignment order, the same for everyone)."""
    assignments = list(db.session.scalars(
        sa.select(Assignment).where(Assignment.application_id == app.id)
        .options(joinedload(Assignment.sheet).selectinload(ScoreSheet.scores), joinedload(Assignment.juror))
        .order_by(Assignment.id)))
    conflicted = {j for a, j in access.conflict_pairs(app.call_id, [a.juror_id for a in assignments])
                  if a == app.id}
    shown = []
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for assignment in assignments:
        letter = next(letters, "?")
        sheet = assignment.sheet
        if assignment.juror_id in conflicted or assignment.juror_id == viewer.id or sheet is None:
            continue
        if submitted_only and sheet.submitted_at is None:
            continue
        shown.append(OtherSheet(_("Jurylid %(letter)s", letter=letter),
                                assignment.juror if access.is_admin(viewer) else None, sheet))
    return shown


# --------------------------------------------------------------------------- the admin's dashboard


@dataclass
class JurorProgress:
    juror: User
    counts: dict[SheetStatus, int]
    conflicted: int = 0  # assignments on applications the juror is conflicted on now
    declared: int = 0
    last_reminder: JuryReminder | None = None

    @property
    def assigned(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> int:
        return self.counts[SheetStatus.NOT_STARTED] + self.counts[SheetStatus.DRAFT]


@dataclass
class ApplicationProgress:
    application: Application
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    conflicted_assignments: int = 0


@dataclass
class Dashboard:
    panel: Panel | None
    jurors: list[JurorProgress]
    applications: list[ApplicationProgress]
    required: int  # jurors per application
    to_declare: int  # applications in the jury times jurors, minus declarations

    @property
    def short(self) -> list[ApplicationProgress]:
        """Applications with fewer submitted sheets than required."""
        return [p for p in self.applications if p.submitted < self.required]


def dashboard(call: Call) -> Dashboard:
    panel = get_panel(call.id)
    jurors = list(panel.members) if panel else []
    apps = jury_applications(call.id)
    app_ids = [a.id for a in apps]
    conflicts = access.conflict_pairs(call.id)
    per_juror = {j.id: JurorProgress(j, {s: 0 for s in SheetStatus}) for j in jurors}
    per_app = {a.id: ApplicationProgress(a) for a in apps}
    for assignment in assignments_of_call(call.id):
        status = sheet_status(assignment.sheet)
        pair = (assignment.application_id, assignment.juror_id)
        progress = per_juror.get(assignment.juror_id)
        app_progress = per_app.get(assignment.application_id)
        if pair in conflicts:
            if progress:
                progress.conflicted += 1
            if app_progress:
                app_progress.conflicted_assignments += 1
            continue
        if progress:
            progress.counts[status] += 1
        if app_progress:
            app_progress.assigned += 1
            app_progress.submitted += status == SheetStatus.SUBMITTED
            app_progress.drafts += status == SheetStatus.DRAFT
    for juror_id, n in db.session.execute(
            sa.select(ConflictDeclaration.juror_id, sa.func.count())
            .where(ConflictDeclaration.application_id.in_(app_ids)).group_by(ConflictDeclaration.juror_id)):
        if juror_id in per_juror:
            per_juror[juror_id].declared = n
    if panel is not None:
        for reminder in db.session.scalars(sa.select(JuryReminder).where(JuryReminder.panel_id == panel.id)
                                           .order_by(JuryReminder.sent_at)):
            if reminder.juror_id in per_juror:
                per_juror[reminder.juror_id].last_reminder = reminder
    free_pairs = len(apps) * len(jurors) - sum(1 for a, j in conflicts if a in per_app and j in per_juror)
    return Dashboard(panel, list(per_juror.values()), list(per_app.values()), call.jurors_per_application,
                     max(0, free_pairs - sum(p.declared for p in per_juror.values())))


# --------------------------------------------------------------------------- the ranking


@dataclass(frozen=True)
class RankingView:
    """The ranking of a call with what the page and the API show beside it."""

    call: Call
    ranking: Ranking
    advice: dict[int, JuryAdvice]
    juror_names: dict[int, str]
    titles: dict[int, str]
    left_out_scores: int = 0  # scores outside their criterion's current scale (the rules were unlocked)

    def rows_for(self, user) -> list:
        """The rows this user may see: all for admins, the chair's without their conflicts."""
        if access.is_admin(user):
            return list(self.ranking.rows)
        hidden = {a for a, j in access.conflict_pairs(self.call.id, [user.id])}
        return [r for r in self.ranking.rows if r.application_id not in hidden]


def ranking_inputs(call: Call) -> tuple[list[CriterionInput], list[ApplicationInput], list[SheetInput], int]:
    """Plain inputs for build_ranking, in four queries: the criteria, the applications, every score
    of every submitted sheet, and the conflicts (a conflicted juror's sheet does not count)."""
    criteria_rows = list(db.session.scalars(sa.select(Criterion).where(Criterion.call_id == call.id)
                                            .order_by(Criterion.position, Criterion.id)))
    criteria = [CriterionInput(c.id, c.weight, c.scale_min, c.scale_max) for c in criteria_rows]
    scale = {c.id: (c.scale_min, c.scale_max) for c in criteria_rows}
    applications = [ApplicationInput(a_id, number, org, requested)
                    for a_id, number, org, requested in db.session.execute(
                        sa.select(Application.id, Application.dossier_number, Organisation.name,
                                  Application.requested_amount)
                        .join(Organisation, Organisation.id == Application.organisation_id)
                        .where(Application.call_id == call.id, Application.status.in_(JURY_STATUSES))
                        .order_by(Application.id))]
    conflicts = access.conflict_pairs(call.id)
    scores: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    left_out = 0
    for app_id, juror_id, criterion_id, value in db.session.execute(
            sa.select(Assignment.application_id, Assignment.juror_id, Score.criterion_id, Score.value)
            .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .join(Score, Score.sheet_id == ScoreSheet.id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.call_id == call.id, Application.status.in_(JURY_STATUSES),
                   ScoreSheet.submitted_at.is_not(None))):
        if (app_id, juror_id) in conflicts:
            continue
        low, high = scale.get(criterion_id, (None, None))
        if low is None or not low <= value <= high:
            left_out += 1
            continue
        scores[(app_id, juror_id)][criterion_id] = value
    sheets = [SheetInput(a, j, marks) for (a, j), marks in sorted(scores.items())]
    return criteria, applications, sheets, left_out


def call_ranking(call: Call, panel: Panel | None = None) -> RankingView:
    """The ranking of a call (see grants/jury/ranking.py for every rule), with the advice, the
    jurors' names and the titles; a fixed number of queries."""
    panel = panel if panel is not None else db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
    criteria, applications, sheets, left_out = ranking_inputs(call)
    ranking = build_ranking(criteria, applications, sheets,
                            threshold=panel.quality_threshold if panel is not None else None,
                            envelope=call.envelope)
    juror_ids = sorted({s.juror_id for s in sheets})
    names = {user_id: name or email for user_id, name, email in db.session.execute(
        sa.select(User.id, User.name, User.email).where(User.id.in_(juror_ids)))}
    titles = dict(db.session.execute(sa.select(Application.id, Application.title).where(
        Application.call_id == call.id, Application.status.in_(JURY_STATUSES))).all())
    return RankingView(call, ranking, jury_advice_for(call.id), names, titles, left_out)


def jury_advice_for(call_id: int) -> dict[int, JuryAdvice]:
    """The jury's advice per application of a call (the awards start from it)."""
    return {a.application_id: a for a in db.session.scalars(
        sa.select(JuryAdvice).join(Application, Application.id == JuryAdvice.application_id)
        .where(Application.call_id == call_id).options(joinedload(JuryAdvice.recorded_by)))}


def brussels_day(moment: datetime):
    return to_local(moment).date()
