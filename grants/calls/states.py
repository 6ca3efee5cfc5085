"""Call kinds, selection modes, payment triggers, and the call's lifecycle: one record per status.

CALL_STATES holds, for every CallStatus, its label in Dutch and English, its badge, the flags the
pages and rules ask about (may the rules be edited, is the call public, does it take submissions)
and the steps that leave it. A step is one of the admin's verbs (publish, close, reopen, ...):
'publish' and 'reopen' both lead to published, but from different statuses, so the verb belongs
to the transition, not to its target. Everything else here (CALL_ACTIONS, CALL_TRANSITIONS,
EDITABLE_CALL_STATUSES, action_allowed, ...) is derived from the records, never kept beside them.
Pure: no Flask or database import (the refusal message looks up gettext only when it is built).
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..states import Actor, StateMachine, StateRecord, Text

BY_ADMIN = frozenset({Actor.ADMIN})


# --------------------------------------------------------------------------- kinds, selection, payment triggers


class CallKind(enum.StrEnum):
    ACTION_PLAN = "action_plan"
    COUNTER_VOICES = "counter_voices"
    REGIE_ROLE = "regie_role"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CALL_KIND_LABELS[self])


CALL_KIND_LABELS: dict[CallKind, Text] = {
    CallKind.ACTION_PLAN: Text("Lokaal actieplan polarisatie", "Local action plan on polarisation"),
    CallKind.COUNTER_VOICES: Text("Maatschappelijke tegengeluiden mobiliseren", "Mobilising societal counter-voices"),
    CallKind.REGIE_ROLE: Text("Ondersteuning lokale regierol", "Support for the local directing role"),
    CallKind.OTHER: Text("Andere projectoproep", "Other project call"),
}


class SelectionMode(enum.StrEnum):
    COMPETITIVE = "competitive"  # jury ranking within the envelope
    SIGN_UP = "sign_up"  # every eligible application; applicant priorities when money runs short

    @property
    def label(self) -> str:
        return str(SELECTION_MODE_LABELS[self])


SELECTION_MODE_LABELS: dict[SelectionMode, Text] = {
    SelectionMode.COMPETITIVE: Text("competitief (jury en rangschikking)", "competitive (jury and ranking)"),
    SelectionMode.SIGN_UP: Text("intekening (elke ontvankelijke aanvraag)", "sign-up (every admissible application)"),
}


class TriggerKind(enum.StrEnum):
    AWARD = "award"
    REPORT_APPROVED = "report_approved"
    FINAL_REPORT = "final_report"

    @property
    def label(self) -> str:
        return str(TRIGGER_LABELS[self])


TRIGGER_LABELS: dict[TriggerKind, Text] = {
    TriggerKind.AWARD: Text("bij toekenning", "at the award"),
    TriggerKind.REPORT_APPROVED: Text("na goedkeuring van een tussentijds verslag",
                                      "after approval of an interim report"),
    TriggerKind.FINAL_REPORT: Text("na goedkeuring van het eindverslag", "after approval of the final report"),
}


# --------------------------------------------------------------------------- the lifecycle


class CallStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    UNDER_REVIEW = "under_review"
    DECIDED = "decided"
    ARCHIVED = "archived"

    @property
    def record(self) -> CallState:
        return CALL_STATES[self]

    @property
    def label(self) -> str:
        return CALL_STATES[self].label


@dataclass(frozen=True)
class CallStep:
    """One of the admin's lifecycle verbs: the name the route takes, the button, the message once done."""

    verb: str
    label: Text
    done: Text  # %(title)s is the call's title
    by: frozenset[Actor] = BY_ADMIN


PUBLISH = CallStep("publish", Text("Publiceren", "Publish"),
                   Text("De oproep '%(title)s' is gepubliceerd.", "The call '%(title)s' has been published."))
CLOSE = CallStep("close", Text("Indiening afsluiten", "Close submissions"),
                 Text("De indiening voor '%(title)s' is afgesloten.", "Submissions for '%(title)s' are closed."))
REOPEN = CallStep("reopen", Text("Opnieuw openen", "Reopen"),
                  Text("De oproep '%(title)s' is opnieuw open voor indiening.",
                       "The call '%(title)s' is open for submissions again."))
START_REVIEW = CallStep("start_review", Text("Beoordeling starten", "Start the review"),
                        Text("De beoordeling van '%(title)s' is gestart.", "The review of '%(title)s' has started."))
DECIDE = CallStep("decide", Text("Als beslist markeren", "Mark as decided"),
                  Text("De oproep '%(title)s' is als beslist gemarkeerd.",
                       "The call '%(title)s' has been marked as decided."))
ARCHIVE = CallStep("archive", Text("Archiveren", "Archive"),
                   Text("De oproep '%(title)s' is gearchiveerd.", "The call '%(title)s' has been archived."))


