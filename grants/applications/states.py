"""Application statuses and their allowed transitions, in one place (pure)."""
from __future__ import annotations

import enum


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"  # reopened for the applicant until a date
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    UNDER_REVIEW = "under_review"
    AWARDED = "awarded"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"
    RUNNING = "running"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return APPLICATION_STATUS_LABELS[self]


APPLICATION_STATUS_LABELS = {
    ApplicationStatus.DRAFT: "in voorbereiding",
    ApplicationStatus.SUBMITTED: "ingediend",
    ApplicationStatus.INFO_REQUESTED: "aanvullende informatie gevraagd",
    ApplicationStatus.ADMISSIBLE: "ontvankelijk",
    ApplicationStatus.INADMISSIBLE: "onontvankelijk",
    ApplicationStatus.UNDER_REVIEW: "in beoordeling door de jury",
    ApplicationStatus.AWARDED: "toegekend",
    ApplicationStatus.REJECTED: "afgewezen",
    ApplicationStatus.WAITLISTED: "op de reservelijst",
    ApplicationStatus.RUNNING: "project loopt",
    ApplicationStatus.CLOSED: "afgesloten",
    ApplicationStatus.WITHDRAWN: "ingetrokken",
}

S = ApplicationStatus
APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ADMISSIBLE, S.INADMISSIBLE, S.INFO_REQUESTED, S.WITHDRAWN}),
    S.INFO_REQUESTED: frozenset({S.SUBMITTED, S.WITHDRAWN, S.INADMISSIBLE}),
    S.ADMISSIBLE: frozenset({S.UNDER_REVIEW, S.AWARDED, S.REJECTED, S.WAITLISTED, S.INADMISSIBLE, S.WITHDRAWN}),
    S.INADMISSIBLE: frozenset({S.ADMISSIBLE}),  # the agency may revise its screening
    S.UNDER_REVIEW: frozenset({S.AWARDED, S.REJECTED, S.WAITLISTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.AWARDED, S.REJECTED}),
    S.AWARDED: frozenset({S.RUNNING}),
    S.REJECTED: frozenset(),
    S.RUNNING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# The applicant may edit only these; everything else is frozen.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.INFO_REQUESTED})
DECIDED_STATUSES = frozenset({S.AWARDED, S.REJECTED, S.RUNNING, S.CLOSED})


def can_transition(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in APPLICATION_TRANSITIONS[current]


# Withdrawing is possible until a decision: wherever the table allows it.
WITHDRAWABLE_STATUSES = frozenset(s for s, targets in APPLICATION_TRANSITIONS.items() if S.WITHDRAWN in targets)
# What the agency's screening may decide, from where (the table is the authority).
SCREENING_OUTCOMES = frozenset({S.ADMISSIBLE, S.INADMISSIBLE})
# Statuses in which the application has been handed in (the screening list and the API show these first).
HANDED_IN_STATUSES = frozenset(set(ApplicationStatus) - {S.DRAFT})

STATUS_BADGES = {
    S.DRAFT: "", S.SUBMITTED: "", S.INFO_REQUESTED: "badge-warn", S.ADMISSIBLE: "badge-ok",
    S.INADMISSIBLE: "badge-err", S.UNDER_REVIEW: "", S.AWARDED: "badge-ok", S.REJECTED: "badge-err",
    S.WAITLISTED: "badge-warn", S.RUNNING: "badge-ok", S.CLOSED: "", S.WITHDRAWN: "badge-err",
}


def refusal_message(current: ApplicationStatus, target: ApplicationStatus) -> str:
    """Dutch message for a transition the table does not allow."""
    return (f"Een aanvraag met status '{current.label}' kan niet naar '{target.label}' gaan.")
