"""The history in plain language: every audit event as a sentence, its changes with the labels and
formats the pages use (amounts, Brussels time, statuses by label, lists as lists).

Each part registers what its events mean (`register_events`), what its fields are called and how
their values read (`register_fields`), and how one of its objects is named (`register_object`), in
its own `history.py`. An action nobody registered still reads as a sentence, never as a code.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from ..i18n import _
from ..money import format_eur
from ..states import Text
from ..timeutil import format_local

# Kinds of events, for the filter of the history page.
KINDS: dict[str, Text] = {
    "status": Text("Statuswijzigingen", "Status changes"),
    "content": Text("Inhoud gewijzigd", "Content changed"),
    "documents": Text("Bijlagen", "Attachments"),
    "partners": Text("Partners", "Partners"),
    "agency": Text("Beslissingen van het agentschap", "Decisions of the agency"),
    "jury": Text("Jury", "Jury"),
    "money": Text("Toekenning en betalingen", "Awards and payments"),
    "account": Text("Account en toegang", "Account and access"),
    "other": Text("Andere", "Other"),
}


@dataclass(frozen=True)
class EventText:
    sentence: Text  # with %(actor)s
    kind: str = "other"


@dataclass(frozen=True)
class FieldText:
    label: Text
    format: str = "text"  # text, money, instant, date, bool, list, number, or "status:<machine>"


_EVENTS: dict[str, EventText] = {}
_FIELDS: dict[tuple[str, str], FieldText] = {}
_OBJECTS: dict[str, tuple[Text, Callable[[int], str | None]]] = {}
_VALUE_LABELS: dict[str, Callable[[Any], str | None]] = {}


def register_events(events: dict[str, tuple[str, str, str]]) -> None:
    """{action: (Dutch sentence, English sentence, kind)}; sentences use %(actor)s."""
    for action, (nl, en, kind) in events.items():
        _EVENTS[action] = EventText(Text(nl, en), kind)


def register_fields(object_type: str, fields: dict[str, tuple[str, str, str]]) -> None:
    """{field: (Dutch label, English label, format)} of one kind of object."""
    for name, (nl, en, fmt) in fields.items():
        _FIELDS[(object_type, name)] = FieldText(Text(nl, en), fmt)


def register_object(object_type: str, noun: Text, name_of: Callable[[int], str | None]) -> None:
    """How the history page names an object: a noun ('aanvraag') and a function giving its name."""
    _OBJECTS[object_type] = (noun, name_of)


def register_values(fmt: str, label_of: Callable[[Any], str | None]) -> None:
    """A value format such as 'status:application': the stored value -> its label."""
    _VALUE_LABELS[fmt] = label_of


def enum_label(enum_cls, labels: Mapping[Any, Text] | None = None) -> Callable[[Any], str | None]:
    """A value format for a stored enum value: the member's label (`labels[member]`, or the member's own
    `.label`); None, so the raw value shows, for a value the enum does not know."""
    def label_of(value) -> str | None:
        try:
            member = enum_cls(value)
        except ValueError:
            return None
        return str(labels[member] if labels is not None else member.label)
    return label_of


def name_by_id(column) -> Callable[[int], str | None]:
    """How an object is named, for register_object: `column` (e.g. Call.title) of the row with that id."""
    def name_of(object_id: int) -> str | None:
        from ..extensions import db
        return db.session.scalar(sa.select(column).where(column.class_.id == object_id))
    return name_of


def name_by_stored_id(column) -> Callable[[Any], str | None]:
    """A value format for a stored id (a number or digits): `column` of that row; None for anything else."""
    name_of = name_by_id(column)
    return lambda value: name_of(int(value)) if str(value).isdigit() else None


def event_text(action: str) -> EventText:
    return _EVENTS.get(action) or EventText(Text("%(actor)s: " + _humanise(action), "%(actor)s: " + _humanise(action)))


def registered_actions() -> dict[str, EventText]:
    return dict(_EVENTS)


def _humanise(action: str) -> str:
    return action.split(".", 1)[-1].replace("_", " ")


def object_heading(object_type: str, object_id: int) -> str:
    noun, name_of = _OBJECTS.get(object_type, (None, None))
    name = name_of(object_id) if name_of else None
    if noun is None:
        return _("Geschiedenis van %(what)s %(id)s", what=object_type.replace("_", " "), id=object_id)
    return _("Geschiedenis van %(noun)s %(name)s", noun=str(noun), name=name or f"#{object_id}")


# --------------------------------------------------------------------------- values

_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_value(value: Any, fmt: str = "text") -> str | list[str]:
    """A stored diff value as the UI shows it; lists come back as lists of lines."""
    if value is None or value == "" or value == [] or value == {}:
        return _("(leeg)")
    label_of = _VALUE_LABELS.get(fmt)
    if isinstance(value, list) or fmt == "list":
        items = value if isinstance(value, list) else [value]
        return [(label_of(item) if label_of else None) or _line(item) for item in items]
    if isinstance(value, dict):
        lines = label_of(value) if label_of else None
        return lines or [f"{k}: {_line(v)}" for k, v in value.items()]
    if isinstance(value, bool) or fmt == "bool":
        return _("ja") if value in (True, "true", "True", 1) else _("nee")
    if label_of is not None:
        label = label_of(value)
        if label:
            return label
    if fmt == "money":
        try:
            return format_eur(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if fmt in ("instant", "text") and isinstance(value, str) and _ISO_INSTANT.match(value):
        try:
            return format_local(datetime.fromisoformat(value))
        except ValueError:
            return value
    if fmt in ("date", "text") and isinstance(value, str) and _ISO_DATE.match(value):
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    return str(value)


def _line(item: Any) -> str:
    if isinstance(item, list):
        return " · ".join(_line(part) for part in item if part not in (None, ""))
    if item is None:
        return _("(leeg)")
    if isinstance(item, bool):
        return _("ja") if item else _("nee")
    return format_value(item) if not isinstance(item, dict) else ", ".join(f"{k}: {_line(v)}" for k, v in item.items())


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Change:
    label: str
    old: str | list[str]
    new: str | list[str]
    only_new: bool  # a value that was set (no previous value worth showing)


@dataclass(frozen=True)
class DescribedEvent:
    id: int
    when: datetime
    actor: str
    sentence: str
    kind: str
    changes: list[Change]
    reason: str | None


def actor_name(user) -> str:
    if user is None:
        return _("Het systeem")
    name = user.display_name
    if getattr(user, "is_admin", False):
        return _("%(name)s (agentschap)", name=name)
    return name


def describe(event) -> DescribedEvent:
    text = event_text(event.action)
    actor = actor_name(event.actor)
    changes = []
    for name, value in (event.changes or {}).items():
        field = _FIELDS.get((event.object_type, name))
        label = str(field.label) if field else name.replace("_", " ")
        fmt = field.format if field else "text"
        # Changes are [old, new] pairs (audit.operations.diff); anything else is a value that was set.
        old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
        changes.append(Change(label, format_value(old, fmt), format_value(new, fmt), old in (None, "", [], {})))
    return DescribedEvent(event.id, event.created_at, actor, text.sentence.format(actor=actor), text.kind, changes,
                          event.reason)
