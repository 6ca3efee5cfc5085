"""The call lifecycle in one place: which verbs are allowed from which status, and the Dutch refusals."""
import pytest

from grants.calls.states import (
    CALL_ACTIONS, CALL_TRANSITIONS, CallStatus, action_allowed, available_actions, can_transition, transition_refusal,
)

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
