"""The rules of awarding, as pure functions over plain values.

Three parts, each usable on its own by the awards pages, the operations and the exports:

1. `check_award` lists every rule one award breaks, each with a Dutch message, and the own
   contribution the call requires at the awarded amount. It only reports: whether the admin
   may go ahead anyway is a separate question (`overridable`, `blocking`, `override_refusal`).
2. `propose_allocation` fills the call's envelope in a fixed, explainable order and says per
   application award / reject / waitlist with the amount and the reason; `compare_proposals`
   lists what changes between two proposals (what-if: another envelope or threshold).
3. `tranche_amounts` splits an award over the call's payment tranches, exactly to the cent.

Nothing here touches Flask or the database. Money is exact Decimal to the cent.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from grants.applications.rules import project_years
from grants.applications.states import ApplicationStatus
from grants.calls.rules import (
    CofinancingKind, CofinancingRule, WaiverStatus, check_cofinancing, tranches_problem,
)
from grants.calls.states import SelectionMode
from grants.i18n import _
from grants.money import exact_cents, format_decimal, format_eur, split_cumulative
from grants.timeutil import as_utc, format_local

__all__ = [
    "AWARDABLE_STATUSES",
    "AllocationCandidate",
    "AwardCheck",
    "AwardProblem",
    "AwardTerms",
    "ExistingAward",
    "JuryAdvice",
    "Outcome",
    "ProblemCode",
    "Proposal",
    "ProposalChange",
    "ProposalRow",
    "AwardedApplication",
    "blocking",
    "check_award",
    "compare_proposals",
    "may_override",
    "overridable",
    "override_refusal",
    "propose_allocation",
    "tranche_amounts",
]

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def N_(text: str) -> str:
    """Marks a constant text for extraction (pybabel knows N_); it is translated where it is shown."""
    return text


def _money(value: Decimal | int | str, what: str) -> Decimal:
    """An amount in euro to the cent; a float or a fraction of a cent is a programming error."""
    return exact_cents(value, what)


# =========================================================================== 1. checking one award


class ProblemCode(enum.StrEnum):
    STATUS = "status"
    NOT_POSITIVE = "not_positive"
    ABOVE_REQUESTED = "above_requested"
    ABOVE_MAXIMUM = "above_maximum"
    COFINANCING = "cofinancing"
    ENVELOPE = "envelope"
    ONE_PER_ORGANISATION = "one_per_organisation"


@dataclass(frozen=True)
class AwardTerms:
    """What a call says about awards (the lead maps the Call model onto this)."""

    envelope: Decimal
    max_amount: Decimal
    max_amount_per_year: Decimal | None = None
    cofinancing: CofinancingRule = field(default_factory=lambda: CofinancingRule(CofinancingKind.NONE))
    one_award_per_organisation: bool = False
    partial_awards: bool = False  # used by propose_allocation: may the last one get what is left?

    def __post_init__(self) -> None:
        object.__setattr__(self, "envelope", _money(self.envelope, "Het budget"))
        object.__setattr__(self, "max_amount", _money(self.max_amount, "Het maximumbedrag"))
        if self.max_amount_per_year is not None:
            object.__setattr__(self, "max_amount_per_year",
                               _money(self.max_amount_per_year, "Het maximumbedrag per jaar"))


@dataclass(frozen=True)
class AwardedApplication:
    """The application an award is being decided on, with the figures of its budget."""

    application_id: int
    organisation_id: int
    status: str  # an ApplicationStatus value
    requested: Decimal
    own_contribution: Decimal  # own financial contribution + own staff
    other_funding: Decimal = ZERO  # contributions of third parties
    duration_months: int | None = None  # grants.applications.rules.duration_months(start, end)
    waiver: WaiverStatus = WaiverStatus.NONE
    dossier_number: str = ""


@dataclass(frozen=True)
class ExistingAward:
    """Another award in the same call (its application may be the one being checked: it is skipped)."""

    application_id: int
    organisation_id: int
    amount: Decimal
    dossier_number: str = ""


@dataclass(frozen=True)
class AwardProblem:
    """One broken rule. `gap` is the amount by which it is missed (over a limit, or a shortfall)."""

    code: ProblemCode
    message: str
    gap: Decimal | None = None
    status: str | None = None  # for code "status": the application's status


@dataclass(frozen=True)
class AwardCheck:
    problems: tuple[AwardProblem, ...]
    required_own_contribution: Decimal  # at the awarded amount, rounded up to the cent
    cofinancing_waived: bool  # the rule is not met, but an accepted waiver covers it
    envelope_left: Decimal  # envelope - other awards - this one (negative when over)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> tuple[ProblemCode, ...]:
        return tuple(p.code for p in self.problems)


# Statuses in which an application may receive an award. 'awarded' is there so that an award
# can be amended (and re-checked) before the project starts. Everything else blocks, with
# the reason below; all of those may be overridden by an admin with a reason, except
# 'withdrawn' (the applicant gave the project up): see may_override().
AWARDABLE_STATUSES = frozenset({
    ApplicationStatus.ADMISSIBLE, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WAITLISTED,
    ApplicationStatus.AWARDED,
})

_STATUS_REASONS = {
    ApplicationStatus.DRAFT: N_("de aanvraag is nooit ingediend."),
    ApplicationStatus.SUBMITTED: N_("de ontvankelijkheid is nog niet beoordeeld."),
    ApplicationStatus.INFO_REQUESTED: N_("het agentschap wacht nog op aanvullende informatie; "
                                         "de ontvankelijkheid is nog niet beoordeeld."),
    ApplicationStatus.INADMISSIBLE: N_("de aanvraag is onontvankelijk verklaard."),
    ApplicationStatus.WITHDRAWN: N_("de aanvrager heeft de aanvraag ingetrokken."),
    ApplicationStatus.REJECTED: N_("de aanvraag is al afgewezen; een toekenning herziet die beslissing."),
    ApplicationStatus.RUNNING: N_("het project loopt al; de toekenning ligt vast."),
    ApplicationStatus.CLOSED: N_("het project is afgesloten."),
}


def _status_problem(status: str) -> AwardProblem | None:
    try:
        known = ApplicationStatus(status)
    except ValueError:
        return AwardProblem(ProblemCode.STATUS,
                            _("Onbekende status '%(status)s': een toekenning is niet mogelijk.", status=status),
                            status=status)
    if known in AWARDABLE_STATUSES:
        return None
    return AwardProblem(
        ProblemCode.STATUS,
        _("Een aanvraag met status '%(label)s' kan geen toekenning krijgen: %(reason)s",
          label=known.label, reason=_(_STATUS_REASONS[known])),
        status=known.value)


def _maximum_problem(terms: AwardTerms, amount: Decimal, months: int | None) -> AwardProblem | None:
    """The lower of the call's maximum and, where it has one, the maximum per year x project years."""
    limit, message = terms.max_amount, None
    if amount > terms.max_amount:
        message = _("Het toegekende bedrag van %(amount)s is hoger dan het maximum van %(limit)s per "
                    "aanvraag (%(over)s te veel).", amount=format_eur(amount), limit=format_eur(terms.max_amount),
                    over=format_eur(amount - terms.max_amount))
    if terms.max_amount_per_year is not None:
        # an unknown duration counts as one year: the strictest reading, never too generous
        years = project_years(months) if months else 1
        per_year_limit = terms.max_amount_per_year * years
        if per_year_limit < limit:
            limit = per_year_limit
            if amount > per_year_limit:
                message = _("Het toegekende bedrag van %(amount)s is hoger dan %(limit)s: hoogstens %(per_year)s "
                            "per jaar voor %(years)s (%(over)s te veel).", amount=format_eur(amount),
                            limit=format_eur(per_year_limit), per_year=format_eur(terms.max_amount_per_year),
                            years=_("1 jaar") if years == 1 else _("%(n)s jaar", n=years),
                            over=format_eur(amount - per_year_limit))
    if message is None:
        return None
    return AwardProblem(ProblemCode.ABOVE_MAXIMUM, message, gap=amount - limit)


