from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import UTCDateTime, enum_column
from ..extensions import db
from ..states import Text
from ..timeutil import utcnow


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


memberships = sa.Table(
    "memberships",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


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
    # Changes whenever the password changes: ends other sessions and old reset links.
    session_token: Mapped[str] = mapped_column(sa.String(64))

    organisations = relationship("Organisation", secondary=memberships, back_populates="members",
                                 order_by="Organisation.name", lazy="selectin")

    def set_password(self, password: str) -> None:
        import secrets
        self.password_hash = generate_password_hash(password)
        self.session_token = secrets.token_hex(16)

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


class LoginThrottle(db.Model):
    """Failed logins per e-mail address, in the database so every worker sees them."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
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
