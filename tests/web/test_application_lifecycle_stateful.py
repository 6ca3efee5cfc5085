"""The application lifecycle as random sequences of what applicants and the agency do.

Hypothesis plays save (a section), submit, withdraw, screen (admissible / inadmissible), ask for
information (which reopens the application), resubmit, decide (award or reject, as the agency's draft
decision) and publish the decisions, in any order, on two applications of one call, through the real
operations (grants/applications/operations.py, grants/awards/operations.py). A refused step raises the
operations' domain error; the machine predicts from the state record (grants/applications/states.py)
whether a step is allowed, and an allowed step must succeed, a forbidden one must be refused.

After every step these hold:
- every status is one of the state record's;
- an application has a dossier number exactly when it has ever been submitted, and the number never
  changes afterwards; no two applications share one;
- every change of status has exactly one audit event: the application's status events form one chain
  from its creation to its current status, one event per change the machine saw;
- no awarded amount is above the call's maximum (nor the amount requested), and the awards of the call
  together stay within its envelope;
- a decided application can no longer be changed by the applicant.

Each example starts from the same data: the machine creates its call and applications in its first
step and rolls the transaction back at the end (the operations flush, they never commit).
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test

from grants.applications import operations as ops
from grants.applications.models import Application
from grants.applications.states import APPLICATION_STATES, DECIDED_STATUSES, ApplicationStatus as S, \
    can_transition
from grants.audit.models import AuditEvent
from grants.awards import operations as awards
from grants.awards.models import Decision, DecisionOutcome
from grants.awards.operations import STATUS_OF_OUTCOME
from grants.extensions import db
from grants.timeutil import utcnow
from tests.support.applications import complete_application

APPLICATIONS = 2
REQUESTED = Decimal("40000.00")  # each application's request (tests/factories.py)
MAXIMUM = Decimal("50000.00")  # the call's maximum per application
ENVELOPE = Decimal("70000.00")  # less than the two requests together: the envelope check comes into play

# Sections of plain text: what the applicant types is always complete, so that a refused submission
# means a refused transition, not a missing answer.
TEXT_SECTIONS = {"summary": ("title", "summary"), "problem": ("problem_analysis",), "objectives": ("objectives",),
                 "target_groups": ("target_groups",)}
WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1, max_size=60) \
    .map(str.strip).filter(bool)
AMOUNTS = st.one_of(st.sampled_from([Decimal("0.01"), REQUESTED, MAXIMUM, Decimal("50000.01"), Decimal("0.00"),
                                     Decimal("45000.00"), Decimal("-1.00")]),
                    st.decimals(min_value=1, max_value=REQUESTED, places=2),
                    st.decimals(min_value=1, max_value=60000, places=2))
ALLOWED_AMOUNTS = st.one_of(st.sampled_from([REQUESTED, ENVELOPE - REQUESTED, Decimal("0.01")]),
                            st.decimals(min_value=Decimal("0.01"), max_value=REQUESTED, places=2))
DOMAIN_ERRORS = (ops.ApplicationError, awards.AwardsError)


class Lifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.apps: list[Application] = []
        self.ever_submitted: list[bool] = []
        self.dossier: list[str | None] = []
        self.status_changes: list[int] = []
        self.last_status: list[S] = []

    # --- the data of one example ----------------------------------------------------------------------

    @initialize()
    def create_call_and_applications(self):
        from tests.factories import Factory
        factory = Factory()
        self.admin = factory.user(role="admin")
        organisations = [factory.organisation() for _ in range(APPLICATIONS)]
        self.applicant = factory.user(organisations=organisations)
        self.call = factory.call(envelope=ENVELOPE, max_amount=MAXIMUM)
        for organisation in organisations:
            app = complete_application(self.call, organisation, self.applicant)
            self.apps.append(app)
            self.ever_submitted.append(False)
            self.dossier.append(None)
            self.status_changes.append(0)
            self.last_status.append(app.status)

    def teardown(self):
        db.session.rollback()  # nothing was committed: the next example finds the same tables
        db.session.expunge_all()

    # --- what the machine expects ----------------------------------------------------------------------

    def _attempt(self, allowed: bool, step, what: str):
        """Run a step; an allowed one must succeed, a forbidden one must raise the domain error."""
        step_name = what.split()[0]
        try:
            with db.session.begin_nested():  # a refusal leaves nothing behind, as the request's rollback
                step()
        except DOMAIN_ERRORS as error:
            assert not allowed, f"{what} was refused though allowed: {error}"
            event(f"{step_name} refused")  # --hypothesis-show-statistics: how often each step got through
            return False
        assert allowed, f"{what} was not refused"
        event(f"{step_name} done")
        return True

    def _editable(self, app: Application) -> bool:
        record = APPLICATION_STATES[app.status]
        if not record.editable:
            return False
        if app.status == S.DRAFT:
            return self.call.is_open_at(utcnow())
        request = app.open_info_request
        return request is not None and utcnow() < request.due_at

    def _published(self) -> bool:
        return self.call.awards_published_at is not None

    # --- the steps: whether the state record allows one, and the operation --------------------------------
    # Each step is a rule of its own on an application it is allowed on (so that sequences get past the
    # draft), and `a_forbidden_step` tries any step where it is not allowed, which must be refused.

    def _submittable(self, app: Application) -> bool:
        return self._editable(app) and can_transition(app.status, S.SUBMITTED)

    def _decidable(self, app: Application, outcome: DecisionOutcome) -> bool:
        target = STATUS_OF_OUTCOME[outcome]
        return not self._published() and (app.status == target or can_transition(app.status, target))

    def _awardable(self, app: Application, amount: Decimal) -> bool:
        others = sum((d.amount or Decimal(0)) for d in self._decisions()
                     if d.application_id != app.id and d.outcome == DecisionOutcome.AWARDED)
        return (self._decidable(app, DecisionOutcome.AWARDED) and Decimal(0) < amount <= min(REQUESTED, MAXIMUM)
                and others + amount <= ENVELOPE)

    def _publishable(self) -> bool:
        decisions = self._decisions()
        return not self._published() and bool(decisions) and all(
            d.application.status == STATUS_OF_OUTCOME[d.outcome]
            or can_transition(d.application.status, STATUS_OF_OUTCOME[d.outcome]) for d in decisions)

    def _steps(self, data, amounts=AMOUNTS) -> dict:
        """name -> (allowed(app), run(app)), the step's values drawn now."""
        section = data.draw(st.sampled_from(sorted(TEXT_SECTIONS)), label="section")
        values = {name: data.draw(WORDS, label=name) for name in TEXT_SECTIONS[section]}
        outcome = data.draw(st.sampled_from([S.ADMISSIBLE, S.INADMISSIBLE]), label="screening")
        amount = data.draw(amounts, label="amount")
        due = utcnow() + timedelta(days=data.draw(st.integers(1, 30), label="days to answer"))
        return {
            f"saving {section}": (self._editable, lambda app: ops.save_section(
                app, section, values, self.applicant, loaded_version=app.version, loaded_fingerprint="")),
            "submitting": (self._submittable, lambda app: self._submit(app)),
            "withdrawing": (lambda app: can_transition(app.status, S.WITHDRAWN),
                            lambda app: ops.withdraw_application(app, self.applicant, "Geen tijd meer.")),
            f"screening as {outcome}": (lambda app: app.status != outcome and can_transition(app.status, outcome),
                                        lambda app: ops.screen_application(app, outcome, "Volgens het reglement.",
                                                                           self.admin)),
            "asking information on": (lambda app: can_transition(app.status, S.INFO_REQUESTED),
                                      lambda app: ops.request_information(
                                          app, "Voeg de begroting van de partner toe.", due, self.admin)),
            f"awarding {amount} to": (lambda app: self._awardable(app, amount), lambda app: awards.decide(
                app, awards.DecisionData(DecisionOutcome.AWARDED, amount, motivation="Sterk project."), self.admin)),
            "rejecting": (lambda app: self._decidable(app, DecisionOutcome.REJECTED), lambda app: awards.decide(
                app, awards.DecisionData(DecisionOutcome.REJECTED, motivation="Te weinig vernieuwend."), self.admin)),
        }

    def _submit(self, app: Application) -> None:
        ops.submit_application(app, self.applicant, loaded_version=None, response="Aangevuld.")
        i = self.apps.index(app)
        if not self.ever_submitted[i]:
            self.ever_submitted[i] = True
            self.dossier[i] = app.dossier_number

    def _allowed_step(self, name_start: str, data, **values) -> None:
        name, (allowed, run) = next(item for item in self._steps(data, **values).items()
                                    if item[0].startswith(name_start))
        candidates = [app for app in self.apps if allowed(app)]
        if not candidates:
            event(f"{name_start}: nothing to do")
            return
        app = data.draw(st.sampled_from(candidates), label="application")
        self._attempt(True, lambda: run(app), f"{name} a {app.status} application")

    def _some(self, allowed) -> bool:
        return any(allowed(app) for app in self.apps)

    @precondition(lambda self: self._some(self._editable))
    @rule(data=st.data())
    def save(self, data):
        self._allowed_step("saving", data)

    @precondition(lambda self: self._some(self._submittable))
    @rule(data=st.data())
    def submit(self, data):
        """Submitting a draft, or resubmitting after a request for information."""
        self._allowed_step("submitting", data)

    @precondition(lambda self: self._some(lambda app: can_transition(app.status, S.WITHDRAWN)))
    @rule(data=st.data())
    def withdraw(self, data):
        if data.draw(st.integers(0, 2), label="withdraw now") == 0:  # not too often: it ends the story
            self._allowed_step("withdrawing", data)

    @precondition(lambda self: self._some(lambda app: app.status in (S.SUBMITTED, S.ADMISSIBLE, S.INADMISSIBLE,
                                                                      S.INFO_REQUESTED)))
    @rule(data=st.data())
    def screen(self, data):
        self._allowed_step("screening", data)

    @precondition(lambda self: self._some(lambda app: can_transition(app.status, S.INFO_REQUESTED)))
    @rule(data=st.data())
    def ask_for_information(self, data):
        """Reopens the application for the applicant until the date."""
        self._allowed_step("asking", data)

    @precondition(lambda self: self._some(lambda app: self._decidable(app, DecisionOutcome.AWARDED)))
    @rule(data=st.data())
    def award(self, data):
        self._allowed_step("awarding", data, amounts=ALLOWED_AMOUNTS)

    @precondition(lambda self: self._some(lambda app: self._decidable(app, DecisionOutcome.REJECTED)))
    @rule(data=st.data())
    def reject(self, data):
        self._allowed_step("rejecting", data)

    @precondition(lambda self: self._publishable())
    @rule()
    def publish(self):
        self._attempt(True, lambda: awards.publish_awards(self.call, self.admin),
                      f"publishing {[(d.application.status, d.outcome) for d in self._decisions()]}")

    @rule(data=st.data())
    def a_forbidden_step(self, data):
        forbidden = [(f"{name} a {app.status} application", lambda run=run, app=app: run(app))
                     for name, (allowed, run) in self._steps(data).items() for app in self.apps if not allowed(app)]
        if not self._publishable():
            forbidden.append(("publishing", lambda: awards.publish_awards(self.call, self.admin)))
        if forbidden:
            what, run = data.draw(st.sampled_from(forbidden), label="forbidden step")
            self._attempt(False, run, what)

    def _decisions(self) -> list[Decision]:
        return db.session.scalars(sa.select(Decision).join(Application).where(Application.call_id == self.call.id)
                                  .order_by(Decision.id)).all()

    # --- after every step ------------------------------------------------------------------------------

    @invariant()
    def statuses_are_the_records(self):
        for app in self.apps:
            assert app.status in APPLICATION_STATES.labels()

    @invariant()
    def one_dossier_number_from_the_first_submission_on(self):
        for i, app in enumerate(self.apps):
            if self.ever_submitted[i]:
                assert app.dossier_number and app.dossier_number == self.dossier[i], (app.status, app.dossier_number)
            else:
                assert app.dossier_number is None, (app.status, app.dossier_number)
        numbers = [app.dossier_number for app in self.apps if app.dossier_number]
        assert len(numbers) == len(set(numbers))

    @invariant()
    def one_audit_event_per_change_of_status(self):
        for i, app in enumerate(self.apps):
            if app.status != self.last_status[i]:
                self.status_changes[i] += 1
                self.last_status[i] = app.status
            events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "applications",
                                                                    AuditEvent.object_id == app.id)
                                        .order_by(AuditEvent.id)).all()
            chain = [event.changes["status"] for event in events if "status" in event.changes]
            assert chain and chain[0] == [None, "draft"], chain
            assert len(chain) == self.status_changes[i] + 1, (chain, self.status_changes[i])
            for before, after in zip(chain, chain[1:]):
                assert after[0] == before[1] != after[1], chain
            assert chain[-1][1] == app.status.value, (chain, app.status)

    @invariant()
    def awards_within_the_maximum_and_the_envelope(self):
        awarded = [d.amount for d in self._decisions() if d.outcome == DecisionOutcome.AWARDED]
        for amount in awarded:
            assert Decimal(0) < amount <= min(self.call.max_amount, REQUESTED), amount
        assert sum(awarded, Decimal(0)) <= self.call.envelope, awarded

    @invariant()
    def decided_applications_are_frozen(self):
        now = utcnow()
        for app in self.apps:
            if app.status in DECIDED_STATUSES:
                assert ops.edit_refusal(app, now) is not None, app.status
                assert ops.edit_refusal(app, now, submitting=True) is not None, app.status


def test_the_application_lifecycle(app):
    run_state_machine_as_test(Lifecycle, settings=settings(
        max_examples=50, stateful_step_count=15, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
