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
    """The agency's decision on one application: award (with an amount), reject or waitlist.

    A decision is a draft until the call's awards are published (`published_at`, set for all of the
    call's decisions at once); applicants see nothing of it before. `required_own_contribution` is
    what the call's co-financing rule asks at the awarded amount (none after an accepted waiver).
    When the admin decided past a failed check, `overridden_checks` lists the checks (ProblemCode
    values) and `override_reason` says why; both appear in every export.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        sa.UniqueConstraint("application_id", name="uq_decisions_application_id"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, "decision_outcome"))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    required_own_contribution: Mapped[Decimal | None] = mapped_column(Money)
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    overridden_checks: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    overridden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    application = relationship("Application")

    @property
    def published(self) -> bool:
        return self.published_at is not None


class DecisionMailTemplate(db.Model):
    """The e-mail applicants get at publication, per outcome: the agency's default (call_id NULL) or a
    call's own wording. Subject and body are Jinja templates over the decision's facts."""

    __tablename__ = "decision_mail_templates"
    __table_args__ = (sa.UniqueConstraint("call_id", "outcome", name="uq_decision_mail_templates_call_outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, "decision_outcome"))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class Project(db.Model):
    """A published award being carried out: its dates, reports, payments and extensions.

    Created once per awarded application by grants.reporting.operations.start_project. Its status
    (Op te starten, Opgestart, Lopende, Afgerond) is not stored: it follows from the dates and the
    reports (grants.reporting.rules.project_status), so it can never be out of date. `end_date` is
    the end of the current period: an extension moves it.
    """

    __tablename__ = "projects"
    __table_args__ = (
        sa.UniqueConstraint("application_id", name="uq_projects_application_id"),
        sa.CheckConstraint("end_date >= start_date", name="ends_after_start"),
        sa.CheckConstraint("awarded_amount >= 0", name="awarded_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    awarded_amount: Mapped[Decimal] = mapped_column(Money)  # the initial award; extensions add their own
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application = relationship("Application", lazy="joined", innerjoin=True)
    reports = relationship("Report", back_populates="project", cascade="all, delete-orphan",
                           order_by="[Report.period, Report.due_date, Report.id]")
    payments = relationship("Payment", back_populates="project", cascade="all, delete-orphan",
                            order_by="[Payment.period, Payment.position, Payment.id]")
    extensions = relationship("Extension", back_populates="project", cascade="all, delete-orphan",
                              order_by="Extension.number")

    def __repr__(self) -> str:
        return f"<Project {self.id} application={self.application_id}>"