_WAIVER_NOTE = {
    WaiverStatus.NONE: N_("Er is geen afwijking aangevraagd."),
    WaiverStatus.REQUESTED: N_("De gevraagde afwijking is nog niet aanvaard."),
    WaiverStatus.REFUSED: N_("De gevraagde afwijking is geweigerd."),
}


def check_award(terms: AwardTerms, application: AwardedApplication, amount: Decimal,
                other_awards: Iterable[ExistingAward] = ()) -> AwardCheck:
    """Every rule this award breaks, in a fixed order, each with a Dutch message.

    - status: only admissible, under review, waitlisted or (amending) awarded applications;
    - not_positive: the amount is more than zero;
    - above_requested: at most the requested amount;
    - above_maximum: at most the call's maximum, and the maximum per year x project years;
    - cofinancing: the call's rule at the AWARDED amount (the project as financed: awarded +
      own contribution + other funding); an accepted waiver passes where the rule allows one;
    - envelope: the call's other awards plus this one stay within the envelope;
    - one_per_organisation: where the call says so, no other award for the same organisation.
    `other_awards` may include this application's own earlier award: it is left out.
    """
    amount = _money(amount, "Het toegekende bedrag")
    requested = _money(application.requested, "Het gevraagde bedrag")
    problems: list[AwardProblem] = []

    status_problem = _status_problem(str(application.status))
    if status_problem:
        problems.append(status_problem)
    if amount <= 0:
        problems.append(AwardProblem(ProblemCode.NOT_POSITIVE,
                                     _("Het toegekende bedrag moet groter dan nul zijn.")))
    if amount > requested:
        problems.append(AwardProblem(
            ProblemCode.ABOVE_REQUESTED,
            _("Het toegekende bedrag van %(amount)s is hoger dan het gevraagde bedrag van %(requested)s "
              "(%(over)s te veel).", amount=format_eur(amount), requested=format_eur(requested),
              over=format_eur(amount - requested)),
            gap=amount - requested))
    maximum_problem = _maximum_problem(terms, amount, application.duration_months)
    if maximum_problem:
        problems.append(maximum_problem)

    cofinancing = check_cofinancing(terms.cofinancing, subsidy=max(amount, ZERO),
                                    own_contribution=application.own_contribution,
                                    other_funding=application.other_funding, waiver=application.waiver)
    if not cofinancing.ok:
        message = _("Bij een toekenning van %(amount)s vraagt de oproep een eigen bijdrage van minstens "
                    "%(minimum)s; de aanvraag vermeldt %(own)s (tekort: %(shortfall)s).",
                    amount=format_eur(amount), minimum=format_eur(cofinancing.minimum_own),
                    own=format_eur(application.own_contribution), shortfall=format_eur(cofinancing.shortfall))
        if terms.cofinancing.waiver_allowed:
            # not ok with a waiver allowed means it was not accepted
            message += " " + _(_WAIVER_NOTE[WaiverStatus(application.waiver)])
        problems.append(AwardProblem(ProblemCode.COFINANCING, message, gap=cofinancing.shortfall))

    others = [a for a in other_awards if a.application_id != application.application_id]
    others_total = sum((_money(a.amount, "Een toegekend bedrag") for a in others), ZERO)
    left = terms.envelope - others_total - amount
    if left < 0:
        problems.append(AwardProblem(
            ProblemCode.ENVELOPE,
            _("Het budget van de oproep is %(envelope)s. De andere toekenningen (%(others)s) en dit bedrag "
              "(%(amount)s) komen samen op %(total)s: %(over)s meer dan het budget.",
              envelope=format_eur(terms.envelope), others=format_eur(others_total), amount=format_eur(amount),
              total=format_eur(others_total + amount), over=format_eur(-left)),
            gap=-left))

    if terms.one_award_per_organisation:
        same = [a for a in others if a.organisation_id == application.organisation_id]
        if same:
            dossiers = ", ".join(a.dossier_number for a in same if a.dossier_number)
            message = _("Deze oproep staat één toekenning per organisatie toe; deze organisatie heeft er al een.")
            if dossiers:
                message = _("Deze oproep staat één toekenning per organisatie toe; deze organisatie heeft er al "
                            "een (dossier %(dossiers)s).", dossiers=dossiers)
            problems.append(AwardProblem(ProblemCode.ONE_PER_ORGANISATION, message))

    return AwardCheck(problems=tuple(problems), required_own_contribution=cofinancing.minimum_own,
                      cofinancing_waived=cofinancing.waived, envelope_left=left)


