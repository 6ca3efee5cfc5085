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
