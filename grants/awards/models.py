from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, enum_column
from ..extensions import db
from ..timeutil import utcnow


class DecisionOutcome(enum.StrEnum):
    AWARDED = "awarded"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"


class Decision(db.Model):
    __tablename__ = "decisions"
    __table_args__ = (
        sa.UniqueConstraint("application_id", name="uq_decisions_application_id"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, "decision_outcome"))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application = relationship("Application")


class ProjectStatus(enum.StrEnum):
    TO_START = "to_start"  # Op te starten
    STARTED = "started"  # Opgestart
    RUNNING = "running"  # Lopende
    FINISHED = "finished"  # Afgerond


class Project(db.Model):
    """A funded application being carried out."""

    __tablename__ = "projects"
    __table_args__ = (sa.UniqueConstraint("application_id", name="uq_projects_application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    status: Mapped[ProjectStatus] = mapped_column(enum_column(ProjectStatus, "project_status"),
                                                  default=ProjectStatus.TO_START)
    awarded_amount: Mapped[Decimal] = mapped_column(Money)
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application")
