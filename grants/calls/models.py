from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, enum_column, link_table
from ..extensions import db
from ..i18n import _
from ..templating import render_markdown
from ..timeutil import utcnow
from .rules import (
    CofinancingKind, CofinancingRule, EligibilityRule, cost_category_label, deadline_message, describe_allowed_kinds,
    describe_report_months, submission_open,
)
from .states import CALL_STATES, CallKind, CallState, CallStatus, SelectionMode, TriggerKind

call_allowed_organisations = link_table("call_allowed_organisations", ("call_id", "calls.id"),
                                        ("organisation_id", "organisations.id"))


class Call(db.Model):
    """A project call with all of its rules."""

    __tablename__ = "calls"
    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        sa.CheckConstraint("envelope > 0", name="envelope_positive"),
        sa.CheckConstraint("max_amount > 0", name="max_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The description as safe HTML, rendered and sanitised once whenever the description is set (see
    # _render_description below), so a page view does not run Markdown and the sanitiser again.
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[CallKind] = mapped_column(enum_column(CallKind, "call_kind"))
    status: Mapped[CallStatus] = mapped_column(enum_column(CallStatus, "call_status"), default=CallStatus.DRAFT)
    selection_mode: Mapped[SelectionMode] = mapped_column(enum_column(SelectionMode, "selection_mode"))
    dossier_prefix: Mapped[str] = mapped_column(sa.String(10), default="PS")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    envelope: Mapped[Decimal] = mapped_column(Money)
    max_amount: Mapped[Decimal] = mapped_column(Money)
    max_amount_per_year: Mapped[Decimal | None] = mapped_column(Money)
    min_duration_months: Mapped[int | None] = mapped_column()
    max_duration_months: Mapped[int | None] = mapped_column()
    renewable_times: Mapped[int] = mapped_column(default=0)
    project_start: Mapped[date | None] = mapped_column(sa.Date)
    # Eligibility
    allowed_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    partnerships_allowed: Mapped[bool] = mapped_column(default=True)
    one_application_per_organisation: Mapped[bool] = mapped_column(default=True)
    # Co-financing
    cofinancing_kind: Mapped[CofinancingKind] = mapped_column(
        enum_column(CofinancingKind, "cofinancing_kind"), default=CofinancingKind.NONE)
    cofinancing_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 4))
    waiver_allowed: Mapped[bool] = mapped_column(default=False)
    eligible_cost_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Jury
    jurors_per_application: Mapped[int] = mapped_column(default=3)
    jurors_see_other_scores: Mapped[bool] = mapped_column(default=False)
    # Follow-up: months after the project start when a report is due; the final report always.
    report_months: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    # Awards: the amount committed in the budget (vastgelegd), the call's award rules, the publication.
    committed_amount: Mapped[Decimal | None] = mapped_column(Money)
    one_award_per_organisation: Mapped[bool] = mapped_column(default=False)
    partial_awards: Mapped[bool] = mapped_column(default=False)
    awards_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    awards_published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Rules are locked once an application is submitted; unlocking is an audited admin action.
    rules_unlocked_reason: Mapped[str | None] = mapped_column(sa.Text)
    rules_unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rules_unlocked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    previous_round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calls.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    criteria = relationship("Criterion", back_populates="call", order_by="Criterion.position",
                            cascade="all, delete-orphan")
    kpis = relationship("CallKpi", back_populates="call", order_by="CallKpi.position",
                        cascade="all, delete-orphan")
    tranches = relationship("PaymentTranche", back_populates="call", order_by="PaymentTranche.position",
                            cascade="all, delete-orphan")
    exclusions = relationship("CallExclusion", back_populates="call", cascade="all, delete-orphan")
    allowed_organisations = relationship("Organisation", secondary=call_allowed_organisations,
                                         order_by="Organisation.name")
    previous_round = relationship("Call", remote_side=[id])
    rules_unlocked_by = relationship("User", foreign_keys=[rules_unlocked_by_id])

    @property
    def description_markup(self) -> Markup:
        """The description for a page: the HTML stored when it was saved."""
        if self.description_html is None:  # a Call built but not yet given a description
            return render_markdown(self.description)
        return Markup(self.description_html)

    @property
    def cofinancing_rule(self) -> CofinancingRule:
        return CofinancingRule(self.cofinancing_kind, self.cofinancing_value, self.waiver_allowed)

    def eligibility_rule(self) -> EligibilityRule:
        """The call's eligibility as the pure rule (loads the allow-list and exclusions)."""
        return EligibilityRule(
            allowed_kinds=frozenset(self.allowed_kinds or ()),
            allow_list=frozenset(o.id for o in self.allowed_organisations),
            exclusions={e.organisation_id: e.reason for e in self.exclusions},
            partnerships_allowed=self.partnerships_allowed,
            one_application_per_organisation=self.one_application_per_organisation,
        )

    @property
    def state(self) -> CallState:
        return CALL_STATES[self.status]

    def is_open_at(self, now: datetime) -> bool:
        """Submissions are accepted: published, and opens_at <= now < closes_at."""
        return self.state.accepting_submissions and submission_open(self.opens_at, self.closes_at, now)

    @property
    def is_public(self) -> bool:
        """Its page is public (who may see it is grants.calls.access.can_view)."""
        return self.state.public

    def is_upcoming_at(self, now: datetime) -> bool:
        """Published, but the submission period has not started yet."""
        return self.state.accepting_submissions and now < self.opens_at

    def deadline_passed_at(self, now: datetime) -> bool:
        return now >= self.closes_at

    def deadline_message(self, now: datetime | None = None) -> str:
        """Where the submission period stands, in the page's language (Brussels time)."""
        if self.state.submissions_closed:
            return _("De indiening is afgesloten (status: %(status)s).", status=self.status.label)
        return deadline_message(self.opens_at, self.closes_at, now or utcnow())

    @property
    def rules_unlocked(self) -> bool:
        return self.rules_unlocked_at is not None

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))

    @property
    def tranche_total(self) -> Decimal:
        return sum((t.percent for t in self.tranches), Decimal(0))

    @property
    def allowed_kinds_text(self) -> str:
        return describe_allowed_kinds(self.allowed_kinds or [])

    @property
    def report_months_text(self) -> str:
        return describe_report_months(self.report_months or [])

    @property
    def cost_category_labels(self) -> list[str]:
        return [cost_category_label(code) for code in (self.eligible_cost_categories or [])]

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.title!r} {self.status}>"


