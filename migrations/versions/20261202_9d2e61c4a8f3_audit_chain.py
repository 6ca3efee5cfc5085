"""audit chain: every audit event carries the previous event's hash and its own; PostgreSQL refuses
UPDATE, DELETE and TRUNCATE on audit_events

The existing events get their hashes here, chained in id order, with the same canonical form as
grants/audit/chain.py (copied below on purpose: a migration must not change when the code does).

The trigger refuses every UPDATE and DELETE of an audit event, whoever sends it (the table's owner
can still drop the trigger; the hash chain shows what was done then). audit_events.actor_id keeps
its foreign key to users with ON DELETE SET NULL: the code never deletes users (they are
deactivated), and deleting a user who has audit events is now refused on PostgreSQL, because the
SET NULL is an UPDATE of those events. That is intended: who did what stays in the trail.

Revision ID: 9d2e61c4a8f3
Revises: 73f1215a0e27
Create Date: 2026-12-02 02:35:19.394467

"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d2e61c4a8f3'
down_revision = '73f1215a0e27'
branch_labels = None
depends_on = None


def _hash(row, previous_hash):
    created_at = row.created_at
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=timezone.utc)
    content = {"id": row.id, "created_at": created_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
               "actor_id": row.actor_id, "action": row.action, "object_type": row.object_type,
               "object_id": row.object_id, "changes": row.changes if row.changes is not None else {},
               "reason": row.reason, "previous_hash": previous_hash}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime),
                      sa.column('actor_id', sa.Integer), sa.column('action', sa.String),
                      sa.column('object_type', sa.String), sa.column('object_id', sa.Integer),
                      sa.column('changes', sa.JSON), sa.column('reason', sa.Text),
                      sa.column('previous_hash', sa.String), sa.column('hash', sa.String))
    connection = op.get_bind()
    previous, after = None, 0
    while True:
        rows = connection.execute(sa.select(events).where(events.c.id > after).order_by(events.c.id)
                                  .limit(1000)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            own = _hash(row, previous)
            updates.append({"key": row.id, "previous_hash": previous, "hash": own})
            previous = own
        connection.execute(events.update().where(events.c.id == sa.bindparam("key"))
                           .values(previous_hash=sa.bindparam("previous_hash"), hash=sa.bindparam("hash")), updates)
        after = rows[-1].id

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)

    if connection.dialect.name == "postgresql":
        op.execute(_FUNCTION)
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('previous_hash')