# --------------------------------------------------------------------------- overriding


def may_override(problem: AwardProblem) -> bool:
    """An admin may award despite a problem, with a reason, except for an amount of zero or
    less (nothing to award) and a withdrawn application (the applicant gave the project up)."""
    if problem.code is ProblemCode.NOT_POSITIVE:
        return False
    return not (problem.code is ProblemCode.STATUS and problem.status == ApplicationStatus.WITHDRAWN)


def overridable(problems: Iterable[AwardProblem]) -> tuple[AwardProblem, ...]:
    return tuple(p for p in problems if may_override(p))


def blocking(problems: Iterable[AwardProblem]) -> tuple[AwardProblem, ...]:
    """The problems no override can lift."""
    return tuple(p for p in problems if not may_override(p))


def override_refusal(problems: Iterable[AwardProblem], reason: str) -> str | None:
    """None when the award may be recorded with this reason (or needs none); else why not, in Dutch."""
    problems = tuple(problems)
    hard = blocking(problems)
    if hard:
        return _("Deze toekenning kan niet worden doorgezet: %(problems)s",
                 problems=" ".join(p.message for p in hard))
    if problems and not reason.strip():
        return _("Geef een motivering om de toekenning ondanks de opmerkingen door te zetten.")
    return None


# =========================================================================== 2. allocation proposal


