"""record(): the one function every state-changing operation calls."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_login import current_user

from ..extensions import db
from . import chain as _chain  # noqa: F401  (the events are hash-chained when flushed)
from .models import AuditEvent


def _plain(value: Any) -> Any:
    """JSON-safe form of a value for the diff."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            changed[key] = [old, new]
    return changed


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _current_actor_id() -> int | None:
    try:
        return current_user.id if current_user and current_user.is_authenticated else None
    except (AttributeError, RuntimeError):  # outside a request (CLI, tests)
        return None


def record(action: str, obj: Any, changes: dict[str, Any] | None = None, *,
           actor: Any = None, reason: str | None = None) -> AuditEvent:
    """Add an audit event for obj (flushed so obj has an id). The request commits."""
    if getattr(obj, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else _current_actor_id(),
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    return event
