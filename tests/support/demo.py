"""The demo for tests: seeded for real once per test process and database, then copied.

Seeding the whole demo takes 3 s on SQLite and 6.5 s on PostgreSQL, and some fifty tests start
from it. The first of them in a process runs `seed_demo` itself; the rows of every table and the
files it stored are kept, and each later test gets exactly those rows and files back (one bulk
insert per table). Tests of the seeding itself (test_cli, seeding twice) still call seed_demo.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from grants.extensions import db


@dataclass
class _Snapshot:
    rows: dict[str, list[dict]]
    files: dict[str, bytes]
    messages: list[str] = field(default_factory=list)


_SNAPSHOTS: dict[str, _Snapshot] = {}


def seed_demo_once() -> list[str]:
    """The demo in this test's (empty) database; returns what seeding it printed."""
    key = db.engine.url.render_as_string(hide_password=False)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        from grants.demo import seed_demo
        messages: list[str] = []
        seed_demo(messages.append)
        db.session.commit()
        _SNAPSHOTS[key] = _take(messages)
    else:
        _restore(snapshot)
        messages = snapshot.messages
    return list(messages)


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _take(messages: list[str]) -> _Snapshot:
    with db.engine.connect() as conn:
        # In key order: a row that points to another of its table (a call's previous round) comes after it.
        rows = {table.name: [dict(row) for row in
                             conn.execute(table.select().order_by(*table.primary_key.columns)).mappings()]
                for table in db.metadata.sorted_tables}
    files = {}
    if _upload_dir().is_dir():
        for path in _upload_dir().rglob("*"):
            if path.is_file():
                files[str(path.relative_to(_upload_dir()))] = path.read_bytes()
    return _Snapshot(rows, files, list(messages))


def _restore(snapshot: _Snapshot) -> None:
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if snapshot.rows[table.name]:
                conn.execute(table.insert(), snapshot.rows[table.name])
        if conn.dialect.name == "postgresql":  # the next id after the copied ones, as after seeding
            for table in db.metadata.sorted_tables:
                key = list(table.primary_key.columns)
                if len(key) == 1 and key[0].autoincrement is not False and isinstance(key[0].type, sa.Integer) \
                        and snapshot.rows[table.name]:
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'),"
                                         f" (SELECT max({key[0].name}) FROM {table.name}))"))
    for name, content in snapshot.files.items():
        path = _upload_dir() / name
        os.makedirs(path.parent, exist_ok=True)
        path.write_bytes(content)
    db.session.expire_all()
