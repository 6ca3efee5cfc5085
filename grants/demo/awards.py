"""Demo awards: the historical calls' decisions published as they were, and one call to try the
allocation proposal on.

- Maatschappelijke tegengeluiden mobiliseren 2017, Lokale regierol 2015 and Lokaal actieplan
  polarisatie 2022: their decisions (made by grants/demo/applications.py: 11 awards of 437.995,00,
  9 of 568.311,00, and the action plans of 25.000,00 each) are published on the day they were
  decided, with the own contribution each award requires. Counter-voices 2017 was committed in
  the budget at 438.177,00: the awards page shows the 182,00 difference the progress report leaves
  unexplained.
- Lokale regierol 2021-2022: six admissible applications of municipalities not funded in 2015,
  scored by a jury of two (jury@ and jury2@), without advice and without decisions: the proposal
  page has a ranking to start from, and nothing has been accepted yet. Two applications share a
  level, so a what-if envelope that ends between them shows the tie rule.

Idempotent: what exists is left as it is.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import sqlalchemy as sa

from ..accounts.models import User
from ..applications.models import Application
from ..applications.states import ApplicationStatus as S
from ..awards.models import Decision, DecisionOutcome
from ..awards.operations import check_decision
from ..calls.models import Call, Criterion
from ..extensions import db
from ..jury.models import Assignment, ConflictDeclaration, Panel, Recommendation, Score, ScoreSheet
from .applications import ACTION_PLAN_2022, COUNTER_VOICES_2017, REGIE_ROLE_2015, Spec, _at, _Seeder

REGIE_ROLE_2021 = "Lokale regierol 2021-2022"
COMMITTED = {COUNTER_VOICES_2017: D("438177.00")}
PUBLISHED = (COUNTER_VOICES_2017, REGIE_ROLE_2015, ACTION_PLAN_2022)

# (REFNIS, name, requested, level of the jury's scores out of 100)
REGIE_2021 = [("24062", "Leuven", "60000.00", 82), ("71016", "Genk", "58000.00", 78),
              ("46021", "Sint-Niklaas", "55000.00", 78), ("34022", "Kortrijk", "60000.00", 74),
              ("31005", "Brugge", "52000.00", 69), ("13040", "Turnhout", "45000.00", 61)]
REGIE_JURORS = ("jury@abb.demo", "jury2@abb.demo")


def _call(title: str) -> Call | None:
    return db.session.scalar(sa.select(Call).where(Call.title == title))


def _publish_history(call: Call) -> int:
    decisions = db.session.scalars(sa.select(Decision).join(Application, Application.id == Decision.application_id)
                                   .where(Application.call_id == call.id)).all()
    if not decisions:
        return 0
    changed = 0
    for decision in decisions:
        if decision.outcome == DecisionOutcome.AWARDED and decision.required_own_contribution is None:
            check = check_decision(decision.application, decision.amount or D("0.00"))
            decision.required_own_contribution = None if check.cofinancing_waived else check.required_own_contribution
        if decision.published_at is None:
            decision.published_at = decision.decided_at
            changed += 1
    if call.awards_published_at is None:
        call.awards_published_at = max(d.decided_at for d in decisions)
        call.awards_published_by_id = decisions[0].decided_by_id
    if call.title in COMMITTED and call.committed_amount is None:
        call.committed_amount = COMMITTED[call.title]
    return changed


def _regie_2021_specs() -> list[Spec]:
    specs = []
    for n, (code, name, amount, _level) in enumerate(REGIE_2021):
        requested = D(amount)
        specs.append(Spec(code, f"Regierol in {name}: netwerk tegen polarisatie", requested, S.ADMISSIBLE,
                          "een lokaal netwerk tegen polarisatie en radicalisering", name,
                          submitted=date(2021, 4, 12) + timedelta(days=2 * n),
                          own_staff=(requested / 4).quantize(D("1.00")), start=date(2021, 7, 1),
                          end=date(2022, 6, 30), kpis=(D(10), D(8), D(5)),
                          advice="Ontvankelijk; de probleemanalyse is concreet."))
    return specs


def _score_regie_2021(call: Call) -> int:
    """A jury of two who scored every application at its level (each criterion level / 10, so the
    weighted total is exactly the level), without advice."""
    if db.session.scalar(sa.select(Panel.id).where(Panel.call_id == call.id)) is not None:
        return 0
    jurors = list(db.session.scalars(sa.select(User).where(User.email.in_(REGIE_JURORS)).order_by(User.email)))
    if not jurors:
        return 0
    criteria = list(db.session.scalars(sa.select(Criterion).where(Criterion.call_id == call.id)
                                       .order_by(Criterion.position)))
    panel = Panel(call_id=call.id, name="Jury regierol 2021", chair_id=jurors[0].id,
                  scoring_deadline=_at(date(2021, 6, 4), 17))
    panel.members = jurors
    db.session.add(panel)
    levels = {f"Regierol in {name}: netwerk tegen polarisatie": level for _code, name, _amount, level in REGIE_2021}
    apps = db.session.scalars(sa.select(Application).where(Application.call_id == call.id,
                                                           Application.status == S.ADMISSIBLE)).all()
    sheets = 0
    for app in apps:
        level = levels.get(app.title)
        if level is None:
            continue
        app.status = S.UNDER_REVIEW
        for juror in jurors:
            db.session.add(ConflictDeclaration(application_id=app.id, juror_id=juror.id,
                                               declared_at=_at(date(2021, 5, 20), 10)))
            assignment = Assignment(application_id=app.id, juror_id=juror.id)
            db.session.add(assignment)
            db.session.flush()
            sheet = ScoreSheet(assignment_id=assignment.id, recommendation=Recommendation("yes"),
                               comment="Sterke regie; meetbare acties.", submitted_at=_at(date(2021, 6, 1), 14))
            for criterion in criteria:
                mark = D(level) / 10 * (criterion.scale_max - criterion.scale_min) / 10 + criterion.scale_min
                sheet.scores.append(Score(criterion_id=criterion.id, value=mark))
            db.session.add(sheet)
            sheets += 1
    return sheets


def seed_awards(echo=lambda _msg: None) -> dict[str, int]:
    published = 0
    for title in PUBLISHED:
        call = _call(title)
        if call is None:
            echo(f"Awards: call '{title}' not found, skipped.")
            continue
        published += _publish_history(call)
    regie = _call(REGIE_ROLE_2021)
    sheets = 0
    if regie is not None:
        created = _Seeder(echo).build(regie, _regie_2021_specs())
        db.session.flush()
        sheets = _score_regie_2021(regie)
        if created:
            echo(f"Awards: {REGIE_ROLE_2021}: {created} admissible applications and {sheets} sheets, no decisions "
                 "yet (try the allocation proposal).")
    db.session.flush()
    echo(f"Awards: {published} decisions published.")
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Decision).where(Decision.published_at.is_not(None)))
    return {"published decisions": total or 0}
