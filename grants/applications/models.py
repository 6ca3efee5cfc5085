from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..calls.rules import WaiverStatus
from ..db_types import Money, StoredFileColumns, UTCDateTime, enum_column
from ..extensions import db
from ..i18n import lazy_gettext
from ..timeutil import utcnow
from .states import ApplicationStatus


class Application(db.Model):
    """An organisation's application to a call: the lead organisation for a partnership."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.UniqueConstraint("dossier_number", name="uq_applications_dossier_number"),
        # The sequence within a call is what makes dossier numbers safe under concurrent submits.
        sa.UniqueConstraint("call_id", "dossier_sequence", name="uq_applications_call_dossier_sequence"),
        sa.CheckConstraint("requested_amount >= 0", name="requested_not_negative"),
        sa.Index("ix_applications_call_status", "call_id", "status"),
        # What the agency's list and the API list count, add up and sort a call's applications by: read from
        # this index alone, never from the wide rows (grants/applications/queries.py, the screening list).
        sa.Index("ix_applications_call_list", "call_id", "status", "dossier_number", "requested_amount",
                 "submitted_at", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    partnership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partnerships.id", ondelete="SET NULL"),
                                                      index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT)
    dossier_number: Mapped[str | None] = mapped_column(sa.String(30))
    dossier_sequence: Mapped[int | None] = mapped_column()  # 7 in TG-2017-0007, per call
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    # Sections of the form
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    problem_analysis: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    target_groups: Mapped[str] = mapped_column(sa.Text, default="")
    activities: Mapped[str] = mapped_column(sa.Text, default="")
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    priority: Mapped[int | None] = mapped_column()  # the applicant's own priority in sign-up calls
    # Financing
    requested_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    waiver: Mapped[WaiverStatus] = mapped_column(enum_column(WaiverStatus, "waiver_status"), default=WaiverStatus.NONE)
    waiver_motivation: Mapped[str] = mapped_column(sa.Text, default="")
    # Contact and payout
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    # Lifecycle
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screening_reason: Mapped[str] = mapped_column(sa.Text, default="")
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    agency_advice: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    call = relationship("Call", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    partnership = relationship("Partnership")
    budget_lines = relationship("BudgetLine", back_populates="application", order_by="BudgetLine.position",
                                cascade="all, delete-orphan")
    contributions = relationship("Contribution", back_populates="application", order_by="Contribution.id",
                                 cascade="all, delete-orphan")
    attachments = relationship("Attachment", back_populates="application", order_by="Attachment.id",
                               cascade="all, delete-orphan")
    kpi_values = relationship("ApplicationKpi", back_populates="application", cascade="all, delete-orphan")
    info_requests = relationship("InformationRequest", back_populates="application",
                                 order_by="InformationRequest.id", cascade="all, delete-orphan")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    @property
    def partner_members(self) -> list:
        """The partnership's memberships other than the lead's, whatever their status, by name."""
        if self.partnership is None:
            return []
        return sorted((m for m in self.partnership.members if m.organisation_id != self.organisation_id),
                      key=lambda m: m.organisation.name)

    @property
    def partner_organisations(self) -> list:
        """The partner organisations that confirmed, by name (an invitation is not a partnership yet)."""
        return [m.organisation for m in self.partner_members if m.confirmed]

    def unconfirmed_members_for(self, organisation_ids) -> list:
        """The invitations of this application that are addressed to these organisations."""
        from ..organisations.states import PartnerStatus
        return [m for m in self.partner_members
                if m.status == PartnerStatus.INVITED and m.organisation_id in organisation_ids]

    @property
    def unconfirmed_partners(self) -> list:
        """Invited organisations that have not confirmed yet, by name (they stop the submission)."""
        from ..organisations.states import PartnerStatus
        return [m.organisation for m in self.partner_members if m.status == PartnerStatus.INVITED]

    @property
    def open_info_request(self) -> "InformationRequest | None":
        """The latest request for more information that has not been answered yet."""
        pending = [r for r in self.info_requests if r.resubmitted_at is None]
        return pending[-1] if pending else None

    def attachments_of(self, kind: "AttachmentKind") -> list["Attachment"]:
        return [a for a in self.attachments if a.kind == kind]

    # --- figures ---------------------------------------------------------------------------

    def contribution_total(self, kind: "ContributionKind | None" = None) -> Decimal:
        return sum((c.amount for c in self.contributions if kind is None or c.kind == kind), Decimal("0.00"))

    @property
    def total_cost(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines), Decimal("0.00"))

    @property
    def own_contribution(self) -> Decimal:
        return self.contribution_total(ContributionKind.OWN_FINANCIAL) + self.contribution_total(ContributionKind.OWN_STAFF)


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(sa.String(60))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    fte: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))  # staff: share of a full-time post
    months: Mapped[int | None] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money)

    application = relationship("Application", back_populates="budget_lines")


class ContributionKind(enum.StrEnum):
    OWN_FINANCIAL = "own_financial"
    OWN_STAFF = "own_staff"
    THIRD_PARTY = "third_party"

    @property
    def text(self):
        """The label, translated when shown (a lazy string)."""
        return CONTRIBUTION_KIND_LABELS[self]

    @property
    def label(self) -> str:
        return str(CONTRIBUTION_KIND_LABELS[self])


CONTRIBUTION_KIND_LABELS = {
    ContributionKind.OWN_FINANCIAL: lazy_gettext("eigen financiële inbreng"),
    ContributionKind.OWN_STAFF: lazy_gettext("eigen personeelsinzet"),
    ContributionKind.THIRD_PARTY: lazy_gettext("bijdrage van derden"),
}


class Contribution(db.Model):
    __tablename__ = "contributions"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContributionKind] = mapped_column(enum_column(ContributionKind, "contribution_kind"))
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    amount: Mapped[Decimal] = mapped_column(Money)

    application = relationship("Application", back_populates="contributions")


class ApplicationKpi(db.Model):
    """Planned value of a call KPI, and the value confirmed in the award (reports measure against that)."""

    __tablename__ = "application_kpis"
    __table_args__ = (sa.UniqueConstraint("application_id", "kpi_id", name="uq_application_kpis_application_kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("call_kpis.id", ondelete="CASCADE"))
    planned_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    confirmed_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))

    application = relationship("Application", back_populates="kpi_values")
    kpi = relationship("CallKpi", lazy="joined")


class AttachmentKind(enum.StrEnum):
    GENERAL = "general"
    BANK_CONFIRMATION = "bank_confirmation"  # when the payout account differs from the usual one

    @property
    def text(self):
        """The label, translated when shown (a lazy string)."""
        return ATTACHMENT_KIND_LABELS[self]

    @property
    def label(self) -> str:
        return str(ATTACHMENT_KIND_LABELS[self])


ATTACHMENT_KIND_LABELS = {
    AttachmentKind.GENERAL: lazy_gettext("bijlage"),
    AttachmentKind.BANK_CONFIRMATION: lazy_gettext("bevestigingsbrief rekeningnummer"),
}


class Attachment(StoredFileColumns, db.Model):
    __tablename__ = "attachments"
    __table_args__ = (sa.UniqueConstraint("stored_name", name="uq_attachments_stored_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind, "attachment_kind"),
                                                 default=AttachmentKind.GENERAL)

    application = relationship("Application", back_populates="attachments")


class InformationRequest(db.Model):
    """The agency asks for more information: the application reopens until due_at."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str] = mapped_column(sa.Text, default="")  # the applicant's note on resubmission

    application = relationship("Application", back_populates="info_requests")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
