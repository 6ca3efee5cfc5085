"""The only code that changes calls: create, edit, lock/unlock, lifecycle, new round.

Each operation validates (raising a CallError with a message in the page's language), writes,
records an audit event and flushes; the request commits. What is stored (audit lines, exclusion
reasons, the title of a new round) stays in Dutch whoever does it: it is the dossier's record,
not the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ..applications.models import Application
from ..applications.states import ApplicationStatus
from ..audit.operations import diff, record
from ..extensions import db
from ..i18n import _, ngettext
from ..timeutil import LocalTimeError, format_local, from_local, to_local, utcnow
from . import queries
from .models import Call, CallExclusion, CallKpi, Criterion, PaymentTranche
from .presets import CallPreset
from .rules import (
    CofinancingKind, CofinancingRule, amounts_problem, day_and_time, format_dossier_number, period_problem, report_months_problem,
    tranches_problem, weights_problem,
)
from .states import (
    CALL_ACTIONS, EDITABLE_CALL_STATUSES, CallKind, CallStatus, SelectionMode, TriggerKind, action_allowed,
    transition_refusal,
)


class CallError(ValueError):
    """A refused change to a call; the message is shown to the admin."""


class CallInvalid(CallError):
    """The rules do not fit together: {field name: message}."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


class CallConflict(CallError):
    """Someone else saved the call since this form was opened."""


class RulesLocked(CallError):
    """Applications were submitted: rule changes need an explicit, audited unlock."""


class TransitionRefused(CallError):
    """A lifecycle step that is not possible now; `problems` lists every reason."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or [message]
        super().__init__(message)


class ConfirmationNeeded(TransitionRefused):
    """The step is possible but has consequences the admin must confirm (closing early)."""


# --------------------------------------------------------------------------- the data of a call


@dataclass
class CriterionData:
    name: str
    weight: Decimal
    description: str = ""
    scale_min: int = 0
    scale_max: int = 10
    required: bool = True
    id: int | None = None


@dataclass
class KpiData:
    name: str
    unit: str = ""
    maximum: Decimal | None = None
    id: int | None = None


@dataclass
class TrancheData:
    label: str
    percent: Decimal
    trigger: TriggerKind
    id: int | None = None


@dataclass
class CallData:
    """Every rule of a call as the form (or the demo) gives it; the operation checks it again."""

    title: str
    kind: CallKind
    selection_mode: SelectionMode
    opens_at: datetime
    closes_at: datetime
    envelope: Decimal
    max_amount: Decimal
    description: str = ""
    dossier_prefix: str = "PS"
    max_amount_per_year: Decimal | None = None
    min_duration_months: int | None = None
    max_duration_months: int | None = None
    renewable_times: int = 0
    project_start: date | None = None
    allowed_kinds: list[str] = field(default_factory=list)
    partnerships_allowed: bool = True
    one_application_per_organisation: bool = True
    cofinancing_kind: CofinancingKind = CofinancingKind.NONE
    cofinancing_value: Decimal | None = None
    waiver_allowed: bool = False
    one_award_per_organisation: bool = False
    partial_awards: bool = False
    eligible_cost_categories: list[str] = field(default_factory=list)
    jurors_per_application: int = 3
    jurors_see_other_scores: bool = False
    report_months: list[int] = field(default_factory=list)
    criteria: list[CriterionData] = field(default_factory=list)
    kpis: list[KpiData] = field(default_factory=list)
    tranches: list[TrancheData] = field(default_factory=list)
    allowed_organisation_ids: list[int] = field(default_factory=list)
    exclusions: list[tuple[int, str]] = field(default_factory=list)  # (organisation id, reason)

    @classmethod
    def from_preset(cls, preset: CallPreset, *, title: str, opens_at: datetime, closes_at: datetime,
                    **overrides: Any) -> CallData:
        values = preset.call_values()
        values.update(title=title, opens_at=opens_at, closes_at=closes_at)
        values["criteria"] = [CriterionData(name=c.name, description=c.description, weight=c.weight,
                                            scale_min=c.scale_min, scale_max=c.scale_max, required=c.required)
                              for c in preset.criteria]
        values["kpis"] = [KpiData(name=k.name, unit=k.unit, maximum=k.maximum) for k in preset.kpis]
        values["tranches"] = [TrancheData(label=t.label, percent=t.percent, trigger=t.trigger)
                              for t in preset.tranches]
        values.update(overrides)
        return cls(**values)


SCALAR_FIELDS = [
    "title", "description", "kind", "selection_mode", "dossier_prefix", "opens_at", "closes_at", "envelope",
    "max_amount", "max_amount_per_year", "min_duration_months", "max_duration_months", "renewable_times",
    "project_start", "allowed_kinds", "partnerships_allowed", "one_application_per_organisation",
    "cofinancing_kind", "cofinancing_value", "waiver_allowed", "one_award_per_organisation", "partial_awards",
    "eligible_cost_categories",
    "jurors_per_application", "jurors_see_other_scores", "report_months",
]


def check_call_data(data: CallData) -> dict[str, str]:
    """Rules that involve several fields, by field name (the form shows each next to its field)."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Geef de oproep een titel.")
    try:
        format_dossier_number(data.dossier_prefix or "", 2000, 1)
    except ValueError as exc:
        errors["dossier_prefix"] = str(exc)
    problem = period_problem(data.opens_at, data.closes_at)
    if problem:
        errors["closes_at"] = problem
    errors.update(amounts_problem(data.envelope, data.max_amount, data.max_amount_per_year))
    if data.min_duration_months is not None and data.max_duration_months is not None \
            and data.min_duration_months > data.max_duration_months:
        errors["max_duration_months"] = _("De maximale looptijd moet minstens even lang zijn als de minimale "
                                          "looptijd.")
    problem = report_months_problem(data.report_months, data.max_duration_months)
    if problem:
        errors["report_months"] = problem
    if not data.allowed_kinds and not data.allowed_organisation_ids:
        errors["allowed_kinds"] = _("Kies minstens één soort organisatie die mag indienen.")
    try:
        CofinancingRule(data.cofinancing_kind, data.cofinancing_value, data.waiver_allowed)
    except (ValueError, TypeError) as exc:
        errors["cofinancing_value"] = str(exc)
    problem = weights_problem([c.weight for c in data.criteria])
    if problem:
        errors["criteria"] = problem
    names = [c.name.strip().lower() for c in data.criteria]
    if len(set(names)) != len(names):
        errors["criteria"] = _("Twee criteria hebben dezelfde naam; geef elk criterium een eigen naam.")
    problem = tranches_problem([t.percent for t in data.tranches])
    if problem:
        errors["tranches"] = problem
    return errors


