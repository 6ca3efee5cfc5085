"""The call lifecycle in one place: which verbs are allowed from which status, and the Dutch refusals."""
import pytest

from grants.calls.states import (
    ACCEPTING_CALL_STATUSES, CALL_ACTION_LABELS, CALL_ACTIONS, CALL_STATES, CALL_STATUS_LABELS, CALL_STEPS,
    CALL_TRANSITIONS, EDITABLE_CALL_STATUSES, LISTED_CALL_STATUSES, PUBLIC_CALL_STATUSES, CallState, CallStatus,
    action_allowed, available_actions, can_transition, transition_refusal,
)
from grants.states import Actor

S = CallStatus


@pytest.mark.parametrize(("status", "actions"), [
    (S.DRAFT, ["publish", "archive"]),
    (S.PUBLISHED, ["close"]),
    (S.CLOSED, ["reopen", "start_review"]),
    (S.UNDER_REVIEW, ["decide"]),
    (S.DECIDED, ["archive"]),
    (S.ARCHIVED, []),
])
def test_available_actions(status, actions):
    assert available_actions(status) == actions


def test_every_allowed_transition_has_a_verb_and_every_verb_is_a_transition():
    reachable = {(s, CALL_ACTIONS[a]) for s in S for a in available_actions(s)}
    allowed = {(s, t) for s, targets in CALL_TRANSITIONS.items() for t in targets}
    assert reachable == allowed
    for status, target in allowed:
        assert can_transition(status, target)


@pytest.mark.parametrize(("action", "status"), [
    ("publish", S.CLOSED),  # back to published from closed is 'reopen', a different decision
    ("reopen", S.DRAFT),
    ("decide", S.CLOSED),
    ("nonsense", S.DRAFT),
])
def test_refused_verbs(action, status):
    assert not action_allowed(action, status)


def test_refusals_name_the_status_and_what_is_possible():
    assert transition_refusal(S.PUBLISHED, "decide") == (
        "Een oproep met status 'gepubliceerd' kan niet: als beslist markeren. Mogelijk: indiening afsluiten.")
    assert transition_refusal(S.ARCHIVED, "reopen") == (
        "Een oproep met status 'gearchiveerd' kan niet: opnieuw openen. Er zijn geen verdere stappen mogelijk.")


# --------------------------------------------------------------------------- the records behind it


def test_the_flags_of_the_records():
    assert EDITABLE_CALL_STATUSES == {S.DRAFT, S.PUBLISHED, S.CLOSED}
    assert PUBLIC_CALL_STATUSES == set(S) - {S.DRAFT}
    assert ACCEPTING_CALL_STATUSES == {S.PUBLISHED}
    assert LISTED_CALL_STATUSES == {S.PUBLISHED, S.CLOSED, S.UNDER_REVIEW, S.DECIDED}
    assert CALL_STATES.where(submissions_closed=True) == {S.CLOSED, S.UNDER_REVIEW, S.DECIDED, S.ARCHIVED}


def test_publish_and_reopen_are_different_steps_to_the_same_status():
    assert CALL_ACTIONS["publish"] == CALL_ACTIONS["reopen"] == S.PUBLISHED
    assert CALL_STATES[S.DRAFT].step("publish") is not None and CALL_STATES[S.DRAFT].step("reopen") is None
    assert CALL_STATES[S.CLOSED].step("reopen") is not None and CALL_STATES[S.CLOSED].step("publish") is None


def test_only_the_agency_takes_the_steps():
    for status in S:
        for action in available_actions(status):
            assert action_allowed(action, status, Actor.ADMIN)
            assert not action_allowed(action, status, Actor.APPLICANT)
            assert can_transition(status, CALL_ACTIONS[action], Actor.ADMIN)
            assert not can_transition(status, CALL_ACTIONS[action], Actor.JUROR)


def test_labels_and_messages_of_the_verbs():
    assert [str(CALL_ACTION_LABELS[a]) for a in available_actions(S.CLOSED)] == ["Opnieuw openen",
                                                                              "Beoordeling starten"]
    assert CALL_STEPS["publish"].done.format(title="Lokale regierol 2027") == (
        "De oproep 'Lokale regierol 2027' is gepubliceerd.")
    assert S.UNDER_REVIEW.label == "in beoordeling" and CALL_STATUS_LABELS[S.UNDER_REVIEW].en == "under review"


def test_a_state_record_takes_steps_not_hand_written_transitions():
    with pytest.raises(ValueError):
        CallState("x", "x", transitions={S.CLOSED: frozenset({Actor.ADMIN})})
    with pytest.raises(ValueError):  # two verbs from one status to the same target: which one is meant?
        CallState("x", "x", steps={CALL_STEPS["publish"]: S.PUBLISHED, CALL_STEPS["reopen"]: S.PUBLISHED})
