"""Score-sheet statuses: one record per status (labels, badge, transitions and who takes them,
flags). Everything else about a sheet's status is derived from SHEET_STATES.

A sheet is *not started* until the juror's first save (no row yet), a *draft* after it, and
*submitted* once the juror hands it in; only submitted sheets count in the ranking and open the
other jurors' sheets (where the call allows it). A submitted sheet can be taken back to draft
until the scoring deadline. Whether the deadline has passed is the operations' business
(`sheet_refusal`): at the deadline and after it no transition is possible.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from ..states import Actor, StateMachine, StateRecord, Text


class SheetStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def record(self) -> "SheetState":
        return SHEET_STATES[self]

    @property
    def label(self) -> str:
        return SHEET_STATES[self].label


@dataclass(frozen=True)
class SheetState(StateRecord):
    editable: bool = True  # the juror may save it (before the deadline); a submitted sheet is reopened first
    counts: bool = False  # in the ranking, and it opens the other sheets to its juror
    open: bool = True  # still to do: reminders go to jurors with open sheets
    next_step: Text = Text("", "")  # for the juror


S = SheetStatus
BY_JUROR = frozenset({Actor.JUROR})

SHEET_STATES: StateMachine[SheetStatus, SheetState] = StateMachine(SheetStatus, {
    S.NOT_STARTED: SheetState(
        "niet begonnen", "not started",
        transitions={S.DRAFT: BY_JUROR, S.SUBMITTED: BY_JUROR},
        next_step=Text("Lees de aanvraag en geef uw scores.", "Read the application and give your scores.")),
    S.DRAFT: SheetState(
        "ontwerp", "draft", badge="badge-warn",
        transitions={S.SUBMITTED: BY_JUROR},
        next_step=Text("Vul de scores aan en dien de beoordeling in.", "Complete the scores and submit the sheet.")),
    S.SUBMITTED: SheetState(
        "ingediend", "submitted", badge="badge-ok", editable=False, counts=True, open=False,
        transitions={S.DRAFT: BY_JUROR},
        next_step=Text("Ingediend. U kunt de beoordeling tot de deadline nog heropenen.",
                       "Submitted. You can reopen the sheet until the deadline.")),
})

OPEN_STATUSES = SHEET_STATES.where(open=True)
COUNTING_STATUSES = SHEET_STATES.where(counts=True)


def sheet_status(sheet) -> SheetStatus:
    """The status of an assignment's sheet (None: not started)."""
    if sheet is None:
        return SheetStatus.NOT_STARTED
    return SheetStatus.SUBMITTED if sheet.submitted_at is not None else SheetStatus.DRAFT