# --------------------------------------------------------------------------- audit helpers


def _state(call: Call) -> dict[str, Any]:
    """What the history shows of a call: every rule, lists as readable lines (stored, so in Dutch)."""
    state = {name: getattr(call, name) for name in SCALAR_FIELDS}
    state["criteria"] = [f"{c.name} (gewicht {c.weight:.2f}, schaal {c.scale_min}-{c.scale_max}"
                         f"{', verplicht' if c.required else ''})" for c in call.criteria]
    state["kpis"] = [f"{k.name} [{k.unit}]" + (f" max {k.maximum:.2f}" if k.maximum is not None else "")
                     for k in call.kpis]
    state["tranches"] = [f"{t.label}: {t.percent:.2f}% {t.trigger.value}" for t in call.tranches]
    state["allowed_organisations"] = sorted(f"{o.name} ({o.code or o.id})" for o in call.allowed_organisations)
    state["exclusions"] = sorted(f"{e.organisation.name}: {e.reason}" for e in call.exclusions)
    return state


# --------------------------------------------------------------------------- create and edit


def _apply(call: Call, data: CallData) -> None:
    from ..organisations.models import Organisation

    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        if isinstance(value, list):
            value = list(value)
        setattr(call, name, value)
    if call.cofinancing_kind == CofinancingKind.NONE:
        call.cofinancing_value = None
        call.waiver_allowed = False

    existing = {c.id: c for c in call.criteria if c.id is not None}
    call.criteria = [_fill(existing.pop(row.id, None) or Criterion(), position=i, name=row.name.strip(),
                           description=row.description, weight=row.weight, scale_min=row.scale_min,
                           scale_max=row.scale_max, required=row.required)
                     for i, row in enumerate(data.criteria, start=1)]
    existing_kpis = {k.id: k for k in call.kpis if k.id is not None}
    call.kpis = [_fill(existing_kpis.pop(row.id, None) or CallKpi(), position=i, name=row.name.strip(),
                       unit=row.unit, maximum=row.maximum)
                 for i, row in enumerate(data.kpis, start=1)]
    existing_tranches = {t.id: t for t in call.tranches if t.id is not None}
    call.tranches = [_fill(existing_tranches.pop(row.id, None) or PaymentTranche(), position=i,
                           label=row.label.strip(), percent=row.percent, trigger=row.trigger)
                     for i, row in enumerate(data.tranches, start=1)]

    wanted_ids = set(data.allowed_organisation_ids) | {org_id for org_id, _ in data.exclusions}
    organisations = {o.id: o for o in db.session.scalars(
        sa.select(Organisation).where(Organisation.id.in_(wanted_ids)))} if wanted_ids else {}
    call.allowed_organisations = [organisations[i] for i in dict.fromkeys(data.allowed_organisation_ids)
                                  if i in organisations]
    current = {e.organisation_id: e for e in call.exclusions}
    exclusions, seen = [], set()
    for org_id, reason in data.exclusions:
        if org_id not in organisations or org_id in seen:
            continue
        seen.add(org_id)
        exclusion = current.pop(org_id, None) or CallExclusion(organisation=organisations[org_id])
        exclusion.reason = reason.strip()[:300]
        exclusions.append(exclusion)
    call.exclusions = exclusions


