"""A partner's membership of a partnership: one record per status (labels, badge, transitions).

The lead organisation invites a partner; until a member of the partner organisation confirms, the
partner is "invited": it blocks nothing (it may apply itself or join another partnership of the
call), and it sees only the invitation, not the application. A confirmed partner reads the
application and may leave it until it is submitted; the lead cannot submit while a partner has not
confirmed. A declined invitation stays visible to the lead, who may invite again or remove it.
Only confirmed memberships count for "one partnership per organisation per call" (the database
holds that rule with a unique index over confirmed rows).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from ..states import Actor, StateMachine, StateRecord


class PartnerStatus(enum.StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return PARTNER_STATES[self].label

    @property
    def badge(self) -> str:
        return PARTNER_STATES[self].badge


@dataclass(frozen=True)
class PartnerState(StateRecord):
    binding: bool = False  # counts as being in the partnership (one per call, sees the application)


P = PartnerStatus
PARTNER_STATES: StateMachine[PartnerStatus, PartnerState] = StateMachine(PartnerStatus, {
    P.INVITED: PartnerState("uitgenodigd", "invited", "badge-warn",
                            transitions={P.CONFIRMED: frozenset({Actor.PARTNER}),
                                         P.DECLINED: frozenset({Actor.PARTNER})}),
    P.CONFIRMED: PartnerState("bevestigd", "confirmed", "badge-ok", binding=True),
    P.DECLINED: PartnerState("geweigerd", "declined", "badge-err",
                             transitions={P.INVITED: frozenset({Actor.APPLICANT})}),
})