class Outcome(enum.StrEnum):
    AWARD = "award"
    REJECT = "reject"
    WAITLIST = "waitlist"

    @property
    def label(self) -> str:
        return _(_OUTCOME_LABELS[self])


_OUTCOME_LABELS = {Outcome.AWARD: N_("toekenning"), Outcome.REJECT: N_("afwijzing"),
                   Outcome.WAITLIST: N_("reservelijst")}


class JuryAdvice(enum.StrEnum):
    AWARD = "award"
    REJECT = "reject"
    WAITLIST = "waitlist"


@dataclass(frozen=True)
class AllocationCandidate:
    """One application in the proposal.

    Competitive calls use rank (1 = best), weighted_total, jury_advice and above_threshold;
    sign-up calls use priority (the applicant's own, 1 = highest). Both use submitted_at and
    dossier_number to break ties.
    """

    application_id: int
    dossier_number: str
    requested: Decimal
    submitted_at: datetime
    rank: int | None = None
    weighted_total: Decimal | None = None
    jury_advice: JuryAdvice | str | None = None
    above_threshold: bool = True  # the jury's own verdict (e.g. a minimum per criterion)
    priority: int | None = None
    organisation: str = ""


@dataclass(frozen=True)
class ProposalRow:
    position: int  # 1-based, in the order of the proposal
    application_id: int
    dossier_number: str
    organisation: str
    requested: Decimal
    outcome: Outcome
    amount: Decimal  # proposed award; 0.00 unless outcome is award
    running_total: Decimal  # awarded so far, this row included
    reason: str
    partial: bool = False
    rank: int | None = None
    priority: int | None = None
    weighted_total: Decimal | None = None
    tie_broken_by: str | None = None  # Dutch: how a tie at the cut-off was decided


@dataclass(frozen=True)
class Proposal:
    mode: SelectionMode
    envelope: Decimal
    threshold: Decimal | None
    partial_awards: bool
    rows: tuple[ProposalRow, ...]
    cutoff_index: int | None  # index in rows of the first application the envelope no longer covers fully
    total_proposed: Decimal
    envelope_left: Decimal

    def row_for(self, application_id: int) -> ProposalRow | None:
        return next((r for r in self.rows if r.application_id == application_id), None)


