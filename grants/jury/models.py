from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

panel_members = sa.Table(
    "panel_members",
    db.metadata,
    sa.Column("panel_id", sa.ForeignKey("panels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Panel(db.Model):
    """The jury (beoordelingscommissie) of a call."""

    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))

    members = relationship("User", secondary=panel_members, order_by="User.email")


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("application_id", "juror_id", name="uq_assignments_application_juror"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    panel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panels.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application")
    juror = relationship("User")
    sheet = relationship("ScoreSheet", back_populates="assignment", uselist=False, cascade="all, delete-orphan")


class ConflictOfInterest(db.Model):
    """A juror who may not see or score an application (declared, or found through membership)."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (sa.UniqueConstraint("application_id", "user_id", name="uq_conflicts_of_interest_application_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(sa.String(20))  # declared, membership, admin
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScoreSheet(db.Model):
    __tablename__ = "score_sheets"
    __table_args__ = (sa.UniqueConstraint("assignment_id", name="uq_score_sheets_assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assignment = relationship("Assignment", back_populates="sheet")
    scores = relationship("Score", back_populates="sheet", cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "scores"
    __table_args__ = (sa.UniqueConstraint("sheet_id", "criterion_id", name="uq_scores_sheet_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("score_sheets.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    sheet = relationship("ScoreSheet", back_populates="scores")
