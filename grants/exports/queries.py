"""What the award exports read from the database: one call in, the writers' plain rows out.

`award_export(call)` -> AwardExport, read in a fixed number of queries whatever the size of
the call (the awards, the applications, the scores, and the jury's ranking through
grants.jury.queries.call_ranking, which has a fixed number of its own):

- `awards`: one AwardRow per awarded decision, draft or published, by dossier number. The own
  contribution is the application's (own financial contribution plus own staff). REFNIS and
  province are the organisation's own, else those of the municipality it names as its place (a
  non-profit in Antwerpen gets 11002). Where the admin decided past a failed check the override
  column says so: the checks overridden and the admin's reason.
- `applications`: every application of the call, drafts included, with its status, the jury's
  weighted total and rank, and the decision ("toegekend (ontwerp)" while unpublished).
- `scores`: juror x application x criterion of every submitted sheet that counts for the
  ranking (a conflicted juror's sheet does not), jurors by name: the export is for admins only.
- the call's figures beside them: total awarded, envelope, committed budget, and whether every
  award is published (`published`).

`call_awards(call)` -> CallAwards: the awards alone with their application ids and the call's
figures, for /api/v1/calls/<id>/awards.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..applications.models import Application, Contribution, ContributionKind
from ..awards.models import Decision, DecisionOutcome
from ..calls.models import Call, Criterion
from ..converters import DB_INT_MAX
from ..extensions import db
from ..jury.access import conflict_pairs
from ..jury.models import Assignment, Score, ScoreSheet
from ..jury.queries import call_ranking
from ..organisations.models import Organisation, OrganisationKind
from ..states import Text
from .writers import ApplicationRow, AwardRow, BudgetSummary, ScoreRow

ZERO = Decimal("0.00")

# The outcome as the sheet 'Alle aanvragen' writes it (the awards part owns the decision's states;
# these are only the words of an export column).
OUTCOME_LABELS = {
    DecisionOutcome.AWARDED: Text("toegekend", "awarded"),
    DecisionOutcome.REJECTED: Text("afgewezen", "rejected"),
    DecisionOutcome.WAITLISTED: Text("reservelijst", "waiting list"),
}
DRAFT_SUFFIX = Text("ontwerp", "draft")

# The checks an admin may decide past (grants.awards.rules.ProblemCode values), as the override column names them.
CHECK_LABELS = {
    "status": Text("status van de aanvraag", "application status"),
    "not_positive": Text("bedrag niet positief", "amount not positive"),
    "above_requested": Text("hoger dan gevraagd", "above the amount requested"),
    "above_maximum": Text("boven het maximum", "above the maximum"),
    "cofinancing": Text("cofinanciering", "co-financing"),
    "envelope": Text("budget van de oproep", "the call's envelope"),
    "one_per_organisation": Text("één toekenning per organisatie", "one award per organisation"),
}


def override_text(checks: list[str] | None, reason: str | None) -> str:
    """'Afgeweken van: budget van de oproep. Motivering: ...', or '' without an override."""
    checks = [c for c in (checks or []) if c]
    reason = (reason or "").strip()
    if not checks and not reason:
        return ""
    parts = []
    if checks:
        names = ", ".join(str(CHECK_LABELS[c]) if c in CHECK_LABELS else c for c in checks)
        parts.append(Text("Afgeweken van: %(checks)s.", "Overridden: %(checks)s.").format(checks=names))
    if reason:
        parts.append(Text("Motivering: %(reason)s", "Reason: %(reason)s").format(reason=reason))
    return " ".join(parts)


@dataclass(frozen=True)
class ApiAward:
    """One award as the API answers it."""

    application_id: int
    row: AwardRow
    published: bool


@dataclass(frozen=True)
class AwardExport:
    call_id: int
    call_title: str
    awards: list[AwardRow]
    applications: list[ApplicationRow]
    scores: list[ScoreRow]
    envelope: Decimal
    committed: Decimal | None
    published: bool  # every award of the call is published (True for a call without awards)

    @property
    def total_awarded(self) -> Decimal:
        return sum((r.awarded for r in self.awards), ZERO)

    @property
    def total_requested(self) -> Decimal:
        return sum((r.requested for r in self.awards), ZERO)

    @property
    def committed_difference(self) -> Decimal | None:
        """Committed budget minus the awards: 182.00 for counter-voices 2017 (438,177.00 - 437,995.00)."""
        return None if self.committed is None else self.committed - self.total_awarded

    @property
    def budget(self) -> BudgetSummary:
        return BudgetSummary(envelope=self.envelope, committed=self.committed, published=self.published)


def _own_contributions():
    """Own financial contribution plus own staff per application: a grouped subquery."""
    return (sa.select(Contribution.application_id.label("application_id"),
                      sa.func.sum(Contribution.amount).label("own"))
            .where(Contribution.kind.in_([ContributionKind.OWN_FINANCIAL, ContributionKind.OWN_STAFF]))
            .group_by(Contribution.application_id).subquery())


def _municipality_of_place(column):
    """A correlated scalar: the column of the municipality named as the organisation's place."""
    municipality = aliased(Organisation)
    return (sa.select(sa.func.min(column(municipality)))
            .where(municipality.kind == OrganisationKind.MUNICIPALITY, municipality.name == Organisation.place)
            .correlate(Organisation).scalar_subquery())


def _dossier_order():
    return (Application.dossier_number.is_(None), Application.dossier_number, Application.id)


