"""security: partner consent, per-client login throttles, rate-limit counters, second factor

- partnership_members: a status (invited / confirmed / declined) with the moments of invitation and
  answer. "One partnership per call" now counts confirmed memberships only: the unique constraint
  over (call, organisation) becomes a unique index over the confirmed rows, and an organisation is
  in one partnership at most once. Partners of applications still in preparation were added without
  their consent: they become "invited" and have to confirm; partners of handed-in applications stay
  confirmed. Downgrading removes the memberships that were not confirmed (the old constraint cannot
  hold several invitations of one organisation in a call).
- login_throttles: keyed by address and client (was: by address alone). The counters are transient,
  so the table is recreated, not converted.
- rate_limit_counters: Flask-Limiter's counters in the database (grants/ratelimit.py).
- users: the TOTP secret, when it was switched on, and the last accepted time step; recovery_codes.

Revision ID: 5e3c7a91d2b4
Revises: c4f2a8d19e07
Create Date: 2026-12-02 00:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e3c7a91d2b4'
down_revision = 'c4f2a8d19e07'
branch_labels = None
depends_on = None

CONFIRMED = sa.text("status = 'confirmed'")


def _old_login_throttles():
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )


def upgrade():
    op.create_table('rate_limit_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counters'))
    )
    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counters_expires_at'), ['expires_at'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name='uq_recovery_codes_user_code')
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.drop_table('login_throttles')
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('email', 'client', name='uq_login_throttles_email_client')
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_email'), ['email'], unique=False)

    with op.batch_alter_table('partnership_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('invited', 'confirmed', 'declined', name='partner_status', native_enum=False, create_constraint=True, length=32), server_default='confirmed', nullable=False))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint('uq_partnership_members_call_organisation', type_='unique')
        batch_op.create_unique_constraint('uq_partnership_members_partnership_organisation', ['partnership_id', 'organisation_id'])
        batch_op.create_index(batch_op.f('ix_partnership_members_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_partnership_members_confirmed_call_organisation', ['call_id', 'organisation_id'], unique=True, sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)

    # Partners of applications in preparation never consented: they are invited now.
    op.execute(sa.text(
        "UPDATE partnership_members SET status = 'invited', invited_at = CURRENT_TIMESTAMP "
        "WHERE organisation_id <> (SELECT p.lead_organisation_id FROM partnerships p "
        "                          WHERE p.id = partnership_members.partnership_id) "
        "AND partnership_id IN (SELECT a.partnership_id FROM applications a "
        "                       WHERE a.status = 'draft' AND a.partnership_id IS NOT NULL)"))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')

    op.execute(sa.text("DELETE FROM partnership_members WHERE status <> 'confirmed'"))
    # The partial index names the status column: gone before the table is rebuilt without it.
    op.drop_index('uq_partnership_members_confirmed_call_organisation', table_name='partnership_members')
    with op.batch_alter_table('partnership_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_members_organisation_id'))
        batch_op.drop_constraint('uq_partnership_members_partnership_organisation', type_='unique')
        batch_op.create_unique_constraint('uq_partnership_members_call_organisation', ['call_id', 'organisation_id'])
        batch_op.drop_constraint(op.f('ck_partnership_members_partner_status'), type_='check')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('status')

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_email'))
    op.drop_table('login_throttles')
    _old_login_throttles()

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counters_expires_at'))
    op.drop_table('rate_limit_counters')
