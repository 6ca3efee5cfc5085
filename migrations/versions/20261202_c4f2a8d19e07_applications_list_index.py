"""ix_applications_call_list and ix_organisations_province: the screening and API lists of a call read
from indexes, not from the wide rows

Revision ID: c4f2a8d19e07
Revises: b7d41e9c3a52
Create Date: 2026-12-02 02:00:00

"""
from alembic import op


revision = 'c4f2a8d19e07'
down_revision = 'b7d41e9c3a52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_call_list', ['call_id', 'status', 'dossier_number',
                                                            'requested_amount', 'submitted_at', 'organisation_id'],
                              unique=False)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_province'), ['province'], unique=False)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_province'))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_call_list')
