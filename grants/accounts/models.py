from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import UTCDateTime, enum_column, link_table
from ..extensions import db
from ..states import Text
from ..timeutil import utcnow


def hash_password(password: str) -> str:
    """A salted hash with the configured method (PASSWORD_HASH_METHOD; scrypt outside the tests)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    JUROR = "juror"
    ADMIN = "admin"

    @property
    def text(self) -> Text:
        """The label in both languages; shown in the language of the page."""
        return ROLE_LABELS[self]

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


# One record per role, like the state records: the label in Dutch and in English.
ROLE_LABELS = {
    Role.APPLICANT: Text("aanvrager", "applicant"),
    Role.JUROR: Text("jurylid", "juror"),
    Role.ADMIN: Text("dossierbeheerder ABB", "ABB case officer"),
}


memberships = link_table("memberships", ("user_id", "users.id"), ("organisation_id", "organisations.id"))


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("email", name="uq_users_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The session generation: part of every session and remember-me cookie (get_id). A new value
    # ends every session of the user on the server: logout, log out everywhere, a password change,
    # deactivation and a reset of the second factor set one. It also voids older reset links.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    # The second factor (TOTP, RFC 6238). A secret without totp_enabled_at is an enrolment not yet
    # confirmed with a code; totp_last_step is the time step of the last accepted code (no replay).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    organisations = relationship("Organisation", secondary=memberships, back_populates="members",
                                 order_by="Organisation.name", lazy="selectin")
    recovery_codes = relationship("RecoveryCode", back_populates="user", cascade="all, delete-orphan",
                                  order_by="RecoveryCode.id")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """A new session generation: every session and remember-me cookie of this user stops working."""
        import secrets
        self.session_token = secrets.token_hex(16)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None and self.totp_enabled_at is not None

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def organisation_ids(self) -> set[int]:
        return {o.id for o in self.organisations}

    @property
    def display_name(self) -> str:
        return self.name or self.email


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor (a lost phone); only its hash is stored."""

    __tablename__ = "recovery_codes"
    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", back_populates="recovery_codes")


class LoginThrottle(db.Model):
    """Failed logins for one e-mail address from one client, in the database so every worker sees them.

    Keyed by address and client together: five failures lock that address for that client only,
    so nobody can lock another person out by failing on purpose from somewhere else."""

    __tablename__ = "login_throttles"
    __table_args__ = (sa.UniqueConstraint("email", "client", name="uq_login_throttles_email_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    client: Mapped[str] = mapped_column(sa.String(64))  # the remote address (an IPv6 address fits)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """A bearer token for the read-only API; only its hash is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")


class MailMessage(db.Model):
    """Outgoing mail, kept so a failed delivery can be retried and audited."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
