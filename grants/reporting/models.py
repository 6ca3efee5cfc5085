from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, enum_column
from ..extensions import db
from ..timeutil import utcnow


class ReportKind(enum.StrEnum):
    INTERIM = "interim"
    FINAL = "final"


class ReportStatus(enum.StrEnum):
    DUE = "due"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Report(db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "report_kind"))
    due_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"), default=ReportStatus.DUE)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    realised_cost: Mapped[Decimal | None] = mapped_column(Money)
    realised_own_contribution: Mapped[Decimal | None] = mapped_column(Money)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")

    project = relationship("Project")
    kpi_values = relationship("KpiValue", back_populates="report", cascade="all, delete-orphan")


class KpiValue(db.Model):
    """A reported KPI value, measured against the value confirmed in the award."""

    __tablename__ = "kpi_values"
    __table_args__ = (sa.UniqueConstraint("report_id", "kpi_id", name="uq_kpi_values_report_kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"))
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("call_kpis.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    motivation: Mapped[str] = mapped_column(sa.Text, default="")  # required where the KPI is missed

    report = relationship("Report", back_populates="kpi_values")


class PaymentKind(enum.StrEnum):
    ADVANCE = "advance"
    BALANCE = "balance"
    RECLAIM = "reclaim"


class Payment(db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    tranche_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_tranches.id", ondelete="SET NULL"))
    kind: Mapped[PaymentKind] = mapped_column(enum_column(PaymentKind, "payment_kind"))
    amount: Mapped[Decimal] = mapped_column(Money)
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Extension(db.Model):
    """A project extended (for the same amount) after a new dossier."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    new_end_date: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
