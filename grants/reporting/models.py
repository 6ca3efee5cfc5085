"""The follow-up's tables: reports (with KPI values, a financial statement per cost category and
attachments), payments, extensions, the reminders sent, and the policy plan whose actions the
progress report to parliament is about.

A project has periods: 0 is the award itself, 1, 2, ... its extensions. Reports and payments
belong to one period, so each renewal is reported on and settled on its own.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, StoredFileColumns, UTCDateTime, enum_column
from ..extensions import db
from ..i18n import _
from ..timeutil import utcnow
from .rules import ReminderKind, due_instant
from .states import PAYMENT_STATES, REPORT_STATES, PaymentKind, PaymentStatus, ReportStatus


class ReportKind(enum.StrEnum):
    INTERIM = "interim"
    FINAL = "final"


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period_ordered"),
        sa.Index("ix_reports_status_due_date", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(default=0)  # 0: the award; n: the n-th extension
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "report_kind"))
    months: Mapped[int | None] = mapped_column()  # the interim report "after n months"
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    due_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"),
                                                 default=ReportStatus.DRAFT)
    # Sections: progress, KPIs (kpi_values), finances (cost_lines and the co-financing), attachments
    narrative: Mapped[str] = mapped_column(sa.Text, default="")  # progress made
    bottlenecks: Mapped[str] = mapped_column(sa.Text, default="")  # knelpunten en successen
    own_financial_realised: Mapped[Decimal | None] = mapped_column(Money)
    own_staff_realised: Mapped[Decimal | None] = mapped_column(Money)
    third_party_realised: Mapped[Decimal | None] = mapped_column(Money)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The final settlement as computed when the final report was approved (lines, due, balance, reclaim).
    settlement: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    project = relationship("Project", back_populates="reports")
    kpi_values = relationship("KpiValue", back_populates="report", cascade="all, delete-orphan")
    cost_lines = relationship("ReportCostLine", back_populates="report", cascade="all, delete-orphan",
                              order_by="ReportCostLine.position")
    attachments = relationship("ReportAttachment", back_populates="report", cascade="all, delete-orphan",
                               order_by="ReportAttachment.id")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    @property
    def state(self):
        return REPORT_STATES[self.status]

    @property
    def is_final(self) -> bool:
        return self.kind == ReportKind.FINAL

    @property
    def label(self) -> str:
        """'Tussentijds verslag na 6 maanden', 'Eindverslag', 'Eindverslag verlenging 1'."""
        if self.kind == ReportKind.FINAL:
            text = _("Eindverslag")
        else:
            text = _("Tussentijds verslag na %(months)s maanden", months=self.months)
        if self.period:
            text = _("%(report)s (verlenging %(number)s)", report=text, number=self.period)
        return text

    @property
    def due_at(self) -> datetime:
        return due_instant(self.due_date)

    def overdue_at(self, now: datetime) -> bool:
        return self.state.editable and now > self.due_at

    @property
    def spent_total(self) -> Decimal | None:
        spent = [line.spent for line in self.cost_lines if line.spent is not None]
        return sum(spent, Decimal("0.00")) if spent else None

    @property
    def own_realised(self) -> Decimal | None:
        parts = [v for v in (self.own_financial_realised, self.own_staff_realised) if v is not None]
        return sum(parts, Decimal("0.00")) if parts else None


class KpiValue(db.Model):
    """A reported KPI value, measured against the value confirmed in the award."""

    __tablename__ = "kpi_values"
    __table_args__ = (sa.UniqueConstraint("report_id", "kpi_id", name="uq_kpi_values_report_kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"))
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("call_kpis.id", ondelete="CASCADE"))
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    motivation: Mapped[str] = mapped_column(sa.Text, default="")  # required where the KPI is missed

    report = relationship("Report", back_populates="kpi_values")


class ReportCostLine(db.Model):
    """The financial statement: per eligible cost category what was budgeted and what was spent."""

    __tablename__ = "report_cost_lines"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "category", name="uq_report_cost_lines_report_category"),
        sa.CheckConstraint("spent IS NULL OR spent >= 0", name="spent_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(sa.String(60))
    budgeted: Mapped[Decimal] = mapped_column(Money)
    spent: Mapped[Decimal | None] = mapped_column(Money)

    report = relationship("Report", back_populates="cost_lines")


class ReportAttachment(StoredFileColumns, db.Model):
    __tablename__ = "report_attachments"
    __table_args__ = (sa.UniqueConstraint("stored_name", name="uq_report_attachments_stored_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)

    report = relationship("Report", back_populates="attachments")


class Payment(db.Model):
    """One tranche of an award (or a reclaim), with its status in the payment register."""

    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.Index("ix_payments_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    tranche_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_tranches.id", ondelete="SET NULL"))
    kind: Mapped[PaymentKind] = mapped_column(enum_column(PaymentKind, "payment_kind"))
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "payment_status"),
                                                  default=PaymentStatus.PLANNED)
    amount: Mapped[Decimal] = mapped_column(Money)
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # paid out, or repaid for a reclaim
    settled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    project = relationship("Project", back_populates="payments")

    @property
    def state(self):
        return PAYMENT_STATES[self.status]

    @property
    def is_reclaim(self) -> bool:
        return self.kind == PaymentKind.RECLAIM


class Extension(db.Model):
    """A renewal of the project for another period, for the same or a new amount, after a new dossier."""

    __tablename__ = "extensions"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "number", name="uq_extensions_project_number"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()  # 1 for the first extension: the period it opens
    dossier: Mapped[str] = mapped_column(sa.String(60), default="")  # the new dossier's reference
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    previous_end_date: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    budget_total: Mapped[Decimal] = mapped_column(Money)  # the budget of the new dossier
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project = relationship("Project", back_populates="extensions")
    approved_by = relationship("User", foreign_keys=[approved_by_id])


class ReportReminder(db.Model):
    """A reminder sent about a report. The unique key makes a second send of the same kind impossible,
    also when two runs of send-reminders overlap: the later insert finds the row and sends nothing."""

    __tablename__ = "report_reminders"
    __table_args__ = (sa.UniqueConstraint("report_id", "kind", name="uq_report_reminders_report_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind, "reminder_kind"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[str] = mapped_column(sa.Text, default="")


# --------------------------------------------------------------------------- the policy plan


class PolicyPlan(db.Model):
    """A plan of the Flemish government whose actions are reported on to parliament (e.g. the action
    plan against violent radicalisation and polarisation of 2017)."""

    __tablename__ = "policy_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actions = relationship("PolicyAction", back_populates="plan", cascade="all, delete-orphan",
                           order_by="[PolicyAction.position, PolicyAction.id]")


class PolicyAction(db.Model):
    """One action of a plan, with who is responsible for it; calls are linked to it."""

    __tablename__ = "policy_actions"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number", name="uq_policy_actions_plan_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("policy_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(sa.String(20))  # "14.2"
    title: Mapped[str] = mapped_column(sa.Text)
    ministers: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    domains: Mapped[str] = mapped_column(sa.Text, default="")  # policy domains, one per line
    stakeholders: Mapped[str] = mapped_column(sa.Text, default="")  # other stakeholders, one per line
    # Set where the status should not follow the projects (an action without calls of its own).
    status_override: Mapped[str | None] = mapped_column(sa.String(20))

    plan = relationship("PolicyPlan", back_populates="actions")
    call_links = relationship("PolicyActionCall", back_populates="action", cascade="all, delete-orphan",
                              order_by="PolicyActionCall.id")

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    @property
    def minister_list(self) -> list[str]:
        return self._lines(self.ministers)

    @property
    def domain_list(self) -> list[str]:
        return self._lines(self.domains)

    @property
    def stakeholder_list(self) -> list[str]:
        return self._lines(self.stakeholders)


class PolicyActionCall(db.Model):
    """A call linked to the action of a plan it carries out; a call belongs to at most one action."""

    __tablename__ = "policy_action_calls"
    __table_args__ = (sa.UniqueConstraint("call_id", name="uq_policy_action_calls_call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("policy_actions.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))

    action = relationship("PolicyAction", back_populates="call_links")
    call = relationship("Call", lazy="joined")