def _sort_key(mode: SelectionMode, c: AllocationCandidate) -> tuple:
    moment = as_utc(c.submitted_at)
    if mode is SelectionMode.COMPETITIVE:
        total = (0, -c.weighted_total) if c.weighted_total is not None else (1, ZERO)
        return (c.rank, total, moment, c.dossier_number)
    return (c.priority, moment, c.dossier_number)


def _validate(mode: SelectionMode, candidates: Sequence[AllocationCandidate]) -> None:
    seen: set[int] = set()
    for c in candidates:
        if c.application_id in seen:
            raise ValueError(f"Aanvraag {c.application_id} staat twee keer in het voorstel.")
        seen.add(c.application_id)
        if _money(c.requested, "Het gevraagde bedrag") <= 0:
            raise ValueError(f"Het gevraagde bedrag van {c.dossier_number} moet groter dan nul zijn.")
        if c.submitted_at.tzinfo is None:
            raise ValueError(f"Het tijdstip van indiening van {c.dossier_number} moet een tijdzone hebben.")
        if mode is SelectionMode.COMPETITIVE and c.rank is None:
            raise ValueError(f"{c.dossier_number} heeft geen rang; een competitieve oproep rangschikt elke aanvraag.")
        if mode is SelectionMode.SIGN_UP and c.priority is None:
            raise ValueError(f"{c.dossier_number} heeft geen prioriteit.")
        if c.jury_advice is not None:
            JuryAdvice(c.jury_advice)  # raises on an unknown advice


def propose_allocation(
    mode: SelectionMode | str,
    candidates: Iterable[AllocationCandidate],
    *,
    envelope: Decimal,
    partial_awards: bool = False,
    threshold: Decimal | None = None,
) -> Proposal:
    """Fill the envelope in a fixed order and say per application what is proposed, and why.

    Order. Competitive: rank, then (ties) the higher weighted total, the earlier submission,
    the lower dossier number. Sign-up: the applicant's priority, then (ties) the earlier
    submission, the lower dossier number. Ties are broken the same way every time; where a tie
    decides who gets money, the rows say so in `tie_broken_by`.

    Competitive calls first sort out what the jury decided: below the threshold (the
    candidate's own flag, or `threshold` on the weighted total where one is given, inclusive)
    -> reject; jury advice 'reject' -> reject; jury advice 'waitlist' -> waitlist. None of
    these take money. Sign-up calls have no jury: threshold and advice are ignored.

    Money, in strict order, without skipping: each remaining application gets its requested
    amount while it fits. The first one that no longer fits gets what is left as a partial
    award when the call allows partial awards (and something is left), else it goes to the
    waitlist; every later application goes to the waitlist too, even a smaller one that would
    still fit. The agency must be able to explain the list by its order alone; the money left
    is shown, and the admin can still award a later one by hand (check_award, override).
    """
    mode = SelectionMode(mode)
    candidates = list(candidates)
    envelope = _money(envelope, "Het budget")
    if envelope < 0:
        raise ValueError("Het budget kan niet negatief zijn.")
    _validate(mode, candidates)
    ordered = sorted(candidates, key=lambda c: _sort_key(mode, c))

    left = envelope
    running = ZERO
    money_closed = False  # strict order: once one does not fit, the rest waits
    cutoff: int | None = None
    states: dict[int, str] = {}  # application_id -> 'full' / 'partial' / 'none' for those competing for money
    drafts: list[dict] = []
    for index, c in enumerate(ordered):
        requested = _money(c.requested, "Het gevraagde bedrag")
        outcome, amount, partial = Outcome.WAITLIST, ZERO, False
        judged = _jury_outcome(mode, c, threshold)
        if judged is not None:
            outcome, reason = judged
        elif not money_closed and requested <= left:
            outcome, amount = Outcome.AWARD, requested
            left -= requested
            reason = _("Toegekend zoals gevraagd; het past binnen het budget (daarna nog %(left)s over).",
                       left=format_eur(left))
            states[c.application_id] = "full"
        else:
            if not money_closed:
                money_closed, cutoff = True, index
                if partial_awards and left > 0:
                    outcome, amount, partial = Outcome.AWARD, left, True
                    reason = _("Gedeeltelijke toekenning: het resterende budget van %(left)s dekt het gevraagde "
                               "bedrag van %(requested)s niet volledig.", left=format_eur(left),
                               requested=format_eur(requested))
                    left = ZERO
                elif partial_awards:
                    reason = _("Reservelijst: het budget is volledig verdeeld.")
                else:
                    reason = _("Reservelijst: het resterende budget van %(left)s volstaat niet voor het gevraagde "
                               "bedrag van %(requested)s, en deze oproep kent geen gedeeltelijke toekenningen.",
                               left=format_eur(left), requested=format_eur(requested))
            else:
                reason = _("Reservelijst: het budget geraakte op bij een aanvraag die hoger in de volgorde staat; "
                           "de volgorde wordt strikt gevolgd.")
            states[c.application_id] = "partial" if partial else "none"
        running += amount
        drafts.append(dict(position=index + 1, application_id=c.application_id, dossier_number=c.dossier_number,
                           organisation=c.organisation, requested=requested, outcome=outcome, amount=amount,
                           running_total=running, reason=reason, partial=partial, rank=c.rank,
                           priority=c.priority, weighted_total=c.weighted_total))

    ties = _tie_explanations(mode, ordered, states)
    rows = tuple(ProposalRow(**d, tie_broken_by=ties.get(d["application_id"])) for d in drafts)
    return Proposal(mode=mode, envelope=envelope, threshold=threshold, partial_awards=partial_awards, rows=rows,
                    cutoff_index=cutoff, total_proposed=running, envelope_left=envelope - running)


