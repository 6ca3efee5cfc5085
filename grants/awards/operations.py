"""The only code that changes awards: decide on one application, accept an allocation proposal as
draft decisions, record the committed budget, edit the decision mails, publish a call's decisions.

Every operation validates first (a refusal is an AwardsError with a Dutch message, next to `field`
or with one message per field in `fields`), then writes, records an audit event and flushes; the
request commits. The rules themselves are in grants/awards/rules.py; this module maps the models
onto them.

Drafts and publication: a decision is a draft until `publish_awards`. A draft changes nothing the
applicant can see (not even the application's status): publication moves every application of
the call to its outcome's status at once, starts the projects of the awards
(grants.reporting.operations.start_project) and mails every applicant from the call's template
for their outcome. After publication the decisions are fixed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import jinja2
import sqlalchemy as sa
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.exc import IntegrityError

from ..applications.models import Application, ApplicationKpi, ContributionKind
from ..applications.rules import duration_months
from ..applications.states import ApplicationStatus, can_transition
from ..audit.operations import diff, record
from ..calls.models import Call
from ..extensions import db
from ..i18n import _, lazy_gettext
from ..links import external_url
from ..mail import queue_mail
from ..mail_templates import SUBJECT_MAX, in_language, unique_addresses
from ..money import MAX_AMOUNT, format_eur
from ..timeutil import format_local, utcnow
from . import rules
from .models import Decision, DecisionMailTemplate, DecisionOutcome

ZERO = Decimal("0.00")

# The application status each outcome leads to at publication.
STATUS_OF_OUTCOME = {DecisionOutcome.AWARDED: ApplicationStatus.AWARDED,
                     DecisionOutcome.REJECTED: ApplicationStatus.REJECTED,
                     DecisionOutcome.WAITLISTED: ApplicationStatus.WAITLISTED}
OUTCOME_OF_PROPOSAL = {rules.Outcome.AWARD: DecisionOutcome.AWARDED, rules.Outcome.REJECT: DecisionOutcome.REJECTED,
                       rules.Outcome.WAITLIST: DecisionOutcome.WAITLISTED}
# The field of the decision form each problem belongs next to.
FIELD_OF_PROBLEM = {rules.ProblemCode.STATUS: "outcome", rules.ProblemCode.NOT_POSITIVE: "amount",
                    rules.ProblemCode.ABOVE_REQUESTED: "amount", rules.ProblemCode.ABOVE_MAXIMUM: "amount",
                    rules.ProblemCode.COFINANCING: "amount", rules.ProblemCode.ENVELOPE: "amount",
                    rules.ProblemCode.ONE_PER_ORGANISATION: "outcome"}
MOTIVATION_MAX = 10_000
# What each check is called where an override is shown (the awards page, the history).
CHECK_LABELS = {
    rules.ProblemCode.STATUS: lazy_gettext("status van de aanvraag"),
    rules.ProblemCode.NOT_POSITIVE: lazy_gettext("bedrag groter dan nul"),
    rules.ProblemCode.ABOVE_REQUESTED: lazy_gettext("hoogstens het gevraagde bedrag"),
    rules.ProblemCode.ABOVE_MAXIMUM: lazy_gettext("maximum van de oproep"),
    rules.ProblemCode.COFINANCING: lazy_gettext("cofinanciering"),
    rules.ProblemCode.ENVELOPE: lazy_gettext("budget van de oproep"),
    rules.ProblemCode.ONE_PER_ORGANISATION: lazy_gettext("één toekenning per organisatie"),
}


def check_labels(codes) -> list[str]:
    labels = []
    for code in codes or ():
        try:
            labels.append(str(CHECK_LABELS[rules.ProblemCode(code)]))
        except ValueError:
            labels.append(str(code))
    return labels


class AwardsError(ValueError):
    """A refused change; the message is shown to the user, next to `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.field = field
        self.fields = fields or {}


def current_time() -> datetime:
    """The clock the awards read (one place, so tests can move it)."""
    return utcnow()


# =========================================================================== the models as rule inputs


def award_terms(call: Call) -> rules.AwardTerms:
    return rules.AwardTerms(envelope=call.envelope, max_amount=call.max_amount,
                            max_amount_per_year=call.max_amount_per_year, cofinancing=call.cofinancing_rule,
                            one_award_per_organisation=call.one_award_per_organisation,
                            partial_awards=call.partial_awards)


def awarded_application(app: Application) -> rules.AwardedApplication:
    return rules.AwardedApplication(
        application_id=app.id, organisation_id=app.organisation_id, status=app.status.value,
        requested=app.requested_amount, own_contribution=app.own_contribution,
        other_funding=app.contribution_total(ContributionKind.THIRD_PARTY),
        duration_months=duration_months(app.start_date, app.end_date), waiver=app.waiver,
        dossier_number=app.dossier_number or "")


def other_awards(call_id: int, except_application_id: int | None = None) -> list[rules.ExistingAward]:
    """The call's awards (drafts and published), as the envelope and one-per-organisation checks see them."""
    query = (sa.select(Application.id, Application.organisation_id, Decision.amount, Application.dossier_number)
             .join(Decision, Decision.application_id == Application.id)
             .where(Application.call_id == call_id, Decision.outcome == DecisionOutcome.AWARDED))
    return [rules.ExistingAward(app_id, org_id, amount or ZERO, number or "")
            for app_id, org_id, amount, number in db.session.execute(query)
            if app_id != except_application_id]


def decision_of(app: Application) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.application_id == app.id))


def check_decision(app: Application, amount: Decimal) -> rules.AwardCheck:
    """Every check of an award of `amount` on `app`, against the call's other awards."""
    return rules.check_award(award_terms(app.call), awarded_application(app), amount,
                             other_awards(app.call_id, app.id))


def open_problems(decision: Decision) -> tuple[rules.AwardProblem, ...]:
    """The problems of an award that its recorded override does not cover (checked again now: the
    figures or the other awards may have changed since)."""
    if decision.outcome != DecisionOutcome.AWARDED:
        return ()
    app = decision.application
    result = check_decision(app, decision.amount or ZERO)
    covered = set(decision.overridden_checks or ()) if (decision.override_reason or "").strip() else set()
    return tuple(p for p in result.problems if p.code.value not in covered or not rules.may_override(p))


# =========================================================================== one decision


@dataclass(frozen=True)
class DecisionData:
    outcome: DecisionOutcome
    amount: Decimal | None = None
    motivation: str = ""
    override_reason: str = ""
    confirmed_kpis: dict[int, Decimal | None] = field(default_factory=dict)  # ApplicationKpi.kpi_id -> value


def _refuse_when_published(call: Call) -> None:
    if call.awards_published_at is not None:
        raise AwardsError(_("De beslissingen van deze oproep zijn gepubliceerd op %(moment)s; ze liggen vast.",
                            moment=format_local(call.awards_published_at, "%d-%m-%Y %H:%M")))


def _outcome_refusal(app: Application, outcome: DecisionOutcome) -> str | None:
    """A decision must be one the application's status can move to at publication."""
    target = STATUS_OF_OUTCOME[outcome]
    if app.status == target or can_transition(app.status, target):
        return None
    if app.status == ApplicationStatus.WITHDRAWN:
        return _("De aanvrager heeft deze aanvraag ingetrokken: er kan niet meer over beslist worden.")
    return _("Een aanvraag met status '%(status)s' kan niet '%(target)s' worden.",
             status=app.status.label, target=target.label)


def _snapshot(decision: Decision) -> dict[str, Any]:
    return {"outcome": decision.outcome, "amount": decision.amount, "motivation": decision.motivation,
            "required_own_contribution": decision.required_own_contribution,
            "override_reason": decision.override_reason, "overridden_checks": list(decision.overridden_checks or [])}


def _confirm_kpis(app: Application, values: dict[int, Decimal | None]) -> dict[str, Any]:
    """Write the confirmed KPI targets (reports are measured against them); the planned value where none is
    given. Returns the audit diff."""
    before, after = {}, {}
    errors: list[str] = []
    for kpi_value in app.kpi_values:
        value = values.get(kpi_value.kpi_id, kpi_value.planned_value)
        if value is not None:
            if value < 0 or not value.is_finite() or value > MAX_AMOUNT:
                errors.append(_("De streefwaarde voor '%(name)s' moet een getal van 0 tot %(max)s zijn.",
                                name=kpi_value.kpi.name, max=MAX_AMOUNT))
                continue
            if kpi_value.kpi.maximum is not None and value > kpi_value.kpi.maximum:
                errors.append(_("De streefwaarde voor '%(name)s' is hoogstens %(max)s.", name=kpi_value.kpi.name,
                                max=kpi_value.kpi.maximum))
                continue
        before[kpi_value.kpi.name] = kpi_value.confirmed_value
        kpi_value.confirmed_value = value
        after[kpi_value.kpi.name] = value
    if errors:
        raise AwardsError(" ".join(errors), field="kpis", fields={"kpis": errors})
    return diff({"confirmed_kpis": before}, {"confirmed_kpis": after})


def decide(app: Application, data: DecisionData, actor, *, loaded_version: int | None = None) -> Decision:
    """Record (or change) the draft decision on one application, after every check of an award.

    A failed check blocks with its message next to its field, unless the admin gives an override
    reason and every failed check may be overridden (rules.override_refusal); then the overridden
    checks and the reason are stored and audited. Withdrawn applications and amounts of zero or
    less can never be awarded.
    """
    call = app.call
    _refuse_when_published(call)
    outcome = DecisionOutcome(data.outcome)
    motivation = (data.motivation or "").strip()
    reason = (data.override_reason or "").strip()
    fields: dict[str, list[str]] = {}
    if not motivation:
        fields.setdefault("motivation", []).append(_("Motiveer de beslissing: de aanvrager leest de motivering."))
    elif len(motivation) > MOTIVATION_MAX:
        fields.setdefault("motivation", []).append(_("De motivering mag hoogstens %(n)s tekens tellen.",
                                                     n=MOTIVATION_MAX))
    existing = decision_of(app)
    if existing is not None and loaded_version is not None and existing.version != loaded_version:
        raise AwardsError(_("Iemand anders wijzigde deze beslissing nadat u ze opende. Er is niets overschreven; "
                            "bekijk ze opnieuw."), field="conflict")
    check: rules.AwardCheck | None = None
    if outcome == DecisionOutcome.AWARDED:
        if data.amount is None:
            fields.setdefault("amount", []).append(_("Vul het toegekende bedrag in."))
        else:
            check = check_decision(app, data.amount)
            refusal = rules.override_refusal(check.problems, reason)
            if refusal:
                for problem in check.problems:
                    fields.setdefault(FIELD_OF_PROBLEM[problem.code], []).append(problem.message)
                if not rules.blocking(check.problems):
                    fields.setdefault("override_reason", []).append(refusal)
    else:
        refusal = _outcome_refusal(app, outcome)
        if refusal:
            fields.setdefault("outcome", []).append(refusal)
    if fields:
        first = next(iter(fields.values()))[0]
        raise AwardsError(first, field=next(iter(fields)), fields=fields)

    now = current_time()
    decision = existing or Decision(application_id=app.id, application=app, outcome=outcome, overridden_checks=[])
    before = _snapshot(decision) if existing is not None else {}
    decision.outcome = outcome
    decision.motivation = motivation
    decision.decided_at, decision.decided_by_id = now, actor.id if actor is not None else None
    kpi_changes: dict[str, Any] = {}
    if check is not None:
        decision.amount = data.amount
        decision.required_own_contribution = None if check.cofinancing_waived else check.required_own_contribution
        overridden = [p.code.value for p in check.problems]
        decision.overridden_checks = overridden
        decision.override_reason = reason if overridden else None
        decision.overridden_by_id = (actor.id if actor is not None else None) if overridden else None
        kpi_changes = _confirm_kpis(app, data.confirmed_kpis)
    else:
        decision.amount = None
        decision.required_own_contribution = None
        decision.overridden_checks, decision.override_reason, decision.overridden_by_id = [], None, None
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(decision)
                db.session.flush()
        except IntegrityError:
            # another admin recorded the first decision on this application at the same moment
            raise AwardsError(_("Iemand anders legde tegelijk een beslissing over deze aanvraag vast. Er is niets "
                                "overschreven; bekijk ze opnieuw."), field="conflict") from None
    db.session.flush()
    changes = diff(before, _snapshot(decision))
    changes.update(kpi_changes)
    record("award.decide", decision, changes, actor=actor, reason=decision.override_reason)
    return decision


# =========================================================================== the proposal, in bulk


@dataclass(frozen=True)
class AcceptResult:
    created: list[Decision]
    kept: list[str]  # dossier numbers that already had a decision (left as they were)


def accept_proposal(call: Call, proposal: rules.Proposal, actor) -> AcceptResult:
    """Every row of the proposal becomes a draft decision, except where a decision already exists (the
    admin's own work is never overwritten). Awards are recorded with the proposal's amount and reason;
    their checks are shown again on the awards page, and publication waits until each is met or
    overridden. One audit event on the call lists what was created."""
    _refuse_when_published(call)
    if not proposal.rows:
        raise AwardsError(_("Het voorstel is leeg: er zijn geen aanvragen om over te beslissen."))
    apps = {a.id: a for a in db.session.scalars(sa.select(Application).where(
        Application.id.in_([r.application_id for r in proposal.rows]), Application.call_id == call.id))}
    decided = set(db.session.scalars(sa.select(Decision.application_id).where(
        Decision.application_id.in_(list(apps)))))
    now = current_time()
    # Touching the call raises its version: a second accept at the same moment becomes the conflict page.
    call.updated_at = now
    created, kept = [], []
    for row in proposal.rows:
        app = apps.get(row.application_id)
        if app is None:
            continue
        if app.id in decided:
            kept.append(row.dossier_number)
            continue
        outcome = OUTCOME_OF_PROPOSAL[row.outcome]
        decision = Decision(application_id=app.id, application=app, outcome=outcome, motivation=row.reason,
                            decided_at=now, decided_by_id=actor.id if actor is not None else None,
                            overridden_checks=[])
        if outcome == DecisionOutcome.AWARDED:
            decision.amount = row.amount
            check = check_decision(app, row.amount)
            decision.required_own_contribution = None if check.cofinancing_waived else check.required_own_contribution
            for kpi_value in app.kpi_values:
                if kpi_value.confirmed_value is None:
                    kpi_value.confirmed_value = kpi_value.planned_value
        db.session.add(decision)
        db.session.flush()
        created.append(decision)
    record("award.accept_proposal", call, {
        "decisions": [None, [f"{d.application.dossier_number}: {d.outcome.value}"
                             + (f" {format_eur(d.amount)}" if d.amount is not None else "") for d in created]],
        "envelope": [None, proposal.envelope], "threshold": [None, proposal.threshold],
    }, actor=actor)
    return AcceptResult(created, kept)


# =========================================================================== the committed budget


def set_committed_amount(call: Call, amount: Decimal | None, actor) -> Call:
    """The amount committed in the budget (vastgelegd); None clears it."""
    if amount is not None and (amount < 0 or amount > MAX_AMOUNT):
        raise AwardsError(_("Het vastgelegde bedrag moet tussen 0 en %(max)s liggen.", max=format_eur(MAX_AMOUNT)),
                          field="committed_amount")
    changes = diff({"committed_amount": call.committed_amount}, {"committed_amount": amount})
    if not changes:
        return call
    call.committed_amount = amount
    call.updated_at = current_time()
    db.session.flush()
    record("award.committed", call, changes, actor=actor)
    return call


# =========================================================================== decision mails


DEFAULT_MAILS = {
    DecisionOutcome.AWARDED: (
        "Uw aanvraag {{ dossier_number }} is toegekend",
        "Beste,\n\nHet agentschap kent uw aanvraag {{ dossier_number }} \"{{ title }}\" in de oproep "
        "\"{{ call_title }}\" een subsidie toe van {{ amount }}.\n"
        "{% if required_own_contribution %}De vereiste eigen bijdrage is {{ required_own_contribution }}.\n{% endif %}"
        "\nMotivering:\n{{ motivation }}\n\nDe toekenningsbrief met de betalingsschijven en de rapportering:\n"
        "{{ letter_url }}\n\nMet vriendelijke groeten,\nAgentschap Binnenlands Bestuur\n"),
    DecisionOutcome.REJECTED: (
        "Beslissing over uw aanvraag {{ dossier_number }}",
        "Beste,\n\nHet agentschap kent uw aanvraag {{ dossier_number }} \"{{ title }}\" in de oproep "
        "\"{{ call_title }}\" geen subsidie toe.\n\nMotivering:\n{{ motivation }}\n\n"
        "Uw aanvraag: {{ application_url }}\n\nMet vriendelijke groeten,\nAgentschap Binnenlands Bestuur\n"),
    DecisionOutcome.WAITLISTED: (
        "Uw aanvraag {{ dossier_number }} staat op de reservelijst",
        "Beste,\n\nUw aanvraag {{ dossier_number }} \"{{ title }}\" in de oproep \"{{ call_title }}\" staat op de "
        "reservelijst: komen er middelen vrij, dan hoort u van ons.\n\nMotivering:\n{{ motivation }}\n\n"
        "Uw aanvraag: {{ application_url }}\n\nMet vriendelijke groeten,\nAgentschap Binnenlands Bestuur\n"),
}
MAIL_VARIABLES = ("organisation", "title", "dossier_number", "call_title", "amount", "required_own_contribution",
                  "motivation", "letter_url", "application_url")

# Admins write these templates: a sandbox, so a template can only fill in the values it is given.
_mail_env = SandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def mail_template_for(call: Call | None, outcome: DecisionOutcome) -> tuple[str, str, DecisionMailTemplate | None]:
    """(subject, body, own row or None): the call's own, else the agency's default, else the built-in one.
    The row is the one an edit replaces: the call's own (call None: the agency's default)."""
    outcome = DecisionOutcome(outcome)
    rows = db.session.scalars(sa.select(DecisionMailTemplate).where(
        DecisionMailTemplate.outcome == outcome,
        sa.or_(DecisionMailTemplate.call_id.is_(None),
               DecisionMailTemplate.call_id == (call.id if call is not None else None)))).all()
    default = next((r for r in rows if r.call_id is None), None)
    own = next((r for r in rows if r.call_id == call.id), None) if call is not None else default
    chosen = own or default
    if chosen is not None:
        return chosen.subject, chosen.body, own
    subject, body = DEFAULT_MAILS[outcome]
    return subject, body, None


def _sample_values() -> dict[str, str]:
    return {name: "x" for name in MAIL_VARIABLES}


def template_problem(text: str) -> str | None:
    """Why a mail template cannot be used (a syntax error, an unknown value), or None."""
    try:
        _mail_env.from_string(text).render(**_sample_values())
    except jinja2.TemplateSyntaxError as exc:
        return _("De sjabloon bevat een fout op regel %(line)s: %(error)s", line=exc.lineno, error=exc.message)
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as exc:
        return _("De sjabloon gebruikt een onbekende waarde: %(error)s. Beschikbaar: %(names)s.",
                 error=str(exc), names=", ".join(MAIL_VARIABLES))
    except Exception as exc:  # noqa: BLE001 - any other failure of an admin's template is a message, not a 500
        return _("De sjabloon kan niet gebruikt worden: %(error)s", error=str(exc))
    return None


def save_mail_template(call: Call | None, outcome: DecisionOutcome, subject: str, body: str, actor
                       ) -> DecisionMailTemplate:
    """The call's own mail for this outcome (call None: the agency's default), checked by rendering it."""
    subject, body = " ".join((subject or "").split()), (body or "").replace("\r\n", "\n").strip() + "\n"
    fields = {}
    if not subject:
        fields["subject"] = [_("Vul het onderwerp in.")]
    elif len(subject) > SUBJECT_MAX:
        fields["subject"] = [_("Het onderwerp mag hoogstens %(n)s tekens tellen.", n=SUBJECT_MAX)]
    elif problem := template_problem(subject):
        fields["subject"] = [problem]
    if not body.strip():
        fields["body"] = [_("Vul de tekst van de e-mail in.")]
    elif len(body) > 20_000:
        fields["body"] = [_("De tekst mag hoogstens %(n)s tekens tellen.", n=20_000)]
    elif problem := template_problem(body):
        fields["body"] = [problem]
    if fields:
        first = next(iter(fields.values()))[0]
        raise AwardsError(first, field=next(iter(fields)), fields=fields)
    outcome = DecisionOutcome(outcome)
    call_id = call.id if call is not None else None
    row = db.session.scalar(sa.select(DecisionMailTemplate).where(
        DecisionMailTemplate.outcome == outcome,
        DecisionMailTemplate.call_id.is_(None) if call_id is None else DecisionMailTemplate.call_id == call_id))
    before = {"subject": row.subject, "body": row.body} if row is not None else {}
    if row is None:
        row = DecisionMailTemplate(call_id=call_id, outcome=outcome, subject=subject, body=body)
        db.session.add(row)
    row.subject, row.body = subject, body
    row.updated_at, row.updated_by_id = current_time(), actor.id if actor is not None else None
    db.session.flush()
    record("award.mail_template", row, diff(before, {"subject": subject, "body": body}), actor=actor,
           reason=outcome.value)
    return row


def _mail_values(decision: Decision) -> dict[str, str]:
    app = decision.application
    return {
        "organisation": app.organisation.name, "title": app.title, "dossier_number": app.dossier_number or "",
        "call_title": app.call.title, "motivation": decision.motivation,
        "amount": format_eur(decision.amount) if decision.amount is not None else "",
        "required_own_contribution": (format_eur(decision.required_own_contribution)
                                      if decision.required_own_contribution else ""),
        "letter_url": (external_url("awards.letter", application_id=app.id)
                       if decision.outcome == DecisionOutcome.AWARDED else ""),
        "application_url": external_url("applications.show", application_id=app.id),
    }


def render_decision_mail(decision: Decision) -> tuple[str, str]:
    subject, body, _row = mail_template_for(decision.application.call, decision.outcome)
    values = _mail_values(decision)
    with in_language(None):
        return (" ".join(_mail_env.from_string(subject).render(**values).split())[:SUBJECT_MAX],
                _mail_env.from_string(body).render(**values))


def _recipients(app: Application) -> list[str]:
    return unique_addresses([app.submitted_by.email if app.submitted_by else None,
                             app.organisation.contact_email, app.contact_email])


# =========================================================================== publication


def publication_problems(call: Call) -> list[str]:
    """Why the call's decisions cannot be published yet (empty: they can): every award's checks again,
    against today's figures, in the few queries of the awards page."""
    from .queries import call_decisions
    if call.awards_published_at is not None:
        return [_("De beslissingen van deze oproep zijn al gepubliceerd.")]
    rows = [r for r in call_decisions(call).rows if r.decision is not None]
    if not rows:
        return [_("Er zijn nog geen beslissingen om te publiceren.")]
    problems = []
    for row in rows:
        refusal = _outcome_refusal(row.application, row.decision.outcome)
        if refusal:
            problems.append(f"{row.application.dossier_number}: {refusal}")
            continue
        problems.extend(f"{row.application.dossier_number}: {p.message}" for p in row.problems)
    return problems


@dataclass(frozen=True)
class PublishResult:
    decisions: int
    projects: int
    mails: int


def publish_awards(call: Call, actor) -> PublishResult:
    """Publish every draft decision of the call at once (audited): the applications move to their
    outcome's status, the awards' projects start, and every applicant gets the mail of their outcome."""
    from ..reporting.operations import start_project
    problems = publication_problems(call)
    if problems:
        raise AwardsError(_("De beslissingen kunnen nog niet gepubliceerd worden."), fields={"publish": problems})
    now = current_time()
    decisions = db.session.scalars(sa.select(Decision).join(Application, Application.id == Decision.application_id)
                                   .where(Application.call_id == call.id)
                                   .order_by(Application.dossier_number)).all()
    counts = {outcome: 0 for outcome in DecisionOutcome}
    total = ZERO
    for decision in decisions:
        app = decision.application
        target = STATUS_OF_OUTCOME[decision.outcome]
        if app.status != target:
            old = app.status
            app.status = target
            app.updated_at, app.updated_by_id = now, actor.id if actor is not None else None
            db.session.flush()
            record("application.decide", app, {"status": [old, target]}, actor=actor)
        decision.published_at = now
        counts[decision.outcome] += 1
        if decision.outcome == DecisionOutcome.AWARDED:
            total += decision.amount or ZERO
    call.awards_published_at = now
    call.awards_published_by_id = actor.id if actor is not None else None
    db.session.flush()
    projects = [start_project(d.application, actor=actor) for d in decisions
                if d.outcome == DecisionOutcome.AWARDED]
    mails = 0
    for decision in decisions:
        subject, body = render_decision_mail(decision)
        for address in _recipients(decision.application):
            queue_mail(address, subject, body)
            mails += 1
    record("award.publish", call, {
        "awarded": [None, counts[DecisionOutcome.AWARDED]], "rejected": [None, counts[DecisionOutcome.REJECTED]],
        "waitlisted": [None, counts[DecisionOutcome.WAITLISTED]], "total_awarded": [None, total],
        "awards_published_at": [None, now]}, actor=actor)
    _decide_call_when_complete(call, actor)
    return PublishResult(len(decisions), len(projects), mails)


def _decide_call_when_complete(call: Call, actor) -> None:
    """With every application decided, publishing the decisions also marks the call decided (its own
    audited step); otherwise the call stays where it is until the rest is decided."""
    from ..calls.operations import TransitionRefused, change_status
    from ..calls.states import action_allowed
    if not action_allowed("decide", call.status):
        return
    try:
        change_status(call, "decide", actor=actor)
    except TransitionRefused:
        pass  # applications still without a decision: the agency decides the call later


__all__ = [
    "AcceptResult", "AwardsError", "CHECK_LABELS", "check_labels", "DEFAULT_MAILS", "DecisionData", "MAIL_VARIABLES", "PublishResult",
    "accept_proposal", "award_terms", "awarded_application", "check_decision", "decide", "decision_of",
    "mail_template_for", "open_problems", "other_awards", "publication_problems", "publish_awards",
    "render_decision_mail", "save_mail_template", "set_committed_amount", "template_problem",
]
