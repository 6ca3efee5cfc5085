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