def _jury_outcome(mode: SelectionMode, c: AllocationCandidate,
                  threshold: Decimal | None) -> tuple[Outcome, str] | None:
    """What the jury's work decides before money is counted; None: the candidate competes for money."""
    if mode is not SelectionMode.COMPETITIVE:
        return None
    if threshold is not None and (c.weighted_total is None or c.weighted_total < threshold):
        total = format_decimal(c.weighted_total) if c.weighted_total is not None else _("geen")
        return Outcome.REJECT, _("Afgewezen: de gewogen totaalscore (%(total)s) haalt de drempel van %(threshold)s "
                                 "niet.", total=total, threshold=format_decimal(threshold))
    if not c.above_threshold:
        return Outcome.REJECT, _("Afgewezen: de aanvraag haalt de kwaliteitsdrempel van de jury niet.")
    advice = JuryAdvice(c.jury_advice) if c.jury_advice is not None else None
    if advice is JuryAdvice.REJECT:
        return Outcome.REJECT, _("Afgewezen op advies van de jury.")
    if advice is JuryAdvice.WAITLIST:
        return Outcome.WAITLIST, _("Reservelijst op advies van de jury.")
    return None


def _tie_explanations(mode: SelectionMode, ordered: Sequence[AllocationCandidate],
                      states: dict[int, str]) -> dict[int, str]:
    """Dutch explanations for the rows of a tie (equal rank / priority) that the tie decided.

    A tie decides something when its members competing for money do not all end the same way
    (one fully funded, another partly or not). Each row then names the other members, the rule,
    and the criterion that separated it from its neighbour in the tie.
    """
    groups: dict[int, list[AllocationCandidate]] = {}
    for c in ordered:
        if c.application_id in states:
            groups.setdefault(c.rank if mode is SelectionMode.COMPETITIVE else c.priority, []).append(c)
    result: dict[int, str] = {}
    for level, members in groups.items():
        if len(members) < 2 or len({states[m.application_id] for m in members}) < 2:
            continue
        for j, member in enumerate(members):
            neighbour = members[j - 1] if j > 0 else members[1]
            others = ", ".join(m.dossier_number for m in members if m is not member)
            decider = _decider(mode, member, neighbour)
            if mode is SelectionMode.COMPETITIVE:
                result[member.application_id] = _(
                    "Gelijke rang %(level)s met %(others)s. Bij gelijke rang gaat de hoogste gewogen totaalscore "
                    "voor, dan de vroegste indiening, dan het laagste dossiernummer; hier besliste %(decider)s.",
                    level=level, others=others, decider=decider)
            else:
                result[member.application_id] = _(
                    "Gelijke prioriteit %(level)s met %(others)s. Bij gelijke prioriteit gaat de vroegste "
                    "indiening voor, dan het laagste dossiernummer; hier besliste %(decider)s.",
                    level=level, others=others, decider=decider)
    return result