@sa.event.listens_for(Call.description, "set")
def _render_description(call: Call, value: str | None, _old, _initiator) -> None:
    # Every way a description is set (the form, a preset, a duplicated round, the demo data, a factory)
    # stores its HTML beside it: rendered and sanitised once, when saved, not on every view.
    call.description_html = str(render_markdown(value))


class CallExclusion(db.Model):
    """An organisation that may not apply, with the reason (e.g. funded in the previous round)."""

    __tablename__ = "call_exclusions"
    __table_args__ = (sa.UniqueConstraint("call_id", "organisation_id", name="uq_call_exclusions_call_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(300))

    call = relationship("Call", back_populates="exclusions")
    organisation = relationship("Organisation", lazy="joined")


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (
        sa.CheckConstraint("weight > 0", name="weight_positive"),
        sa.CheckConstraint("scale_max > scale_min", name="scale_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    scale_min: Mapped[int] = mapped_column(default=0)
    scale_max: Mapped[int] = mapped_column(default=10)
    required: Mapped[bool] = mapped_column(default=True)

    call = relationship("Call", back_populates="criteria")


class CallKpi(db.Model):
    __tablename__ = "call_kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(60), default="")
    maximum: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))

    call = relationship("Call", back_populates="kpis")


class PaymentTranche(db.Model):
    __tablename__ = "payment_tranches"
    __table_args__ = (sa.CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(100))
    percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    trigger: Mapped[TriggerKind] = mapped_column(enum_column(TriggerKind, "tranche_trigger"))

    call = relationship("Call", back_populates="tranches")
