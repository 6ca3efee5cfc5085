"""The score sheet's status records (grants/jury/states.py): complete, and the rules they carry."""
from __future__ import annotations

import pytest

from grants.jury.states import COUNTING_STATUSES, OPEN_STATUSES, SHEET_STATES, SheetStatus, sheet_status
from grants.states import Actor


def test_every_status_has_a_complete_record():
    assert SHEET_STATES.problems() == []


@pytest.mark.parametrize("current, target, allowed", [
    (SheetStatus.NOT_STARTED, SheetStatus.DRAFT, True),
    (SheetStatus.NOT_STARTED, SheetStatus.SUBMITTED, True),
    (SheetStatus.DRAFT, SheetStatus.SUBMITTED, True),
    (SheetStatus.SUBMITTED, SheetStatus.DRAFT, True),  # reopened, before the deadline
    (SheetStatus.DRAFT, SheetStatus.NOT_STARTED, False),
    (SheetStatus.SUBMITTED, SheetStatus.NOT_STARTED, False),
])
def test_transitions_are_the_jurors(current, target, allowed):
    assert SHEET_STATES.can(current, target, Actor.JUROR) is allowed
    assert not SHEET_STATES.can(current, target, Actor.ADMIN)  # the agency never fills in a juror's sheet


def test_only_submitted_sheets_count_and_the_others_are_open():
    assert COUNTING_STATUSES == {SheetStatus.SUBMITTED}
    assert OPEN_STATUSES == {SheetStatus.NOT_STARTED, SheetStatus.DRAFT}
    assert not SHEET_STATES[SheetStatus.SUBMITTED].editable  # reopen it first


def test_labels_in_both_languages():
    assert SHEET_STATES[SheetStatus.DRAFT].labels == {"nl": "ontwerp", "en": "draft"}
    assert SheetStatus.NOT_STARTED.label == "niet begonnen"


class _Sheet:
    def __init__(self, submitted_at):
        self.submitted_at = submitted_at


@pytest.mark.parametrize("sheet, status", [(None, SheetStatus.NOT_STARTED), (_Sheet(None), SheetStatus.DRAFT),
                                           (_Sheet("2027-01-01"), SheetStatus.SUBMITTED)])
def test_the_status_of_a_sheet(sheet, status):
    assert sheet_status(sheet) == status