@dataclass(frozen=True)
class CallState(StateRecord):
    """A call status. `transitions` is derived from `steps` (target -> who may take the step)."""

    steps: Mapping[CallStep, CallStatus] = field(default_factory=dict)  # verb -> target, in the page's order
    editable_rules: bool = False  # the rules may be changed (with an audited unlock once applications are in)
    public: bool = True  # everyone may see the call's page; a draft only the agency
    listed: bool = False  # the public list of calls shows it (archived calls drop out of it)
    accepting_submissions: bool = False  # applications can be submitted (between the call's dates)
    submissions_closed: bool = False  # the submission period is over, whatever the dates say

    def __post_init__(self) -> None:
        if self.transitions:
            raise ValueError("A call state's transitions come from its steps; give steps, not transitions.")
        targets = list(self.steps.values())
        if len(set(targets)) != len(targets):
            raise ValueError("Two steps of one call state lead to the same status.")
        object.__setattr__(self, "steps", MappingProxyType(dict(self.steps)))
        object.__setattr__(self, "transitions", MappingProxyType(
            {target: step.by for step, target in self.steps.items()}))

    def step(self, verb: str) -> CallStep | None:
        return next((step for step in self.steps if step.verb == verb), None)


S = CallStatus

CALL_STATES: StateMachine[CallStatus, CallState] = StateMachine(CallStatus, {
    S.DRAFT: CallState(
        "ontwerp", "draft", badge="badge-warn", public=False, editable_rules=True,
        steps={PUBLISH: S.PUBLISHED, ARCHIVE: S.ARCHIVED}),
    S.PUBLISHED: CallState(
        "gepubliceerd", "published", badge="badge-ok", editable_rules=True, listed=True,
        accepting_submissions=True,
        steps={CLOSE: S.CLOSED}),
    S.CLOSED: CallState(
        "afgesloten", "closed", editable_rules=True, listed=True, submissions_closed=True,
        steps={REOPEN: S.PUBLISHED, START_REVIEW: S.UNDER_REVIEW}),
    S.UNDER_REVIEW: CallState(
        "in beoordeling", "under review", listed=True, submissions_closed=True,
        steps={DECIDE: S.DECIDED}),
    S.DECIDED: CallState(
        "beslist", "decided", listed=True, submissions_closed=True,
        steps={ARCHIVE: S.ARCHIVED}),
    S.ARCHIVED: CallState(
        "gearchiveerd", "archived", submissions_closed=True),
})


# --------------------------------------------------------------------------- derived from the records


def _verbs() -> tuple[dict[str, CallStep], dict[str, CallStatus]]:
    """Each verb with its step and its target; a verb must mean the same step wherever it is offered."""
    steps: dict[str, CallStep] = {}
    targets: dict[str, CallStatus] = {}
    for _status, record in CALL_STATES.items():
        for step, target in record.steps.items():
            if steps.setdefault(step.verb, step) != step or targets.setdefault(step.verb, target) != target:
                raise ValueError(f"The verb {step.verb!r} means two different steps.")
    return steps, targets


# Every verb the views accept, and the status it leads to (the same from whichever status it starts).
CALL_STEPS, CALL_ACTIONS = _verbs()
CALL_ACTION_LABELS: dict[str, Text] = {verb: step.label for verb, step in CALL_STEPS.items()}
CALL_STATUS_LABELS: dict[CallStatus, Text] = {s: Text(r.label_nl, r.label_en) for s, r in CALL_STATES.items()}
CALL_TRANSITIONS: dict[CallStatus, frozenset[CallStatus]] = {s: r.targets for s, r in CALL_STATES.items()}

# Rules can be edited in these statuses (with an audited unlock once applications are in).
EDITABLE_CALL_STATUSES = CALL_STATES.where(editable_rules=True)
PUBLIC_CALL_STATUSES = CALL_STATES.where(public=True)
LISTED_CALL_STATUSES = CALL_STATES.where(listed=True)
ACCEPTING_CALL_STATUSES = CALL_STATES.where(accepting_submissions=True)


def can_transition(current: CallStatus, target: CallStatus, actor: Actor | None = None) -> bool:
    return CALL_STATES.can(current, target, actor)


def action_allowed(action: str, current: CallStatus, actor: Actor | None = None) -> bool:
    """Is this verb a step the lifecycle allows from the current status (for this actor, if given)?

    'publish' is the first publication (from draft) and 'reopen' the way back from
    closed: both lead to published, but each is a step of its own status only.
    """
    step = CALL_STATES[current].step(action)
    return step is not None and (actor is None or actor in step.by)


def available_actions(current: CallStatus) -> list[str]:
    """The verbs allowed from the current status, in the record's order (the admin page's buttons)."""
    return [step.verb for step in CALL_STATES[current].steps]


def transition_refusal(current: CallStatus, action: str) -> str:
    """Why a verb is not possible in the current status, and what is (in the page's language)."""
    from ..i18n import _

    known = CALL_STEPS.get(action)
    label = str(known.label if known is not None else action).lower()
    sentence = _("Een oproep met status '%(status)s' kan niet: %(action)s.", status=current.label, action=label)
    allowed = [str(step.label).lower() for step in CALL_STATES[current].steps]
    if allowed:
        return sentence + " " + _("Mogelijk: %(actions)s.", actions=", ".join(allowed))
    return sentence + " " + _("Er zijn geen verdere stappen mogelijk.")
