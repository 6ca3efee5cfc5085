"""One record per state: the shared shape of every state machine (call, application, score sheet,
decision, project, report, payment).

A machine is plain data: for each value of its enum one record with its label in Dutch and in
English, its badge, the transitions that leave it (and who may take each), and the flags that
templates, rules and the API ask about (editable, withdrawable, ...). Everything else (lists of
editable statuses, label dicts) is derived from the records, never kept beside them.
`StateMachine.problems()` is what the completeness tests call.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

E = TypeVar("E", bound=enum.Enum)


class Actor(enum.StrEnum):
    """Who takes a transition."""

    APPLICANT = "applicant"  # a member of the lead organisation (or of the funded project's organisation)
    PARTNER = "partner"  # a member of a partner organisation
    ADMIN = "admin"  # the agency's staff
    JUROR = "juror"
    CHAIR = "chair"  # the jury's chair
    SYSTEM = "system"  # the clock or another part (a deadline passing, a report approved)


def current_language() -> str:
    """'nl' or 'en': the language of the page being rendered (Dutch outside a request)."""
    from flask import has_request_context
    if not has_request_context():
        return "nl"
    from flask_babel import get_locale
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "nl"


@dataclass(frozen=True)
class Text:
    """A sentence in both languages, with %(name)s placeholders filled by `format`."""

    nl: str
    en: str

    def __str__(self) -> str:
        return self.en if current_language() == "en" else self.nl

    def __html__(self) -> str:  # Jinja escapes it like any string
        from markupsafe import escape
        return str(escape(str(self)))

    def format(self, **values: Any) -> str:
        return str(self) % values if values else str(self)


@dataclass(frozen=True)
class StateRecord:
    label_nl: str
    label_en: str
    badge: str = ""  # "", "badge-ok", "badge-warn", "badge-err"
    transitions: Mapping[Any, frozenset[Actor]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.label_en if current_language() == "en" else self.label_nl

    @property
    def labels(self) -> dict[str, str]:
        return {"nl": self.label_nl, "en": self.label_en}

    @property
    def targets(self) -> frozenset:
        return frozenset(self.transitions)

    def flags(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in {"label_nl", "label_en", "badge", "transitions"}}


R = TypeVar("R", bound=StateRecord)


class StateMachine(Generic[E, R]):
    def __init__(self, states: type[E], records: Mapping[E, R]):
        self.states = states
        self.records: dict[E, R] = dict(records)

    def __getitem__(self, state: E) -> R:
        return self.records[state]

    def __iter__(self) -> Iterator[E]:
        return iter(self.states)

    def items(self) -> Iterable[tuple[E, R]]:
        return ((state, self.records[state]) for state in self.states)

    def where(self, **flags: Any) -> frozenset[E]:
        """The states whose records have these flag values, e.g. where(editable=True)."""
        return frozenset(s for s, r in self.records.items() if all(getattr(r, k) == v for k, v in flags.items()))

    def can(self, current: E, target: E, actor: Actor | None = None) -> bool:
        who = self.records[current].transitions.get(target)
        return who is not None and (actor is None or actor in who)

    def labels(self) -> dict[E, str]:
        return {state: self.records[state].label for state in self.states}

    def problems(self) -> list[str]:
        """What is missing or inconsistent (empty when complete): for the completeness tests."""
        found = []
        for state in self.states:
            record = self.records.get(state)
            if record is None:
                found.append(f"{state!r} has no record")
                continue
            if not record.label_nl.strip() or not record.label_en.strip():
                found.append(f"{state!r} lacks a Dutch or English label")
            for target, who in record.transitions.items():
                if target not in self.records:
                    found.append(f"{state!r} -> {target!r}: unknown target")
                if not who:
                    found.append(f"{state!r} -> {target!r}: nobody may take it")
                if target == state:
                    found.append(f"{state!r} -> itself")
        for state in self.records:
            if state not in set(self.states):
                found.append(f"record for {state!r} is not a state")
        return found
