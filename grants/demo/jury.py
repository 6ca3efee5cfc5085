"""Demo jury: the counter-voices call of 2017 as it was decided, and the open call being scored.

- Maatschappelijke tegengeluiden mobiliseren 2017: a jury of five (jury@ chairs it; jury4@ and
  jury5@ are created here). Conflicts among them: the Gent juror (jury3@, who works for the City
  of Gent) declared conflicts with the four Gent applicants, jury5@ one personal conflict, and
  jury4@ is a member of KU Leuven, an automatic conflict with its application. Three jurors per
  application (the call's setting), assigned with the jury's own balanced plan. Their scores put
  exactly the 11 awarded projects above the quality threshold of 65 points: their requested
  amounts total 437.995,00 EUR, within the 500.000,00 EUR envelope, so it is the threshold and not
  the money that ends the list, as in reality. On the same application jury@ scores a few points
  above the others and jury2@ a few below (the normalised ranking corrects for it), and the jurors
  disagree widely on one application. The chair recorded the jury's advice as decided: award for
  the 11, reject for the others.
- Maatschappelijke tegengeluiden 2027 (open now): a jury of three with a deadline after the
  call closes, assigned to the submitted application; jury@ has a draft sheet, jury3@ has not
  started, and jury2@ still has to declare her conflicts.

Every sheet's total is exact: each score is the sheet's total / 10 plus a variation whose
weighted sum is zero, so no rounding can move an application across the threshold.
Idempotent: a call whose panel exists is left as it is.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..applications.models import Application
from ..calls.models import Call
from ..extensions import db
from ..jury.assignment import plan_assignments
from ..jury.models import (
    AdviceOutcome, Assignment, ConflictDeclaration, ConflictKind, ConflictOfInterest, ConflictSource, JuryAdvice,
    Panel, Recommendation, Score, ScoreSheet,
)
from ..jury.queries import JURY_STATUSES
from ..organisations.models import Organisation
from ..timeutil import from_local, to_local
from .accounts import DEMO_PASSWORD
from .applications import COUNTER_VOICES_2017, COUNTER_VOICES_2027

THRESHOLD = D("65")

# The five jurors of 2017 (e-mail, name, organisations by name or REFNIS); the first three exist already.
JURORS = [
    ("jury@abb.demo", "Jan Jurylid", ()),
    ("jury2@abb.demo", "Fatima Jurylid", ()),
    ("jury3@abb.demo", "Pieter Jurylid (Gent)", ("44021",)),
    ("jury4@abb.demo", "Marc Jurylid (KU Leuven)", ("KU Leuven",)),
    ("jury5@abb.demo", "Leen Jurylid", ()),
]
CHAIR = "jury@abb.demo"
# Points each juror gives above (lenient) or below (strict) an application's level.
LENIENCY = {"jury@abb.demo": 3, "jury2@abb.demo": -3, "jury3@abb.demo": 1, "jury4@abb.demo": -1,
            "jury5@abb.demo": 0}

# The level of each application in the jury's eyes (points out of 100), by organisation.
AWARDED_LEVEL = {"CIBO": 84, "KU Leuven": 82, "Averroes": 80, "Ceapire": 78, "PAJ": 77, "Roeselare": 76,
                 "Vroemvroem": 75, "Partage en couleurs": 73, "Samo pravo": 72, "Vilvoorde": 71,
                 "Gemeente Molenbeek": 69}
REJECTED_LEVEL = {"Jongerenwerking De Brug": 61, "Mediawerkplaats Tegenstem": 60, "Vormingplus Limburg": 59,
                  "Hogeschool Gent": 58, "Moskee-overleg Vlaanderen": 57, "Buurtwerk Oost": 55,
                  "Vrouwenplatform Samen": 54, "Atheneum Brussel-Noord": 52, "Dialoog en Samenleven": 50,
                  "Theater Tussenruimte": 49, "Sportclub Verbinding": 47, "Mechelen": 45, "Genk": 42}
SPLIT_VERDICT = "Hogeschool Gent"  # one juror far above the other two: the disagreement flag

# Declared conflicts: juror -> [(organisation, kind, reason)].
DECLARED = {
    "jury3@abb.demo": [(name, ConflictKind.PROFESSIONAL,
                        "Als medewerker van de Stad Gent volg ik de Gentse projecten tegen polarisatie op en "
                        "werk ik met deze organisatie samen.")
                       for name in ("Vroemvroem", "Averroes", "Hogeschool Gent", "Moskee-overleg Vlaanderen")],
    "jury5@abb.demo": [("Theater Tussenruimte", ConflictKind.PERSONAL,
                        "Mijn partner speelt in het gezelschap.")],
}

# Zero-sum variations of the five criteria (weights 30, 25, 20, 15, 10): the sheet's total stays exact.
VARIATIONS = [(D("0.5"), D("-0.6"), 0, 0, 0), (0, D("0.4"), D("-0.5"), 0, 0), (D("-0.5"), 0, 0, D("1.0"), 0),
              (0, 0, D("0.5"), 0, D("-1.0")), (D("0.2"), D("-0.2"), 0, 0, D("-0.1")), (0, 0, 0, 0, 0)]
NOISE = (D(2), D(-1), D(0), D(1), D(-2))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return from_local(datetime.combine(day, time(hour, minute)))


def _jurors() -> dict[str, User]:
    """The five demo jurors, the two new ones created (with the demo password)."""
    found = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_([e for e, *_ in JURORS])))}
    for email, name, organisations in JURORS:
        if email in found:
            continue
        user = User(email=email, name=name, role=Role.JUROR, active=True)
        user.set_password(DEMO_PASSWORD)
        user.organisations = list(db.session.scalars(sa.select(Organisation).where(sa.or_(
            Organisation.refnis.in_(organisations), Organisation.name.in_(organisations)))))
        db.session.add(user)
        found[email] = user
    db.session.flush()
    return found


def _call(title: str) -> Call | None:
    return db.session.scalar(sa.select(Call).where(Call.title == title))


def _scores(total: D, variation: tuple) -> list[D]:
    base = total / 10
    marks = [base + D(delta) for delta in variation]
    if any(not 0 <= m <= 10 for m in marks):  # at the ends of the scale: no variation
        marks = [base] * 5
    return marks


def _sheet_totals(level: int, jurors: list[str], split: bool) -> dict[str, D]:
    totals = {}
    for k, email in enumerate(jurors):
        noise = NOISE[(level + k) % len(NOISE)]
        totals[email] = D(level) + LENIENCY[email] + noise
    if split:  # the same level on average, but one juror 18 points above it and two 9 below
        totals = {email: D(level) + (D(18) if k == 0 else D(-9)) for k, email in enumerate(jurors)}
    return totals


def _call_without_panel(title: str, echo) -> Call | None:
    """The demo call to give its jury, or None: not found (said so), or it has its panel from an earlier run."""
    call = _call(title)
    if call is None:
        echo(f"Jury: call '{title}' not found, skipped.")
        return None
    if db.session.scalar(sa.select(Panel.id).where(Panel.call_id == call.id)):
        return None
    return call


def _seed_2017(echo) -> int:
    call = _call_without_panel(COUNTER_VOICES_2017, echo)
    if call is None:
        return 0
    jurors = _jurors()
    deadline = _at(date(2017, 11, 24), 17)
    panel = Panel(call_id=call.id, name="Jury tegengeluiden 2017", chair_id=jurors[CHAIR].id,
                  scoring_deadline=deadline, quality_threshold=THRESHOLD, created_at=_at(date(2017, 10, 16), 9))
    panel.members = [jurors[e] for e, *_ in JURORS]
    db.session.add(panel)
    db.session.flush()

    apps = list(db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id, Application.status.in_(JURY_STATUSES)).order_by(Application.dossier_number)))
    name_of = {a.id: a.organisation.name for a in apps}
    by_name = {a.organisation.name: a for a in apps}
    id_of = {email: user.id for email, user in jurors.items()}
    email_of = {user.id: email for email, user in jurors.items()}

    # Conflicts: declared ones stored; KU Leuven's membership conflict is computed, not stored.
    conflicts = set()
    declared_on = _at(date(2017, 10, 18), 10)
    for email, entries in DECLARED.items():
        for name, kind, reason in entries:
            app = by_name[name]
            db.session.add(ConflictOfInterest(application_id=app.id, user_id=id_of[email], kind=kind,
                                              source=ConflictSource.DECLARED, reason=reason, created_at=declared_on,
                                              created_by_id=id_of[email]))
            conflicts.add((app.id, id_of[email]))
    for app in apps:
        for email, user in jurors.items():
            if app.organisation_id in {o.id for o in user.organisations}:
                conflicts.add((app.id, user.id))
    for app in apps:  # everyone declared for every application they could see
        for email, user in jurors.items():
            automatic = app.organisation_id in {o.id for o in user.organisations}
            if not automatic:
                db.session.add(ConflictDeclaration(application_id=app.id, juror_id=user.id, declared_at=declared_on))

    plan = plan_assignments([a.id for a in apps], list(id_of.values()), conflicts, [], call.jurors_per_application)
    criteria = list(call.criteria)
    sheets = 0
    for index, app in enumerate(apps):
        on_app = [email_of[j] for j in plan.jurors_for(app.id)]
        name = name_of[app.id]
        level = AWARDED_LEVEL.get(name) or REJECTED_LEVEL[name]
        totals = _sheet_totals(level, on_app, name == SPLIT_VERDICT)
        for k, email in enumerate(on_app):
            submitted = _at(date(2017, 11, 6) + timedelta(days=(index + 3 * k) % 17), 10 + k, 15)
            assignment = Assignment(application_id=app.id, juror_id=id_of[email], panel_id=panel.id,
                                    assigned_at=_at(date(2017, 10, 20), 9))
            total = totals[email]
            marks = _scores(total, VARIATIONS[(index + k) % len(VARIATIONS)])
            recommendation = Recommendation.YES if total >= THRESHOLD + 5 else (
                Recommendation.MAYBE if total >= THRESHOLD - 5 else Recommendation.NO)
            assignment.sheet = ScoreSheet(
                comment=("Overtuigend tegengeluid met een duidelijk bereik." if total >= THRESHOLD else
                         "Sympathiek, maar de link met het extremistische discours blijft vaag."),
                recommendation=recommendation, created_at=submitted - timedelta(days=2), updated_at=submitted,
                submitted_at=submitted,
                scores=[Score(criterion_id=c.id, value=mark) for c, mark in zip(criteria, marks)])
            db.session.add(assignment)
            sheets += 1
    advised = _at(date(2017, 12, 1), 14)
    for app in apps:
        name = name_of[app.id]
        award = name in AWARDED_LEVEL
        db.session.add(JuryAdvice(
            application_id=app.id, outcome=AdviceOutcome.AWARD if award else AdviceOutcome.REJECT,
            motivation=("Geselecteerd: boven de kwaliteitsdrempel van 65 punten en binnen het budget."
                        if award else "Niet geselecteerd: onder de kwaliteitsdrempel van 65 punten."),
            recorded_at=advised, recorded_by_id=id_of[CHAIR]))
    db.session.flush()
    echo(f"Jury: {COUNTER_VOICES_2017}: 5 jurors, {sheets} submitted sheets, {len(apps)} advices.")
    return sheets


def _seed_open_call(echo) -> int:
    call = _call_without_panel(COUNTER_VOICES_2027, echo)
    if call is None:
        return 0
    jurors = _jurors()
    jan, fatima, pieter = (jurors[e] for e in ("jury@abb.demo", "jury2@abb.demo", "jury3@abb.demo"))
    closes = to_local(call.closes_at).date()
    panel = Panel(call_id=call.id, name="Jury tegengeluiden 2027", chair_id=jan.id,
                  scoring_deadline=_at(closes + timedelta(days=30), 17), quality_threshold=THRESHOLD)
    panel.members = [jan, fatima, pieter]
    db.session.add(panel)
    db.session.flush()
    apps = list(db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id, Application.status.in_(JURY_STATUSES)).order_by(Application.dossier_number)))
    criteria = list(call.criteria)
    for app in apps:
        for juror in (jan, fatima, pieter):
            assignment = Assignment(application_id=app.id, juror_id=juror.id, panel_id=panel.id)
            if juror is not fatima:  # she has not declared her conflicts yet
                db.session.add(ConflictDeclaration(application_id=app.id, juror_id=juror.id))
            if juror is jan:  # a draft: two criteria scored so far
                assignment.sheet = ScoreSheet(comment="", scores=[
                    Score(criterion_id=criteria[0].id, value=D("8"), comment="Sterke online aanpak."),
                    Score(criterion_id=criteria[1].id, value=D("7.5"))])
            db.session.add(assignment)
    db.session.flush()
    echo(f"Jury: {COUNTER_VOICES_2027}: 3 jurors on {len(apps)} applications (a draft, open sheets).")
    return len(apps)


def seed_jury(echo=lambda _msg: None) -> dict[str, int]:
    _seed_2017(echo)
    _seed_open_call(echo)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ScoreSheet))
    return {"score sheets": total or 0}
