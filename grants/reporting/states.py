"""The follow-up's statuses, one record per status (grants/states.py): reports, payments and the
project's own status as the progress report to parliament names it.

Report
    A report is scheduled as a draft when the project starts. The project's organisation fills it
    in (sections save separately) and submits it; the agency approves it or asks for changes with
    remarks, which reopens it for the organisation until it is submitted again. Approved is final.

Payment
    Each tranche of the award is a payment. The advance at the award is due at once; the others
    are expected (planned) until their report is approved, then due. The agency approves a due
    payment and marks it paid. At the final settlement an expected tranche that is no longer
    owed lapses (cancelled); when more was paid than is due, a reclaim is due from the
    organisation (in a partnership, its lead), approved and then marked reclaimed once repaid.

Project
    Derived from dates and reports (grants.reporting.rules.project_status); the records carry the
    labels in both languages and the badges. An extension reopens a finished project.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from ..states import Actor, StateMachine, StateRecord, Text
from .rules import ProjectStatus

APPLICANT, ADMIN, SYSTEM = Actor.APPLICANT, Actor.ADMIN, Actor.SYSTEM
BY_APPLICANT = frozenset({APPLICANT})
BY_ADMIN = frozenset({ADMIN})
BY_SYSTEM = frozenset({SYSTEM})


# --------------------------------------------------------------------------- reports


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"

    @property
    def record(self) -> "ReportState":
        return REPORT_STATES[self]

    @property
    def label(self) -> str:
        return REPORT_STATES[self].label


@dataclass(frozen=True)
class ReportState(StateRecord):
    editable: bool = False  # the organisation may change its sections and submit
    handed_in: bool = False  # the agency has it (submitted at least once and not reopened)
    next_step: Text = Text("", "")  # for the organisation
    agency_step: Text = Text("", "")


R = ReportStatus
REPORT_STATES: StateMachine[ReportStatus, ReportState] = StateMachine(ReportStatus, {
    R.DRAFT: ReportState(
        "in voorbereiding", "in preparation", editable=True, transitions={R.SUBMITTED: BY_APPLICANT},
        next_step=Text("Vul het verslag aan en dien het in vóór %(date)s.",
                       "Complete the report and submit it before %(date)s."),
        agency_step=Text("Nog niet ingediend.", "Not submitted yet.")),
    R.SUBMITTED: ReportState(
        "ingediend", "submitted", handed_in=True,
        transitions={R.APPROVED: BY_ADMIN, R.CHANGES_REQUESTED: BY_ADMIN},
        next_step=Text("Ingediend: het agentschap beoordeelt het verslag.",
                       "Submitted: the agency is reviewing the report."),
        agency_step=Text("Keur het verslag goed of vraag aanpassingen.",
                         "Approve the report or ask for changes.")),
    R.CHANGES_REQUESTED: ReportState(
        "aanpassingen gevraagd", "changes requested", badge="badge-warn", editable=True,
        transitions={R.SUBMITTED: BY_APPLICANT},
        next_step=Text("Het agentschap vraagt aanpassingen: pas het verslag aan en dien het opnieuw in.",
                       "The agency asks for changes: adapt the report and submit it again."),
        agency_step=Text("Wacht op het aangepaste verslag.", "Waiting for the adapted report.")),
    R.APPROVED: ReportState(
        "goedgekeurd", "approved", badge="badge-ok", handed_in=True,
        next_step=Text("Goedgekeurd.", "Approved."), agency_step=Text("Goedgekeurd.", "Approved.")),
})

EDITABLE_REPORT_STATUSES = REPORT_STATES.where(editable=True)
OPEN_REPORT_STATUSES = EDITABLE_REPORT_STATUSES  # still owed by the organisation


def report_refusal(current: ReportStatus, target: ReportStatus) -> str:
    from ..i18n import _
    return _("Een verslag met status '%(current)s' kan niet naar '%(target)s' gaan.",
             current=current.label, target=target.label)


# --------------------------------------------------------------------------- payments


class PaymentStatus(enum.StrEnum):
    PLANNED = "planned"
    DUE = "due"
    APPROVED = "approved"
    PAID = "paid"
    RECLAIMED = "reclaimed"
    CANCELLED = "cancelled"

    @property
    def record(self) -> "PaymentState":
        return PAYMENT_STATES[self]

    @property
    def label(self) -> str:
        return PAYMENT_STATES[self].label


@dataclass(frozen=True)
class PaymentState(StateRecord):
    expected: bool = False  # money still to move (shown as expected to the organisation)
    settled: bool = False  # money has moved (paid out, or repaid)


P = PaymentStatus
PAYMENT_STATES: StateMachine[PaymentStatus, PaymentState] = StateMachine(PaymentStatus, {
    P.PLANNED: PaymentState("verwacht", "expected", expected=True,
                            transitions={P.DUE: BY_SYSTEM, P.CANCELLED: BY_SYSTEM}),
    P.DUE: PaymentState("verschuldigd", "due", badge="badge-warn", expected=True,
                        transitions={P.APPROVED: BY_ADMIN, P.CANCELLED: BY_SYSTEM}),
    P.APPROVED: PaymentState("goedgekeurd", "approved", expected=True,
                             transitions={P.PAID: BY_ADMIN, P.RECLAIMED: BY_ADMIN}),
    P.PAID: PaymentState("betaald", "paid", badge="badge-ok", settled=True),
    P.RECLAIMED: PaymentState("teruggevorderd", "reclaimed", badge="badge-ok", settled=True),
    P.CANCELLED: PaymentState("vervallen", "cancelled"),
})

EXPECTED_PAYMENT_STATUSES = PAYMENT_STATES.where(expected=True)


class PaymentKind(enum.StrEnum):
    ADVANCE = "advance"  # at the award
    INTERIM = "interim"  # after an approved interim report
    BALANCE = "balance"  # after the approved final report
    RECLAIM = "reclaim"  # repaid by the organisation

    @property
    def label(self) -> str:
        return str(PAYMENT_KIND_LABELS[self])


PAYMENT_KIND_LABELS: dict[PaymentKind, Text] = {
    PaymentKind.ADVANCE: Text("voorschot", "advance"),
    PaymentKind.INTERIM: Text("tussentijdse schijf", "interim tranche"),
    PaymentKind.BALANCE: Text("saldo", "balance"),
    PaymentKind.RECLAIM: Text("terugvordering", "reclaim"),
}


def payment_refusal(current: PaymentStatus, target: PaymentStatus) -> str:
    from ..i18n import _
    return _("Een betaling met status '%(current)s' kan niet naar '%(target)s' gaan.",
             current=current.label, target=target.label)


# --------------------------------------------------------------------------- the project


@dataclass(frozen=True)
class ProjectState(StateRecord):
    closed: bool = False  # no report can be submitted any more


PROJECT_STATES: StateMachine[ProjectStatus, ProjectState] = StateMachine(ProjectStatus, {
    ProjectStatus.TO_START: ProjectState("Op te starten", "To start",
                                         transitions={ProjectStatus.STARTED: BY_SYSTEM,
                                                      ProjectStatus.RUNNING: BY_SYSTEM}),
    ProjectStatus.STARTED: ProjectState("Opgestart", "Started", transitions={ProjectStatus.RUNNING: BY_SYSTEM}),
    ProjectStatus.RUNNING: ProjectState("Lopende", "Running", badge="badge-ok",
                                        transitions={ProjectStatus.FINISHED: BY_SYSTEM}),
    # An extension adds a period: the project runs again.
    ProjectStatus.FINISHED: ProjectState("Afgerond", "Finished", closed=True,
                                         transitions={ProjectStatus.RUNNING: BY_ADMIN}),
})


def project_badge(status: ProjectStatus | str) -> str:
    return PROJECT_STATES[ProjectStatus(status)].badge


__all__ = [
    "EDITABLE_REPORT_STATUSES", "EXPECTED_PAYMENT_STATUSES", "OPEN_REPORT_STATUSES", "PAYMENT_KIND_LABELS",
    "PAYMENT_STATES", "PROJECT_STATES", "REPORT_STATES", "PaymentKind", "PaymentState", "PaymentStatus",
    "ProjectState", "ProjectStatus", "ReportState", "ReportStatus", "payment_refusal", "project_badge",
    "report_refusal",
]
