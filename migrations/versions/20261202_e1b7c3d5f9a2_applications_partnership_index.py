"""ix_applications_partnership_id: what an applicant may see is "own organisation OR a partnership it
is in"; without this index the OR made every applicant query (home, projects, decisions) scan the
applications table, with it the database unions two index searches

Revision ID: e1b7c3d5f9a2
Revises: 9d2e61c4a8f3
Create Date: 2026-12-02 06:30:00

"""
from alembic import op


revision = 'e1b7c3d5f9a2'
down_revision = '9d2e61c4a8f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_partnership_id'), ['partnership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_partnership_id'))
