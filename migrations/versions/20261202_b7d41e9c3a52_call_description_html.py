"""calls.description_html: the description rendered and sanitised once, when saved

Revision ID: b7d41e9c3a52
Revises: 7af1cabf822b
Create Date: 2026-12-02 01:30:00

Existing calls get their HTML here, with the same renderer the application uses on save
(grants.templating.render_markdown: Markdown, then nh3 with the allowed tags).
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41e9c3a52'
down_revision = '7af1cabf822b'
branch_labels = None
depends_on = None


def upgrade():
    from grants.templating import render_markdown

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_html', sa.Text(), nullable=True))
    calls = sa.table('calls', sa.column('id', sa.Integer()), sa.column('description', sa.Text()),
                     sa.column('description_html', sa.Text()))
    connection = op.get_bind()
    for call_id, description in connection.execute(sa.select(calls.c.id, calls.c.description)).all():
        connection.execute(calls.update().where(calls.c.id == call_id)
                           .values(description_html=str(render_markdown(description))))
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('description_html', existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('description_html')
