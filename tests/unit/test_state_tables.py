"""Every state machine is complete: one record per state, labels in Dutch and English, transitions
to states that exist and that someone may take, every state reachable from the initial one.

A machine added to MACHINES (and an enum with a label table added to LABEL_TABLES) is checked by
every test here; nothing else needs to change.
"""
from __future__ import annotations

import enum
import re
from collections import deque
from dataclasses import dataclass, fields

import pytest

from grants.applications.states import APPLICATION_STATES, ApplicationStatus
from grants.calls.states import (
    CALL_KIND_LABELS, CALL_STATES, SELECTION_MODE_LABELS, TRIGGER_LABELS, CallKind, CallStatus, SelectionMode,
    TriggerKind,
)
from grants.states import Actor, StateMachine, Text


@dataclass(frozen=True)
class Machine:
    name: str
    machine: StateMachine
    initial: enum.Enum
    # States that cannot be reached from the initial one on purpose; say why beside each.
    unreachable: frozenset = frozenset()


MACHINES = [
    Machine("call", CALL_STATES, CallStatus.DRAFT),
    Machine("application", APPLICATION_STATES, ApplicationStatus.DRAFT),
]

# Enums whose members carry a label pair (Text) instead of a state record.
LABEL_TABLES = [
    ("call kind", CallKind, CALL_KIND_LABELS),
    ("selection mode", SelectionMode, SELECTION_MODE_LABELS),
    ("payment trigger", TriggerKind, TRIGGER_LABELS),
]

BADGES = {"", "badge-ok", "badge-warn", "badge-err"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

machines = pytest.mark.parametrize("m", MACHINES, ids=[m.name for m in MACHINES])


def _texts(record) -> dict[str, Text]:
    """Every sentence a record carries in both languages (next steps, verbs' labels and messages)."""
    found = {f.name: getattr(record, f.name) for f in fields(record) if isinstance(getattr(record, f.name), Text)}
    for step in getattr(record, "steps", {}):
        found.update({f"{step.verb}.{f.name}": getattr(step, f.name) for f in fields(step)
                      if isinstance(getattr(step, f.name), Text)})
    return found


@machines
def test_the_machine_reports_no_problems(m):
    assert m.machine.problems() == []


@machines
def test_every_state_has_exactly_one_record(m):
    assert set(m.machine.records) == set(m.machine.states)
    assert len(m.machine.records) == len(m.machine.states)


@machines
def test_every_label_is_given_in_both_languages_and_tells_the_states_apart(m):
    for state, record in m.machine.items():
        assert record.label_nl.strip() and record.label_en.strip(), state
        assert record.labels == {"nl": record.label_nl, "en": record.label_en}
    for language in ("nl", "en"):
        labels = [record.labels[language] for _, record in m.machine.items()]
        assert len(set(labels)) == len(labels), f"two {m.name} states share the {language} label"


@machines
def test_every_sentence_of_a_record_has_both_languages_with_the_same_placeholders(m):
    for state, record in m.machine.items():
        for name, text in _texts(record).items():
            assert bool(text.nl.strip()) == bool(text.en.strip()), f"{state!r}.{name}: one language is missing"
            assert set(PLACEHOLDER.findall(text.nl)) == set(PLACEHOLDER.findall(text.en)), f"{state!r}.{name}"


@machines
def test_badges_are_the_known_ones(m):
    assert {record.badge for _, record in m.machine.items()} <= BADGES


@machines
def test_every_transition_leads_to_a_state_of_the_machine_and_someone_may_take_it(m):
    states = set(m.machine.states)
    for state, record in m.machine.items():
        for target, who in record.transitions.items():
            assert target in states, f"{state!r} -> {target!r}"
            assert who and all(isinstance(actor, Actor) for actor in who), f"{state!r} -> {target!r}"


@machines
def test_every_state_is_reachable_from_the_initial_one(m):
    reached, queue = {m.initial}, deque([m.initial])
    while queue:
        for target in m.machine[queue.popleft()].targets:
            if target not in reached:
                reached.add(target)
                queue.append(target)
    assert set(m.machine.states) - reached == set(m.unreachable)


@pytest.mark.parametrize(("name", "members", "labels"), LABEL_TABLES, ids=[t[0] for t in LABEL_TABLES])
def test_every_member_of_a_labelled_enum_has_a_label_in_both_languages(name, members, labels):
    assert set(labels) == set(members)
    for member in members:
        text = labels[member]
        assert isinstance(text, Text) and text.nl.strip() and text.en.strip(), member
        assert member.label == text.nl  # outside a request: Dutch
    assert len({labels[m].nl for m in members}) == len(labels) == len({labels[m].en for m in members})