def _fill(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def create_call(data: CallData, *, actor=None, status: CallStatus = CallStatus.DRAFT) -> Call:
    errors = check_call_data(data)
    if errors:
        raise CallInvalid(errors)
    call = Call(status=status)
    db.session.add(call)
    _apply(call, data)
    db.session.flush()
    record("call.create", call, diff({}, _state(call)), actor=actor)
    return call


def update_call(call: Call, data: CallData, *, expected_version: int | None, actor=None) -> Call:
    """Save every rule at once; refuses a stale form and locked rules."""
    ensure_editable(call)
    if expected_version is not None and call.version != expected_version:
        raise CallConflict(conflict_message(call))
    errors = check_call_data(data)
    if errors:
        raise CallInvalid(errors)
    reason = None
    if queries.rules_locked(call):
        reason = call.rules_unlocked_reason
    before = _state(call)
    _apply(call, data)
    after = _state(call)
    changes = diff(before, after)
    if not changes:
        return call  # nothing changed: no new version, nothing to record (an unlock stays open)
    call.updated_at = utcnow()  # always an UPDATE of the row, so the version moves on for every save
    if call.rules_unlocked:
        # An unlock is good for one change: the rules lock again once it is saved.
        changes["rules_unlocked"] = [True, False]
        call.rules_unlocked_at = None
        call.rules_unlocked_by_id = None
        call.rules_unlocked_reason = None
    db.session.flush()
    record("call.update", call, changes, actor=actor, reason=reason)
    return call


def conflict_message(call: Call) -> str:
    if call.updated_at:
        return _("Iemand anders heeft deze oproep intussen gewijzigd (laatst op %(when)s). Uw wijzigingen zijn niet "
                 "opgeslagen, zodat niets ongemerkt overschreven wordt. Open de oproep opnieuw om de huidige regels "
                 "te zien en breng uw wijzigingen dan opnieuw aan.", when=day_and_time(call.updated_at))
    return _("Iemand anders heeft deze oproep intussen gewijzigd. Uw wijzigingen zijn niet opgeslagen, zodat niets "
             "ongemerkt overschreven wordt. Open de oproep opnieuw om de huidige regels te zien en breng uw "
             "wijzigingen dan opnieuw aan.")


def ensure_editable(call: Call) -> None:
    """Refuse edits in statuses where the rules are history, and locked rules without an unlock."""
    if call.status not in EDITABLE_CALL_STATUSES:
        raise CallError(_not_editable(call))
    if not call.rules_unlocked and queries.rules_locked(call):
        raise RulesLocked(
            _("De regels van deze oproep zijn vergrendeld: er zijn al aanvragen ingediend. Ontgrendel de regels "
              "uitdrukkelijk, met een reden, om ze toch te wijzigen."))


def _not_editable(call: Call) -> str:
    return _("Een oproep met status '%(status)s' kan niet meer gewijzigd worden.", status=call.status.label)


def unlock_rules(call: Call, reason: str, *, actor=None) -> None:
    reason = (reason or "").strip()
    if call.status not in EDITABLE_CALL_STATUSES:
        raise CallError(_not_editable(call))
    if not queries.rules_locked(call):
        raise CallError(_("De regels zijn niet vergrendeld: er is nog geen aanvraag ingediend."))
    if call.rules_unlocked:
        raise CallError(_("De regels zijn al ontgrendeld."))
    if len(reason) < 10:
        raise CallError(_("Geef een reden van minstens 10 tekens: waarom moeten de regels na de indiening "
                          "van aanvragen nog veranderen?"))
    if len(reason) > 2000:
        raise CallError(_("De reden mag hoogstens 2000 tekens tellen."))
    call.rules_unlocked_reason = reason
    call.rules_unlocked_at = utcnow()
    call.rules_unlocked_by_id = getattr(actor, "id", None)
    call.updated_at = utcnow()
    db.session.flush()
    record("call.rules_unlock", call, {"rules_unlocked": [False, True]}, actor=actor, reason=reason)


def lock_rules(call: Call, *, actor=None) -> None:
    if not call.rules_unlocked:
        raise CallError(_("De regels zijn niet ontgrendeld."))
    call.rules_unlocked_reason = None
    call.rules_unlocked_at = None
    call.rules_unlocked_by_id = None
    call.updated_at = utcnow()
    db.session.flush()
    record("call.rules_lock", call, {"rules_unlocked": [True, False]}, actor=actor)


# --------------------------------------------------------------------------- lifecycle


def publication_problems(call: Call, now: datetime | None = None) -> list[str]:
    """Everything that stands in the way of publishing (empty: ready)."""
    now = now or utcnow()
    problems: list[str] = []
    if not (call.title or "").strip():
        problems.append(_("De oproep heeft nog geen titel."))
    period = period_problem(call.opens_at, call.closes_at)
    if period:
        problems.append(period)
    elif call.closes_at <= now:
        problems.append(_("De sluiting (%(when)s) ligt in het verleden; kies een nieuwe sluitingsdatum voor u "
                          "publiceert.", when=day_and_time(call.closes_at)))
    problems.extend(amounts_problem(call.envelope, call.max_amount, call.max_amount_per_year).values())
    if not call.allowed_kinds and not call.allowed_organisations:
        problems.append(_("Kies minstens één soort organisatie die mag indienen."))
    try:
        CofinancingRule(call.cofinancing_kind, call.cofinancing_value, call.waiver_allowed)
    except (ValueError, TypeError) as exc:
        problems.append(str(exc))
    if call.selection_mode == SelectionMode.COMPETITIVE:
        if not call.criteria:
            problems.append(_("Een competitieve oproep heeft minstens één beoordelingscriterium voor de jury nodig."))
        else:
            weights = weights_problem([c.weight for c in call.criteria])
            if weights:
                problems.append(weights)
    tranches = tranches_problem([t.percent for t in call.tranches])
    if tranches:
        problems.append(tranches)
    if not call.tranches:
        problems.append(_("Leg minstens één betalingsschijf vast (bijvoorbeeld een voorschot en een saldo)."))
    return problems


def _undecided_count(call: Call) -> int:
    waiting = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED, ApplicationStatus.ADMISSIBLE,
               ApplicationStatus.UNDER_REVIEW)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.status.in_(waiting))) or 0


