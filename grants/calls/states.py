"""Call kinds, statuses and the allowed transitions, in one place (pure)."""
from __future__ import annotations

import enum


class CallKind(enum.StrEnum):
    ACTION_PLAN = "action_plan"
    COUNTER_VOICES = "counter_voices"
    REGIE_ROLE = "regie_role"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CALL_KIND_LABELS[self]


CALL_KIND_LABELS = {
    CallKind.ACTION_PLAN: "Lokaal actieplan polarisatie",
    CallKind.COUNTER_VOICES: "Maatschappelijke tegengeluiden mobiliseren",
    CallKind.REGIE_ROLE: "Ondersteuning lokale regierol",
    CallKind.OTHER: "Andere projectoproep",
}


class SelectionMode(enum.StrEnum):
    COMPETITIVE = "competitive"  # jury ranking within the envelope
    SIGN_UP = "sign_up"  # every eligible application; applicant priorities when money runs short

    @property
    def label(self) -> str:
        return {"competitive": "competitief (jury en rangschikking)",
                "sign_up": "intekening (elke ontvankelijke aanvraag)"}[self.value]


class CallStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    UNDER_REVIEW = "under_review"
    DECIDED = "decided"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return CALL_STATUS_LABELS[self]


CALL_STATUS_LABELS = {
    CallStatus.DRAFT: "ontwerp",
    CallStatus.PUBLISHED: "gepubliceerd",
    CallStatus.CLOSED: "afgesloten",
    CallStatus.UNDER_REVIEW: "in beoordeling",
    CallStatus.DECIDED: "beslist",
    CallStatus.ARCHIVED: "gearchiveerd",
}

CALL_TRANSITIONS: dict[CallStatus, frozenset[CallStatus]] = {
    CallStatus.DRAFT: frozenset({CallStatus.PUBLISHED, CallStatus.ARCHIVED}),
    CallStatus.PUBLISHED: frozenset({CallStatus.CLOSED}),
    CallStatus.CLOSED: frozenset({CallStatus.UNDER_REVIEW, CallStatus.PUBLISHED}),
    CallStatus.UNDER_REVIEW: frozenset({CallStatus.DECIDED}),
    CallStatus.DECIDED: frozenset({CallStatus.ARCHIVED}),
    CallStatus.ARCHIVED: frozenset(),
}


def can_transition(current: CallStatus, target: CallStatus) -> bool:
    return target in CALL_TRANSITIONS[current]


class TriggerKind(enum.StrEnum):
    AWARD = "award"
    REPORT_APPROVED = "report_approved"
    FINAL_REPORT = "final_report"

    @property
    def label(self) -> str:
        return {"award": "bij toekenning", "report_approved": "na goedkeuring van een tussentijds verslag",
                "final_report": "na goedkeuring van het eindverslag"}[self.value]


# --------------------------------------------------------------------------- lifecycle actions

# The admin's verbs, each a move to one target status (the only names the views accept).
CALL_ACTIONS: dict[str, CallStatus] = {
    "publish": CallStatus.PUBLISHED,
    "close": CallStatus.CLOSED,
    "reopen": CallStatus.PUBLISHED,
    "start_review": CallStatus.UNDER_REVIEW,
    "decide": CallStatus.DECIDED,
    "archive": CallStatus.ARCHIVED,
}

CALL_ACTION_LABELS: dict[str, str] = {
    "publish": "Publiceren",
    "close": "Indiening afsluiten",
    "reopen": "Opnieuw openen",
    "start_review": "Beoordeling starten",
    "decide": "Als beslist markeren",
    "archive": "Archiveren",
}


def action_allowed(action: str, current: CallStatus) -> bool:
    """Is this verb a move the lifecycle allows from the current status?

    'publish' is the first publication (from draft) and 'reopen' the way back from
    closed: both lead to published, but they are different decisions.
    """
    target = CALL_ACTIONS.get(action)
    if target is None or not can_transition(current, target):
        return False
    if action == "publish":
        return current == CallStatus.DRAFT
    if action == "reopen":
        return current == CallStatus.CLOSED
    return True


def available_actions(current: CallStatus) -> list[str]:
    """The verbs allowed from the current status, in a stable order for the admin page."""
    return [action for action in CALL_ACTIONS if action_allowed(action, current)]


def transition_refusal(current: CallStatus, action: str) -> str:
    """Dutch explanation of why a verb is not possible in the current status."""
    label = CALL_ACTION_LABELS.get(action, action).lower()
    allowed = available_actions(current)
    sentence = f"Een oproep met status '{current.label}' kan niet: {label}."
    if allowed:
        sentence += " Mogelijk: " + ", ".join(CALL_ACTION_LABELS[a].lower() for a in allowed) + "."
    else:
        sentence += " Er zijn geen verdere stappen mogelijk."
    return sentence


# Rules can be edited in these statuses (with an audited unlock once applications are in).
EDITABLE_CALL_STATUSES = frozenset({CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.CLOSED})
