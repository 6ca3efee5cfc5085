"""Reading the awards: a call's decisions with their checks, the allocation proposal, the public list,
and the facts of an award letter. A fixed number of queries per page, whatever the number of rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..applications.models import Application, ApplicationKpi
from ..applications.rules import duration_months
from ..applications.states import ApplicationStatus
from ..calls.models import Call
from ..calls.states import SelectionMode
from ..extensions import db
from ..organisations.models import Organisation
from . import rules
from .models import Decision, DecisionOutcome, Project
from .operations import award_terms, awarded_application, open_problems

ZERO = Decimal("0.00")
# Who competes for money in a proposal: screened admissible, in jury review, or waiting.
PROPOSAL_STATUSES = (ApplicationStatus.ADMISSIBLE, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WAITLISTED)
NO_PRIORITY = 1_000_000  # a sign-up application without a priority of its own comes after every one with one


def get_decision(decision_id: int) -> Decision | None:
    return db.session.get(Decision, decision_id)


# =========================================================================== the awards page


@dataclass(frozen=True)
class DecisionRow:
    application: Application
    decision: Decision | None
    problems: tuple[rules.AwardProblem, ...] = ()


@dataclass(frozen=True)
class AwardsOverview:
    call: Call
    rows: list[DecisionRow]
    total_awarded: Decimal
    counts: dict[DecisionOutcome, int]
    undecided: int
    overrides: list[DecisionRow] = field(default_factory=list)

    @property
    def envelope_left(self) -> Decimal:
        return self.call.envelope - self.total_awarded

    @property
    def committed_difference(self) -> Decimal | None:
        """Committed (vastgelegd) minus awarded: 182,00 for counter-voices 2017."""
        if self.call.committed_amount is None:
            return None
        return self.call.committed_amount - self.total_awarded

    @property
    def problems(self) -> int:
        return sum(1 for r in self.rows if r.problems)


def call_decisions(call: Call) -> AwardsOverview:
    """Every handed-in application of the call with its decision (or none yet) and, for a draft award,
    the checks it still fails."""
    apps = db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.dossier_number.is_not(None))
        .options(selectinload(Application.contributions), selectinload(Application.kpi_values))
        .order_by(Application.dossier_number)).all()
    decisions = {d.application_id: d for d in db.session.scalars(
        sa.select(Decision).where(Decision.application_id.in_([a.id for a in apps])))} if apps else {}
    terms = award_terms(call)
    awards = [rules.ExistingAward(a.id, a.organisation_id, decisions[a.id].amount or ZERO, a.dossier_number or "")
              for a in apps if a.id in decisions and decisions[a.id].outcome == DecisionOutcome.AWARDED]
    rows = []
    counts = {outcome: 0 for outcome in DecisionOutcome}
    total = ZERO
    for app in apps:
        decision = decisions.get(app.id)
        problems: tuple = ()
        if decision is not None:
            counts[decision.outcome] += 1
            if decision.outcome == DecisionOutcome.AWARDED:
                total += decision.amount or ZERO
                if decision.published_at is None:
                    check = rules.check_award(terms, awarded_application(app), decision.amount or ZERO, awards)
                    covered = set(decision.overridden_checks or ()) if decision.override_reason else set()
                    problems = tuple(p for p in check.problems
                                     if p.code.value not in covered or not rules.may_override(p))
        rows.append(DecisionRow(app, decision, problems))
    undecided = sum(1 for r in rows if r.decision is None and r.application.status in PROPOSAL_STATUSES)
    overrides = [r for r in rows if r.decision is not None and r.decision.override_reason]
    return AwardsOverview(call, rows, total, counts, undecided, overrides)


# =========================================================================== the proposal


@dataclass(frozen=True)
class ProposalView:
    proposal: rules.Proposal
    left_out: list[tuple[Application, str]]  # not in the proposal, and why
    applications: dict[int, Application]
    decided: set[int]  # application ids that already have a decision


def proposal_candidates(call: Call) -> tuple[list[rules.AllocationCandidate], list[tuple[Application, str]],
                                             dict[int, Application]]:
    from ..i18n import _
    apps = db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.status.in_(PROPOSAL_STATUSES))
        .order_by(Application.dossier_number)).all()
    by_id = {a.id: a for a in apps}
    left_out: list[tuple[Application, str]] = []
    candidates: list[rules.AllocationCandidate] = []
    if call.selection_mode == SelectionMode.COMPETITIVE:
        from ..jury.queries import call_ranking
        view = call_ranking(call)
        ranked = {r.application_id: r for r in view.ranking.rows}
        for app in apps:
            row = ranked.get(app.id)
            if row is None or row.rank is None:
                left_out.append((app, _("Nog geen ingediende scores: de aanvraag heeft geen rang.")))
                continue
            if app.requested_amount <= 0:
                left_out.append((app, _("Geen gevraagd bedrag.")))
                continue
            advice = view.advice.get(app.id)
            candidates.append(rules.AllocationCandidate(
                application_id=app.id, dossier_number=app.dossier_number or "", requested=app.requested_amount,
                submitted_at=app.submitted_at, rank=row.rank, weighted_total=row.weighted_total,
                jury_advice=advice.outcome.value if advice is not None else None,
                above_threshold=row.above_threshold, organisation=app.organisation.name))
    else:
        for app in apps:
            if app.requested_amount <= 0:
                left_out.append((app, _("Geen gevraagd bedrag.")))
                continue
            candidates.append(rules.AllocationCandidate(
                application_id=app.id, dossier_number=app.dossier_number or "", requested=app.requested_amount,
                submitted_at=app.submitted_at, priority=app.priority if app.priority is not None else NO_PRIORITY,
                organisation=app.organisation.name))
    return candidates, left_out, by_id


def call_proposal(call: Call, *, envelope: Decimal | None = None, threshold: Decimal | None = None) -> ProposalView:
    """The allocation proposal of the call, for its own envelope or a what-if envelope and threshold."""
    candidates, left_out, by_id = proposal_candidates(call)
    proposal = rules.propose_allocation(call.selection_mode, candidates,
                                        envelope=call.envelope if envelope is None else envelope,
                                        partial_awards=call.partial_awards, threshold=threshold)
    decided = set(db.session.scalars(sa.select(Decision.application_id).where(
        Decision.application_id.in_(list(by_id))))) if by_id else set()
    return ProposalView(proposal, left_out, by_id, decided)


# =========================================================================== the public list


@dataclass(frozen=True)
class PublicAward:
    application_id: int
    dossier_number: str
    organisation: str
    place: str
    title: str
    amount: Decimal


def public_awards(call: Call) -> list[PublicAward]:
    """The published awards of a call, as the minister publishes them; nothing of other outcomes."""
    if call.awards_published_at is None:
        return []
    rows = db.session.execute(
        sa.select(Application.id, Application.dossier_number, Organisation.name, Organisation.place,
                  Application.title, Decision.amount)
        .join(Decision, Decision.application_id == Application.id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.call_id == call.id, Decision.outcome == DecisionOutcome.AWARDED,
               Decision.published_at.is_not(None))
        .order_by(Organisation.name, Application.dossier_number))
    return [PublicAward(i, n or "", org, place or "", title, amount or ZERO) for i, n, org, place, title, amount in rows]


# =========================================================================== the award letter


@dataclass(frozen=True)
class LetterTranche:
    label: str
    percent: Decimal
    amount: Decimal
    trigger: str


@dataclass(frozen=True)
class LetterReport:
    label: str
    period_start: date
    period_end: date
    due_date: date


@dataclass(frozen=True)
class LetterKpi:
    name: str
    unit: str
    planned: Decimal | None
    confirmed: Decimal | None


@dataclass(frozen=True)
class Letter:
    application: Application
    decision: Decision
    tranches: list[LetterTranche]
    reports: list[LetterReport]
    kpis: list[LetterKpi]
    start: date | None
    end: date | None


def letter_facts(decision: Decision) -> Letter:
    """What the award letter says: the amounts, the tranches to the cent, the confirmed KPIs, the
    reports due (the project's schedule once it started; else the schedule it will get)."""
    from ..calls.states import TRIGGER_LABELS
    from ..i18n import _
    from ..reporting import rules as reporting_rules
    app = decision.application
    call = app.call
    amount = decision.amount or ZERO
    if call.tranches:
        percents = [t.percent for t in call.tranches]
        tranches = [LetterTranche(t.label, t.percent, share, str(TRIGGER_LABELS[t.trigger]))
                    for t, share in zip(call.tranches, rules.tranche_amounts(amount, percents))]
    else:
        tranches = [LetterTranche(_("Saldo"), Decimal(100), amount, "")]
    project = db.session.scalar(sa.select(Project).where(Project.application_id == app.id))
    if project is not None:
        start, end = project.start_date, project.end_date
        reports = [LetterReport(r.label, r.period_start, r.period_end, r.due_date) for r in project.reports
                   if r.period == 0]
    else:
        start = app.start_date or call.project_start
        end = app.end_date
        if start is not None and end is None:
            end = reporting_rules.period_end(start, duration_months(app.start_date, app.end_date)
                                             or call.max_duration_months or 12)
        reports = []
        if start is not None and end is not None and end >= start:
            reports = [LetterReport(s.label, s.period_start, s.period_end, s.due_date)
                       for s in reporting_rules.report_schedule(start, end, call.report_months or [])]
    kpis = [LetterKpi(k.kpi.name, k.kpi.unit, k.planned_value, k.confirmed_value)
            for k in sorted(app.kpi_values, key=lambda k: (k.kpi.position, k.kpi_id))]
    return Letter(app, decision, tranches, reports, kpis, start, end)


__all__ = ["AwardsOverview", "DecisionRow", "Letter", "NO_PRIORITY", "PROPOSAL_STATUSES", "ProposalView",
           "PublicAward", "call_decisions", "call_proposal", "get_decision", "letter_facts", "proposal_candidates",
           "public_awards"]