@dataclass(frozen=True)
class CallAwards:
    """The awards of a call with the call's figures: what the API answers."""

    call_id: int
    awards: list[ApiAward]
    envelope: Decimal
    committed: Decimal | None

    @property
    def total_awarded(self) -> Decimal:
        return sum((a.row.awarded for a in self.awards), ZERO)

    @property
    def published(self) -> bool:
        return all(a.published for a in self.awards)


def call_awards(call: Call, ranked: dict | None = None) -> CallAwards:
    """The call's awarded decisions, draft or published, by dossier number (one query after the ranking)."""
    if ranked is None:
        ranked = {row.application_id: row for row in call_ranking(call).ranking.rows}
    own = _own_contributions()
    awards = []
    for (app_id, number, org, place, refnis, province, title, requested, amount, own_amount, checks, reason,
         published_at) in db.session.execute(
            sa.select(Application.id, Application.dossier_number, Organisation.name, Organisation.place,
                      sa.func.coalesce(Organisation.refnis, _municipality_of_place(lambda m: m.refnis)),
                      sa.func.coalesce(Organisation.province, _municipality_of_place(lambda m: m.province)),
                      Application.title, Application.requested_amount, Decision.amount, own.c.own,
                      Decision.overridden_checks, Decision.override_reason, Decision.published_at)
            .join(Decision, Decision.application_id == Application.id)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .outerjoin(own, own.c.application_id == Application.id)
            .where(Application.call_id == call.id, Decision.outcome == DecisionOutcome.AWARDED)
            .order_by(*_dossier_order())):
        ranking_row = ranked.get(app_id)
        row = AwardRow(dossier_number=number or "", organisation=org, place=place or "", refnis=refnis,
                       province=province or "", project_title=title or "", requested=requested,
                       awarded=amount if amount is not None else ZERO, own_contribution=own_amount or ZERO,
                       score=ranking_row.weighted_total if ranking_row else None,
                       rank=ranking_row.rank if ranking_row else None, override=override_text(checks, reason))
        awards.append(ApiAward(app_id, row, published_at is not None))
    return CallAwards(call_id=call.id, awards=awards, envelope=call.envelope, committed=call.committed_amount)


def award_export(call: Call) -> AwardExport:
    """Everything the XLSX, CSV and text list of one call's awards hold (see the module docstring)."""
    ranked = {row.application_id: row for row in call_ranking(call).ranking.rows}

    # 1. the awards
    found = call_awards(call, ranked)

    # 2. every application with its decision
    application_rows = []
    for app_id, number, org, status, submitted_at, outcome, amount, published_at in db.session.execute(
            sa.select(Application.id, Application.dossier_number, Organisation.name, Application.status,
                      Application.submitted_at, Decision.outcome, Decision.amount, Decision.published_at)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .outerjoin(Decision, Decision.application_id == Application.id)
            .where(Application.call_id == call.id)
            .order_by(*_dossier_order())):
        ranking_row = ranked.get(app_id)
        decision = ""
        if outcome is not None:
            decision = str(OUTCOME_LABELS[outcome])
            if published_at is None:
                decision = f"{decision} ({DRAFT_SUFFIX})"
        application_rows.append(ApplicationRow(
            dossier_number=number or "", organisation=org, status_label=str(status.label),
            submitted_at=submitted_at, weighted_total=ranking_row.weighted_total if ranking_row else None,
            rank=ranking_row.rank if ranking_row else None, decision_label=decision,
            awarded=amount if outcome == DecisionOutcome.AWARDED else None))

    return AwardExport(call_id=call.id, call_title=call.title, awards=[a.row for a in found.awards],
                       applications=application_rows, scores=score_rows(call.id, ranked.keys()),
                       envelope=call.envelope, committed=call.committed_amount, published=found.published)


def score_rows(call_id: int, ranked_ids) -> list[ScoreRow]:
    """Juror x application x criterion for every submitted sheet that counts (two queries).

    A criterion the juror left empty is a row without a score, so the sheet shows every criterion
    of every sheet. Sheets of conflicted jurors and of applications out of the running (withdrawn,
    inadmissible) are left out, as the ranking leaves them out."""
    ranked_ids = set(ranked_ids)
    conflicts = conflict_pairs(call_id)
    rows = db.session.execute(
        sa.select(Assignment.application_id, Assignment.juror_id, User.name, User.email,
                  Application.dossier_number, Organisation.name, Criterion.name, Score.value, Score.comment)
        .select_from(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(User, User.id == Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Criterion, Criterion.call_id == Application.call_id)
        .outerjoin(Score, sa.and_(Score.sheet_id == ScoreSheet.id, Score.criterion_id == Criterion.id))
        .where(Application.call_id == call_id, ScoreSheet.submitted_at.is_not(None))
        .order_by(User.name, User.email, *_dossier_order(), Criterion.position, Criterion.id))
    return [ScoreRow(juror=name or email, dossier_number=number or "", organisation=org, criterion=criterion,
                     score=value, comment=comment or "")
            for app_id, juror_id, name, email, number, org, criterion, value, comment in rows
            if app_id in ranked_ids and (app_id, juror_id) not in conflicts]


def load_call(call_id: int) -> Call | None:
    """The call by id (None when there is none, also for an id no INTEGER column holds); access is the
    caller's business (the command line is for admins)."""
    if not 1 <= call_id <= DB_INT_MAX:
        return None
    return db.session.get(Call, call_id)


__all__ = ["ApiAward", "AwardExport", "CallAwards", "call_awards", "OUTCOME_LABELS", "award_export", "load_call", "override_text",
           "score_rows"]
