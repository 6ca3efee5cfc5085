"""The audit trail as a hash chain: a changed or removed event shows.

Every audit event stores `previous_hash`, the `hash` of the event before it (None for the first),
and its own `hash`: sha256 over a canonical JSON of its id, created_at, actor_id, action,
object_type, object_id, changes, reason and previous_hash. Changing any of those in one event
changes its hash; recomputing that hash breaks the link to the next event; removing an event breaks
the link between its neighbours. `verify()` walks the chain and names the first event where it breaks.
What the chain cannot show alone is the removal of the newest events (nothing after them refers to
them); on PostgreSQL the table also refuses UPDATE and DELETE (a trigger, see the migration
9d2e61c4a8f3), which covers that for the application's role.

Events are chained when they are flushed, whoever adds them (record(), the demo, the benchmark): a
before_flush listener takes the chain's lock, reads the newest event, and gives each new event its
id, created_at and both hashes (chain_rows does the same for a bulk Core insert). The lock keeps the chain linear under concurrent requests:
PostgreSQL takes a transaction-level advisory lock, so one transaction at a time appends until it
commits; SQLite has one writer at a time, and a no-op UPDATE takes that write lock *before* the
newest event is read. Rows written with other Core statements bypass this and show as breaks.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..timeutil import utcnow
from .models import AuditEvent

# Any fixed 64-bit number: the advisory lock of the audit chain (PostgreSQL).
CHAIN_LOCK_KEY = 0x61756469745F6368  # "audit_ch"
_CLOCK = "grants_audit_clock"


# --------------------------------------------------------------------------- the hash (pure)


def _instant(value: datetime) -> str:
    if value.tzinfo is None:  # stored naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(*, id: int, created_at: datetime, actor_id: int | None, action: str, object_type: str,
              object_id: int, changes: Any, reason: str | None, previous_hash: str | None) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8, the instant in UTC to the microsecond."""
    content = {"id": id, "created_at": _instant(created_at), "actor_id": actor_id, "action": action,
               "object_type": object_type, "object_id": object_id,
               "changes": json.loads(json.dumps(changes if changes is not None else {})),
               "reason": reason, "previous_hash": previous_hash}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


def hash_of(event: AuditEvent, previous_hash: str | None) -> str:
    return content_hash(id=event.id, created_at=event.created_at, actor_id=event.actor_id, action=event.action,
                        object_type=event.object_type, object_id=event.object_id, changes=event.changes,
                        reason=event.reason, previous_hash=previous_hash)


# --------------------------------------------------------------------------- chaining new events


def take_chain_lock(connection) -> None:
    """Only one transaction at a time appends to the chain, from here until it ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    else:  # SQLite: take the database's write lock now, before the newest event is read
        connection.execute(sa.text("UPDATE audit_events SET id = id WHERE id = (SELECT max(id) FROM audit_events)"))


def _next_id(connection, last_id: int) -> int:
    if connection.dialect.name == "postgresql":
        return connection.scalar(sa.text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))"))
    return last_id + 1


@contextmanager
def dated(clock: Callable[[], datetime]) -> Iterator[None]:
    """Events flushed inside get their created_at from `clock` (the demo replays the past with it)."""
    from ..extensions import db
    saved = db.session.info.get(_CLOCK)
    db.session.info[_CLOCK] = clock
    try:
        yield
    finally:
        if saved is None:
            db.session.info.pop(_CLOCK, None)
        else:
            db.session.info[_CLOCK] = saved


def chain_rows(connection, rows: list[dict]) -> list[dict]:
    """For a bulk Core insert into audit_events (the benchmark's executemany): the rows with id,
    previous_hash and hash filled in, after taking the chain's lock on `connection`. Insert them on
    the same connection in the same transaction."""
    if not rows:
        return rows
    take_chain_lock(connection)
    last = connection.execute(sa.text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")).first()
    last_id, previous = (last[0], last[1]) if last is not None else (0, None)
    if connection.dialect.name == "postgresql":
        ids = connection.scalars(sa.text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) "
                                         "FROM generate_series(1, :n)"), {"n": len(rows)}).all()
    else:
        ids = list(range(last_id + 1, last_id + 1 + len(rows)))
    chained = []
    for new_id, row in zip(sorted(ids), rows):
        values = {"reason": None, "actor_id": None, "changes": {}, "created_at": utcnow(), **row, "id": new_id}
        values["previous_hash"] = previous
        values["hash"] = previous = content_hash(
            id=new_id, created_at=values["created_at"], actor_id=values["actor_id"], action=values["action"],
            object_type=values["object_type"], object_id=values["object_id"], changes=values["changes"],
            reason=values["reason"], previous_hash=values["previous_hash"])
        chained.append(values)
    return chained


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, flush_context, instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda obj: sa.inspect(obj).insert_order)
    connection = session.connection()
    take_chain_lock(connection)
    last = connection.execute(sa.text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")).first()
    last_id, previous = (last[0], last[1]) if last is not None else (0, None)
    clock = session.info.get(_CLOCK) or utcnow
    for obj in new:
        obj.id = _next_id(connection, last_id)
        last_id = obj.id
        if obj.created_at is None:
            obj.created_at = clock() or utcnow()
        if obj.changes is None:
            obj.changes = {}
        obj.previous_hash = previous
        obj.hash = previous = hash_of(obj, previous)


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int  # events checked
    event_id: int | None = None  # the first event where the chain breaks
    problem: str = ""


def verify(session: Session, *, batch: int = 1000) -> Verdict:
    """Walk the chain in id order; the first event whose content or link does not match."""
    table = AuditEvent.__table__
    columns = [table.c.id, table.c.created_at, table.c.actor_id, table.c.action, table.c.object_type,
               table.c.object_id, table.c.changes, table.c.reason, table.c.previous_hash, table.c.hash]
    previous_hash, previous_id, count, after = None, None, 0, None
    while True:
        query = sa.select(*columns).order_by(table.c.id).limit(batch)
        if after is not None:
            query = query.where(table.c.id > after)
        rows = session.execute(query).all()
        if not rows:
            return Verdict(True, count)
        for row in rows:
            count += 1
            if row.previous_hash != previous_hash:
                where = f"after event {previous_id}" if previous_id is not None else "at the start of the chain"
                return Verdict(False, count, row.id,
                               f"event {row.id}: its link to the event before it does not match: an event "
                               f"{where} was removed or changed")
            expected = content_hash(id=row.id, created_at=row.created_at, actor_id=row.actor_id, action=row.action,
                                    object_type=row.object_type, object_id=row.object_id, changes=row.changes,
                                    reason=row.reason, previous_hash=row.previous_hash)
            if row.hash != expected:
                return Verdict(False, count, row.id, f"event {row.id}: its content was changed after it was recorded")
            previous_hash, previous_id = row.hash, row.id
        after = rows[-1].id
