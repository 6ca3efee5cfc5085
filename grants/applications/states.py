"""Application statuses: one record per status (labels, badge, transitions and who takes them,
flags, next steps). Everything else about statuses is derived from APPLICATION_STATES."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from ..states import Actor, StateMachine, StateRecord, Text


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
    def record(self) -> "ApplicationState":
        return APPLICATION_STATES[self]

    @property
    def label(self) -> str:
        return APPLICATION_STATES[self].label


@dataclass(frozen=True)
class ApplicationState(StateRecord):
    editable: bool = False  # the applicant may change it (within the call's or the request's deadline)
    handed_in: bool = True  # submitted at least once: the agency's screening list shows it
    decided: bool = False  # the agency decided on the award
    next_step: Text = Text("", "")  # for the applicant
    agency_step: Text = Text("", "")  # for the agency

    @property
    def withdrawable(self) -> bool:
        """Withdrawing is possible until a decision: wherever a transition to withdrawn leaves."""
        return ApplicationStatus.WITHDRAWN in self.transitions


S = ApplicationStatus
A, ADMIN, SYSTEM = Actor.APPLICANT, Actor.ADMIN, Actor.SYSTEM
BY_APPLICANT = frozenset({A})
BY_ADMIN = frozenset({ADMIN})

APPLICATION_STATES: StateMachine[ApplicationStatus, ApplicationState] = StateMachine(ApplicationStatus, {
    S.DRAFT: ApplicationState(
        "in voorbereiding", "in preparation", editable=True, handed_in=False,
        transitions={S.SUBMITTED: BY_APPLICANT, S.WITHDRAWN: BY_APPLICANT},
        next_step=Text("Vul de aanvraag aan en dien ze in vóór %(date)s om %(time)s.",
                       "Complete the application and submit it before %(date)s at %(time)s."),
        agency_step=Text("Nog niet ingediend: de aanvrager werkt eraan.",
                         "Not submitted yet: the applicant is working on it.")),
    S.SUBMITTED: ApplicationState(
        "ingediend", "submitted",
        transitions={S.ADMISSIBLE: BY_ADMIN, S.INADMISSIBLE: BY_ADMIN, S.INFO_REQUESTED: BY_ADMIN,
                     S.WITHDRAWN: BY_APPLICANT},
        next_step=Text("Ingediend. Het agentschap onderzoekt of de aanvraag ontvankelijk is.",
                       "Submitted. The agency is checking whether the application is admissible."),
        agency_step=Text("Onderzoek de ontvankelijkheid, of vraag aanvullende informatie.",
                         "Check admissibility, or ask for additional information.")),
    S.INFO_REQUESTED: ApplicationState(
        "aanvullende informatie gevraagd", "additional information requested", badge="badge-warn", editable=True,
        transitions={S.SUBMITTED: BY_APPLICANT, S.WITHDRAWN: BY_APPLICANT, S.INADMISSIBLE: BY_ADMIN},
        next_step=Text("Vul de gevraagde informatie aan en dien opnieuw in vóór %(date)s om %(time)s.",
                       "Add the information requested and submit again before %(date)s at %(time)s."),
        agency_step=Text("Wacht op de aanvulling van de aanvrager, tot %(date)s om %(time)s.",
                         "Waiting for the applicant's additions, until %(date)s at %(time)s.")),
    S.ADMISSIBLE: ApplicationState(
        "ontvankelijk", "admissible", badge="badge-ok",
        transitions={S.UNDER_REVIEW: BY_ADMIN, S.AWARDED: BY_ADMIN, S.REJECTED: BY_ADMIN, S.WAITLISTED: BY_ADMIN,
                     S.INADMISSIBLE: BY_ADMIN, S.WITHDRAWN: BY_APPLICANT},
        next_step=Text("Ontvankelijk. De aanvraag wordt beoordeeld; u hoort de beslissing van het agentschap.",
                       "Admissible. The application is being assessed; the agency will let you know its decision."),
        agency_step=Text("Geef advies en laat de aanvraag beoordelen door de jury, of beslis.",
                         "Give advice and have the jury assess the application, or decide.")),
    S.INADMISSIBLE: ApplicationState(
        "onontvankelijk", "inadmissible", badge="badge-err",
        transitions={S.ADMISSIBLE: BY_ADMIN},  # the agency may revise its screening
        next_step=Text("Onontvankelijk verklaard door het agentschap.", "Declared inadmissible by the agency."),
        agency_step=Text("Onontvankelijk; u kunt de screening herzien.", "Inadmissible; you may revise the screening.")),
    S.UNDER_REVIEW: ApplicationState(
        "in beoordeling door de jury", "under review by the jury",
        transitions={S.AWARDED: BY_ADMIN, S.REJECTED: BY_ADMIN, S.WAITLISTED: BY_ADMIN, S.WITHDRAWN: BY_APPLICANT},
        next_step=Text("De jury beoordeelt de aanvraag.", "The jury is assessing the application."),
        agency_step=Text("De jury beoordeelt; beslis na de rangschikking.",
                         "The jury is assessing; decide after the ranking.")),
    S.AWARDED: ApplicationState(
        "toegekend", "awarded", badge="badge-ok", decided=True,
        transitions={S.RUNNING: frozenset({ADMIN, SYSTEM})},
        next_step=Text("Toegekend. Het agentschap bezorgt u de toekenning en de afspraken over de opvolging.",
                       "Awarded. The agency will send you the award and the follow-up arrangements."),
        agency_step=Text("Toegekend: start het project op.", "Awarded: start the project.")),
    S.REJECTED: ApplicationState(
        "afgewezen", "rejected", badge="badge-err", decided=True,
        next_step=Text("Niet toegekend.", "Not awarded."),
        agency_step=Text("Afgewezen.", "Rejected.")),
    S.WAITLISTED: ApplicationState(
        "op de reservelijst", "on the waiting list", badge="badge-warn",
        transitions={S.AWARDED: BY_ADMIN, S.REJECTED: BY_ADMIN},
        next_step=Text("Op de reservelijst: u hoort of er nog middelen vrijkomen.",
                       "On the waiting list: you will hear whether funds become available."),
        agency_step=Text("Op de reservelijst: ken toe als er middelen vrijkomen, of wijs af.",
                         "On the waiting list: award if funds become available, or reject.")),
    S.RUNNING: ApplicationState(
        "project loopt", "project running", badge="badge-ok", decided=True,
        transitions={S.CLOSED: BY_ADMIN},
        next_step=Text("Het project loopt: rapporteer volgens de afspraken.",
                       "The project is running: report as agreed."),
        agency_step=Text("Het project loopt: volg de verslagen en betalingen op.",
                         "The project is running: follow up reports and payments.")),
    S.CLOSED: ApplicationState(
        "afgesloten", "closed", decided=True,
        next_step=Text("Afgesloten.", "Closed."), agency_step=Text("Afgesloten.", "Closed.")),
    S.WITHDRAWN: ApplicationState(
        "ingetrokken", "withdrawn", badge="badge-err",
        next_step=Text("Ingetrokken.", "Withdrawn."), agency_step=Text("Ingetrokken door de aanvrager.",
                                                                          "Withdrawn by the applicant.")),
})

# Derived views of the records, for code that asks one question often.
APPLICATION_TRANSITIONS = {state: record.targets for state, record in APPLICATION_STATES.items()}
EDITABLE_STATUSES = APPLICATION_STATES.where(editable=True)
DECIDED_STATUSES = APPLICATION_STATES.where(decided=True)
WITHDRAWABLE_STATUSES = APPLICATION_STATES.where(withdrawable=True)
HANDED_IN_STATUSES = APPLICATION_STATES.where(handed_in=True)
SCREENING_OUTCOMES = frozenset({S.ADMISSIBLE, S.INADMISSIBLE})


def can_transition(current: ApplicationStatus, target: ApplicationStatus, actor: Actor | None = None) -> bool:
    return APPLICATION_STATES.can(current, target, actor)


def refusal_message(current: ApplicationStatus, target: ApplicationStatus) -> str:
    """Dutch (or English) message for a transition the records do not allow."""
    from ..i18n import _
    return _("Een aanvraag met status '%(current)s' kan niet naar '%(target)s' gaan.",
             current=current.label, target=target.label)
