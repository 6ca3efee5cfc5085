"""jury: set-up per call, conflicts as data, declarations, sheets, reminders, advice

- panels: one per call (unique), with its chair, scoring deadline and quality threshold, and a
  version column; existing panels get created_at/updated_at now and version 1.
- conflicts_of_interest: a kind, an enum source (the old 'membership' becomes 'automatic': those
  conflicts are now computed from the memberships, a stored row only carries an override), who set
  it, and an admin's override with its reason. Existing rows get kind 'other'.
- conflict_declarations: a juror declared their conflicts for an application (reading opens after it).
- score_sheets: recommendation (yes/maybe/no) and created_at (existing sheets: their updated_at).
- jury_reminders: one reminder per juror, panel and day (unique).
- jury_advice: the jury's advice per application (award/reject/waitlist, motivation).

Revision ID: 7af1cabf822b
Revises: 20374d0facc4
Create Date: 2026-12-01 23:29:37.383304

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7af1cabf822b'
down_revision = '20374d0facc4'
branch_labels = None
depends_on = None


# Functions, not shared objects: an Enum attaches its CHECK constraint to the table it is used in.
def conflict_kind():
    return sa.Enum('own_organisation', 'partner_organisation', 'personal', 'professional', 'administrative',
                   'other', name='conflict_kind', native_enum=False, create_constraint=True, length=32)


def conflict_source():
    return sa.Enum('automatic', 'declared', 'admin', name='conflict_source', native_enum=False,
                   create_constraint=True, length=32)


def recommendation():
    return sa.Enum('yes', 'maybe', 'no', name='recommendation', native_enum=False, create_constraint=True, length=32)


def advice_outcome():
    return sa.Enum('award', 'reject', 'waitlist', name='advice_outcome', native_enum=False, create_constraint=True,
                   length=32)


def upgrade():
    op.create_table('jury_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('open_sheets', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_jury_reminders_juror_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_jury_reminders_panel_id_panels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_jury_reminders_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_reminders')),
    sa.UniqueConstraint('panel_id', 'juror_id', 'sent_on', name='uq_jury_reminders_panel_juror_day')
    )
    with op.batch_alter_table('jury_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jury_reminders_juror_id'), ['juror_id'], unique=False)

    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_conflict_declarations_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_conflict_declarations_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('application_id', 'juror_id', name='uq_conflict_declarations_application_juror')
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_juror_id'), ['juror_id'], unique=False)

    op.create_table('jury_advice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('outcome', advice_outcome(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_jury_advice_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_jury_advice_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_advice')),
    sa.UniqueConstraint('application_id', name='uq_jury_advice_application_id')
    )

    # Conflicts: the computed membership conflicts are no longer stored as such.
    op.execute("UPDATE conflicts_of_interest SET source = 'automatic' WHERE source = 'membership'")
    op.execute("UPDATE conflicts_of_interest SET source = 'declared' "
               "WHERE source NOT IN ('automatic', 'declared', 'admin')")
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', conflict_kind(), nullable=False, server_default='other'))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('overridden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('overridden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('override_reason', sa.Text(), nullable=True))
        batch_op.alter_column('source', existing_type=sa.VARCHAR(length=20), type_=conflict_source(),
                              existing_nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_conflicts_of_interest_overridden_by_id_users'), 'users', ['overridden_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_conflicts_of_interest_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=conflict_kind(), existing_nullable=False, server_default=None)

    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chair_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scoring_deadline', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('quality_threshold', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_panels_call_id'))
        batch_op.create_unique_constraint('uq_panels_call_id', ['call_id'])
        batch_op.create_foreign_key(batch_op.f('fk_panels_chair_id_users'), 'users', ['chair_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            op.f('ck_panels_quality_threshold_range'),
            'quality_threshold IS NULL OR (quality_threshold >= 0 AND quality_threshold <= 100)')
    op.execute("UPDATE panels SET created_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP, version = 1")
    with op.batch_alter_table('panels', schema=None) as batch_op:
        for name, type_ in (('created_at', sa.DateTime()), ('updated_at', sa.DateTime()), ('version', sa.Integer())):
            batch_op.alter_column(name, existing_type=type_, nullable=False)

    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation', recommendation(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE score_sheets SET created_at = updated_at")
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    # The CHECK constraints of the enum columns go first (SQLite's batch copy would keep them).
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_score_sheets_recommendation'), type_='check')
        batch_op.drop_column('created_at')
        batch_op.drop_column('recommendation')

    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_panels_quality_threshold_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_panels_chair_id_users'), type_='foreignkey')
        batch_op.drop_constraint('uq_panels_call_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_panels_call_id'), ['call_id'], unique=False)
        batch_op.drop_column('version')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('created_at')
        batch_op.drop_column('quality_threshold')
        batch_op.drop_column('scoring_deadline')
        batch_op.drop_column('chair_id')

    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_conflicts_of_interest_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_conflicts_of_interest_overridden_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_conflicts_of_interest_conflict_source'), type_='check')
        batch_op.drop_constraint(op.f('ck_conflicts_of_interest_conflict_kind'), type_='check')
        batch_op.alter_column('source', existing_type=sa.VARCHAR(length=32), type_=sa.VARCHAR(length=20),
                              existing_nullable=False)
        batch_op.drop_column('override_reason')
        batch_op.drop_column('overridden_by_id')
        batch_op.drop_column('overridden_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('kind')
    op.execute("UPDATE conflicts_of_interest SET source = 'membership' WHERE source = 'automatic'")

    op.drop_table('jury_advice')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_juror_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('jury_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jury_reminders_juror_id'))

    op.drop_table('jury_reminders')