def _running_count(call: Call) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.call_id == call.id,
        Application.status.in_((ApplicationStatus.AWARDED, ApplicationStatus.RUNNING)))) or 0


def change_status(call: Call, action: str, *, actor=None, reason: str = "", confirm: bool = False,
                  now: datetime | None = None) -> Call:
    """Run one lifecycle verb (publish, close, reopen, start_review, decide, archive) with its guards."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise TransitionRefused(_("De reden mag hoogstens 2000 tekens tellen."))
    if not action_allowed(action, call.status):
        raise TransitionRefused(transition_refusal(call.status, action))
    if action == "publish":
        problems = publication_problems(call, now)
        if problems:
            raise TransitionRefused(_("De oproep kan nog niet gepubliceerd worden."), problems)
    elif action == "close" and now < call.closes_at:
        deadline = day_and_time(call.closes_at)
        if not confirm:
            raise ConfirmationNeeded(
                _("De indieningstermijn loopt nog tot %(deadline)s. Bevestig dat u de indiening nu al wilt "
                  "afsluiten en geef een reden.", deadline=deadline))
        if not reason:
            raise ConfirmationNeeded(_("Geef een reden om de indiening vóór de deadline van %(deadline)s af te "
                                       "sluiten.", deadline=deadline))
    elif action == "reopen" and now >= call.closes_at:
        raise TransitionRefused(
            _("De sluitingsdatum (%(when)s) is voorbij. Verleng eerst de indieningstermijn in de regels van de "
              "oproep en open haar dan opnieuw.", when=day_and_time(call.closes_at)))
    elif action == "decide":
        waiting = _undecided_count(call)
        if waiting:
            raise TransitionRefused(ngettext(
                "Er is nog %(num)s aanvraag zonder beslissing (ingediend, ontvankelijk of in beoordeling). "
                "Beslis eerst over alle aanvragen.",
                "Er zijn nog %(num)s aanvragen zonder beslissing (ingediend, ontvankelijk of in beoordeling). "
                "Beslis eerst over alle aanvragen.", waiting))
    elif action == "archive" and call.status == CallStatus.DECIDED:
        running = _running_count(call)
        if running:
            raise TransitionRefused(ngettext(
                "Er loopt nog %(num)s project van deze oproep. Archiveer de oproep pas wanneer alle projecten "
                "afgesloten zijn.",
                "Er lopen nog %(num)s projecten van deze oproep. Archiveer de oproep pas wanneer alle projecten "
                "afgesloten zijn.", running))
    old = call.status
    call.status = CALL_ACTIONS[action]
    call.updated_at = now
    db.session.flush()
    changes: dict[str, Any] = {"status": [old.value, call.status.value]}
    if action == "close" and now < call.closes_at:
        changes["closed_before_deadline"] = [None, format_local(call.closes_at)]
    record(f"call.{action}", call, changes, actor=actor, reason=reason or None)
    return call


# --------------------------------------------------------------------------- a new round


def shift_years(moment: datetime, years: int) -> datetime:
    """The same Brussels wall-clock time `years` later (29 February becomes 28 February).

    A time that falls in the spring-forward gap moves one hour later.
    """
    local = to_local(moment).replace(tzinfo=None)
    try:
        shifted = local.replace(year=local.year + years)
    except ValueError:
        shifted = local.replace(year=local.year + years, day=28)
    try:
        return from_local(shifted)
    except LocalTimeError:
        return from_local(shifted + timedelta(hours=1))


def duplicate_call(call: Call, *, title: str, exclude_funded: bool = False, exclusion_reason: str = "",
                   actor=None, years: int = 1) -> Call:
    """A new draft round with the same rules, dates a year later, linked to this round."""
    title = (title or "").strip()
    if not title:
        raise CallInvalid({"title": _("Geef de nieuwe ronde een titel.")})
    if len(title) > 300:
        raise CallInvalid({"title": _("Hoogstens 300 tekens.")})
    data = CallData(
        **{name: (list(getattr(call, name)) if isinstance(getattr(call, name), list) else getattr(call, name))
           for name in SCALAR_FIELDS},
        criteria=[CriterionData(name=c.name, description=c.description, weight=c.weight, scale_min=c.scale_min,
                                scale_max=c.scale_max, required=c.required) for c in call.criteria],
        kpis=[KpiData(name=k.name, unit=k.unit, maximum=k.maximum) for k in call.kpis],
        tranches=[TrancheData(label=t.label, percent=t.percent, trigger=t.trigger) for t in call.tranches],
        allowed_organisation_ids=[o.id for o in call.allowed_organisations],
        exclusions=[(e.organisation_id, e.reason) for e in call.exclusions],
    )
    data.title = title
    data.opens_at = shift_years(call.opens_at, years)
    data.closes_at = shift_years(call.closes_at, years)
    if call.project_start:
        try:
            data.project_start = call.project_start.replace(year=call.project_start.year + years)
        except ValueError:
            data.project_start = call.project_start.replace(year=call.project_start.year + years, day=28)
    added = 0
    if exclude_funded:
        # stored and shown on the public page: Dutch, as the view's suggestion is
        reason = (exclusion_reason or "").strip() or f"Al gefinancierd in de vorige ronde ({call.title})."
        already = {org_id for org_id, _ in data.exclusions}
        for org_id in sorted(queries.funded_organisation_ids(call.id) - already):
            data.exclusions.append((org_id, reason[:300]))
            added += 1
    new = Call(status=CallStatus.DRAFT, previous_round_id=call.id)
    db.session.add(new)
    _apply(new, data)
    db.session.flush()
    changes = diff({}, _state(new))
    changes["previous_round_id"] = [None, call.id]
    record("call.duplicate", new, changes, actor=actor,
           reason=f"Nieuwe ronde van '{call.title}'" + (f"; {added} gefinancierde organisaties uitgesloten"
                                                         if exclude_funded else ""))
    return new
