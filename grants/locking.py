"""Row locks for the few steps that must not run twice at the same time (submit, start).

A check such as "is this application still a draft?" only holds if nobody can change the answer
between the check and the write. So the check is made after taking the row's write lock:

- PostgreSQL: ``SELECT ... FOR UPDATE`` on the row; a concurrent transaction waits until this one
  ends and then reads what it committed.
- SQLite: a database has one writer at a time. A no-op ``UPDATE`` of the row takes that write lock
  (the busy timeout makes the others wait for it), and every read after it sees the latest commit.

Either way the object is then read again from the database, so the caller checks the current state,
not the one loaded at the start of the request.
"""
from __future__ import annotations

import sqlalchemy as sa

from .extensions import db


def lock_for_update(obj) -> None:
    """Take the write lock on `obj`'s row for the rest of the transaction and reload it."""
    table = obj.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(table.c.id).where(table.c.id == obj.id).with_for_update())
    else:
        # Plain SQL: a Core update() would also fill in the columns' onupdate values.
        db.session.execute(sa.text(f"UPDATE {table.name} SET id = id WHERE id = :id"), {"id": obj.id})
    db.session.refresh(obj)