def _decider(mode: SelectionMode, this: AllocationCandidate, that: AllocationCandidate) -> str:
    """The first tie-break criterion on which the two differ, with both values."""
    if mode is SelectionMode.COMPETITIVE and this.weighted_total != that.weighted_total:
        def show(value: Decimal | None) -> str:
            return format_decimal(value) if value is not None else _("geen")
        return _("de gewogen totaalscore (%(this)s tegenover %(that)s)",
                 this=show(this.weighted_total), that=show(that.weighted_total))
    if as_utc(this.submitted_at) != as_utc(that.submitted_at):
        fmt = "%d-%m-%Y %H:%M:%S"
        return _("het tijdstip van indiening (%(this)s tegenover %(that)s)",
                 this=format_local(this.submitted_at, fmt), that=format_local(that.submitted_at, fmt))
    return _("het dossiernummer (%(this)s tegenover %(that)s)", this=this.dossier_number, that=that.dossier_number)


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class ProposalChange:
    application_id: int
    dossier_number: str
    before_outcome: Outcome | None  # None: not in the first proposal
    before_amount: Decimal
    after_outcome: Outcome | None  # None: not in the second proposal
    after_amount: Decimal
    message: str


def compare_proposals(before: Proposal, after: Proposal) -> tuple[ProposalChange, ...]:
    """The applications whose outcome or amount differs, in the order of `after` (then the dropped ones)."""
    old = {r.application_id: r for r in before.rows}
    new = {r.application_id: r for r in after.rows}
    order = [r.application_id for r in after.rows] + [r.application_id for r in before.rows
                                                      if r.application_id not in new]
    changes = []
    for app_id in order:
        a, b = old.get(app_id), new.get(app_id)
        if a is not None and b is not None and a.outcome is b.outcome and a.amount == b.amount:
            continue
        row = b or a
        changes.append(ProposalChange(
            application_id=app_id, dossier_number=row.dossier_number,
            before_outcome=a.outcome if a else None, before_amount=a.amount if a else ZERO,
            after_outcome=b.outcome if b else None, after_amount=b.amount if b else ZERO,
            message=_("%(dossier)s: %(before)s wordt %(after)s.", dossier=row.dossier_number,
                      before=_describe(a), after=_describe(b))))
    return tuple(changes)


def _describe(row: ProposalRow | None) -> str:
    if row is None:
        return _("niet in het voorstel")
    if row.outcome is Outcome.AWARD:
        return _("%(outcome)s van %(amount)s", outcome=row.outcome.label, amount=format_eur(row.amount))
    return row.outcome.label


# =========================================================================== 3. payment tranches


def tranche_amounts(awarded: Decimal, percents: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Split an award over payment tranches, to the cent, adding up exactly to the award.

    The amount paid up to and including each tranche is the exact cumulative share rounded to
    the cent (half up); each tranche is the difference with the previous one, so the rounding
    remainder is carried to the next tranche and what is left ends up on the last one. With
    two or three tranches this is the same as rounding each tranche and putting the remainder
    on the last (49.146,00 at 60/40 -> 29.487,60 + 19.658,40); unlike that, it keeps every
    tranche within a cent of its exact share however many tranches there are.
    """
    awarded = _money(awarded, "Het toegekende bedrag")
    if awarded < 0:
        raise ValueError("Het toegekende bedrag kan niet negatief zijn.")
    if not percents:
        raise ValueError("Geef minstens één betalingsschijf.")
    problem = tranches_problem(percents)
    if problem:
        raise ValueError(problem)
    return split_cumulative(awarded, percents)  # the percents add up to exactly 100 (tranches_problem)
