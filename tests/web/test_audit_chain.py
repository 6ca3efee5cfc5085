"""The tamper-evident audit trail: a hash chain that `flask verify-audit` checks, kept linear under
concurrent writers; on PostgreSQL the table refuses UPDATE and DELETE (migration 9d2e61c4a8f3)."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from grants import create_app
from grants.audit.chain import content_hash, verify
from grants.audit.models import AuditEvent
from grants.audit.operations import record
from grants.extensions import db
from grants.unit_of_work import unit_of_work

from tests.conftest import TEST_DATABASE_URL

FIELDS = dict(id=7, created_at=datetime(2017, 9, 29, 21, 59, 0, 123456, tzinfo=timezone.utc), actor_id=3,
              action="application.submit", object_type="applications", object_id=12,
              changes={"status": ["draft", "submitted"], "dossier_number": [None, "TG-2017-0007"]},
              reason=None, previous_hash="ab" * 32)


@pytest.mark.parametrize("field, other", [
    ("id", 8), ("created_at", datetime(2017, 9, 29, 21, 59, 0, 123457, tzinfo=timezone.utc)), ("actor_id", None),
    ("action", "application.withdraw"), ("object_type", "calls"), ("object_id", 13),
    ("changes", {"status": ["draft", "submitted"], "dossier_number": [None, "TG-2017-0008"]}),
    ("reason", ""), ("previous_hash", "ac" * 32),
])
def test_every_field_is_in_the_hash(field, other):
    assert content_hash(**{**FIELDS, field: other}) != content_hash(**FIELDS)


def test_the_hash_does_not_depend_on_key_order_or_the_time_zone_of_the_instant():
    from zoneinfo import ZoneInfo
    brussels = FIELDS["created_at"].astimezone(ZoneInfo("Europe/Brussels"))
    reordered = {"dossier_number": [None, "TG-2017-0007"], "status": ["draft", "submitted"]}
    assert content_hash(**{**FIELDS, "created_at": brussels, "changes": reordered}) == content_hash(**FIELDS)


def _verify(app):
    return app.test_cli_runner().invoke(args=["verify-audit"])


def _events(factory, count=5):
    call = factory.call()
    for n in range(count):
        record("call.update", call, {"title": [f"v{n}", f"v{n + 1}"]})
    db.session.commit()
    return db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()


def test_the_untouched_demo_verifies(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert total > 100
    result = _verify(app)
    assert (result.exit_code, result.output.strip()) == (0, f"OK, {total} events")


def test_each_event_links_to_the_one_before(app, factory):
    ids = _events(factory)
    rows = db.session.execute(sa.select(AuditEvent.previous_hash, AuditEvent.hash).order_by(AuditEvent.id)).all()
    assert rows[0].previous_hash is None
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
    assert len({row.hash for row in rows}) == len(ids) == 5


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="PostgreSQL refuses the UPDATE (see the trigger test)")
def test_a_changed_event_is_reported_with_its_id(app, factory):
    ids = _events(factory)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_events SET changes = :c WHERE id = :id"),
                     {"c": '{"title": ["v2", "vervalst"]}', "id": ids[3]})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {ids[3]}: event {ids[3]}: its content was changed" in result.output


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="PostgreSQL refuses the UPDATE (see the trigger test)")
def test_a_changed_event_whose_hash_was_recomputed_breaks_the_link_to_the_next(app, factory):
    ids = _events(factory)
    forged = db.session.get(AuditEvent, ids[2])
    from grants.audit.chain import hash_of
    forged.reason = "vervalst"
    new_hash = hash_of(forged, forged.previous_hash)
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_events SET reason = 'vervalst', hash = :h WHERE id = :id"),
                     {"h": new_hash, "id": ids[2]})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {ids[3]}: event {ids[3]}: its link to the event before it does not match: an event " \
           f"after event {ids[2]} was removed or changed" in result.output


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="PostgreSQL refuses the DELETE (see the trigger test)")
@pytest.mark.parametrize("position", [0, 3])
def test_a_removed_event_is_reported(app, factory, position):
    ids = _events(factory)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[position]})
    result = _verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {ids[position + 1]}:" in result.output
    assert ("at the start of the chain" if position == 0 else f"after event {ids[position - 1]}") in result.output


def test_concurrent_writers_keep_the_chain_linear(app, factory):
    call = factory.call()
    db.session.commit()
    call_id, writers, each = call.id, 8, 5
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        with app.app_context():
            try:
                barrier.wait()
                for k in range(each):
                    with unit_of_work():
                        from grants.calls.models import Call
                        record("call.update", db.session.get(Call, call_id), {"title": [n, k]})
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    verdict = verify(db.session)
    assert verdict.ok and verdict.count == writers * each, verdict


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_of_audit_events(empty_database_url):
    migrated = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with migrated.app_context():
        upgrade()
        from tests.factories import Factory
        call = Factory().call()
        record("call.update", call, {"title": ["a", "b"]})
        db.session.commit()
        for statement in ("UPDATE audit_events SET reason = 'vervalst'", "DELETE FROM audit_events",
                          "TRUNCATE audit_events"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with db.engine.begin() as conn:
                    conn.execute(sa.text(statement))
        result = migrated.test_cli_runner().invoke(args=["verify-audit"])
        assert (result.exit_code, result.output.strip()) == (0, "OK, 1 events")
        db.session.remove()
        db.engine.dispose()
