"""The jury's tables: a panel per call, assignments, conflicts of interest and the jurors'
declarations, score sheets with their scores, reminders sent, and the jury's advice.

Automatic conflicts of interest (a juror who is a member of the applicant organisation or of a
partner organisation) are not stored: they are computed in SQL at read time from the
memberships and the partnerships (grants/jury/access.py), so they can never be out of date.
`conflicts_of_interest` holds what people decided: conflicts declared by a juror or set by an
admin, and an admin's override (with its reason) of any conflict, automatic ones included.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, enum_column, link_table
from ..extensions import db
from ..states import Text
from ..timeutil import utcnow

panel_members = link_table("panel_members", ("panel_id", "panels.id"), ("user_id", "users.id"))


class _Labelled(enum.StrEnum):
    """An enum whose members carry a Dutch and English label (LABELS, filled in below each class)."""

    @property
    def label(self) -> str:
        return str(type(self).LABELS[self])  # type: ignore[attr-defined]


class ConflictKind(_Labelled):
    OWN_ORGANISATION = "own_organisation"  # the juror is a member of the applicant organisation
    PARTNER_ORGANISATION = "partner_organisation"  # ... of a partner organisation
    PERSONAL = "personal"  # family, friendship
    PROFESSIONAL = "professional"  # colleague, client, adviser of the project
    ADMINISTRATIVE = "administrative"  # board member, mandate, involved in the file
    OTHER = "other"


ConflictKind.LABELS = {
    ConflictKind.OWN_ORGANISATION: Text("eigen organisatie", "own organisation"),
    ConflictKind.PARTNER_ORGANISATION: Text("partnerorganisatie", "partner organisation"),
    ConflictKind.PERSONAL: Text("persoonlijk", "personal"),
    ConflictKind.PROFESSIONAL: Text("professioneel", "professional"),
    ConflictKind.ADMINISTRATIVE: Text("bestuurlijk", "administrative"),
    ConflictKind.OTHER: Text("andere", "other"),
}
DECLARABLE_KINDS = (ConflictKind.PERSONAL, ConflictKind.PROFESSIONAL, ConflictKind.ADMINISTRATIVE,
                    ConflictKind.OWN_ORGANISATION, ConflictKind.PARTNER_ORGANISATION, ConflictKind.OTHER)


class ConflictSource(_Labelled):
    AUTOMATIC = "automatic"  # membership of the applicant or a partner (computed, stored only to carry an override)
    DECLARED = "declared"  # by the juror
    ADMIN = "admin"  # by the agency


ConflictSource.LABELS = {
    ConflictSource.AUTOMATIC: Text("automatisch (lidmaatschap)", "automatic (membership)"),
    ConflictSource.DECLARED: Text("gemeld door het jurylid", "declared by the juror"),
    ConflictSource.ADMIN: Text("vastgelegd door het agentschap", "set by the agency"),
}


class Recommendation(_Labelled):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


Recommendation.LABELS = {
    Recommendation.YES: Text("ja, steunen", "yes, fund it"),
    Recommendation.MAYBE: Text("misschien", "maybe"),
    Recommendation.NO: Text("nee, niet steunen", "no, do not fund it"),
}


class AdviceOutcome(_Labelled):
    AWARD = "award"
    REJECT = "reject"
    WAITLIST = "waitlist"


AdviceOutcome.LABELS = {
    AdviceOutcome.AWARD: Text("toekennen", "award"),
    AdviceOutcome.REJECT: Text("afwijzen", "reject"),
    AdviceOutcome.WAITLIST: Text("reservelijst", "waiting list"),
}


class Panel(db.Model):
    """The jury (beoordelingscommissie) of a call: its jurors, chair, deadline and quality threshold.

    Jurors per application and whether jurors see each other's sheets are columns of the call
    (calls.jurors_per_application, calls.jurors_see_other_scores)."""

    __tablename__ = "panels"
    __table_args__ = (
        sa.UniqueConstraint("call_id", name="uq_panels_call_id"),
        sa.CheckConstraint("quality_threshold IS NULL OR (quality_threshold >= 0 AND quality_threshold <= 100)",
                           name="quality_threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # An instant: at this moment and after it no sheet can be saved.
    scoring_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Points 0..100 on the ranking's scale (the weighted total); None: no threshold.
    quality_threshold: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    call = relationship("Call")
    chair = relationship("User", foreign_keys=[chair_id])
    members = relationship("User", secondary=panel_members, order_by="User.email")

    @property
    def member_ids(self) -> set[int]:
        return {m.id for m in self.members}


class Assignment(db.Model):
    """A juror who scores an application; one score sheet at most (created at the first save)."""

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
    """A conflict declared by a juror or set by an admin, or an admin's override of a conflict.

    One row per (application, juror). source AUTOMATIC rows exist only to carry an override of
    the computed membership conflict. An override (overridden_at set, with a reason) lifts the
    conflict for that pair, whatever its source."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (sa.UniqueConstraint("application_id", "user_id", name="uq_conflicts_of_interest_application_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(enum_column(ConflictKind, "conflict_kind"), default=ConflictKind.OTHER)
    source: Mapped[ConflictSource] = mapped_column(enum_column(ConflictSource, "conflict_source"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overridden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    override_reason: Mapped[str | None] = mapped_column(sa.Text)

    application = relationship("Application")
    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    overridden_by = relationship("User", foreign_keys=[overridden_by_id])

    @property
    def overridden(self) -> bool:
        return self.overridden_at is not None


class ConflictDeclaration(db.Model):
    """A juror has looked at an application's title and organisation and declared whether they
    have a conflict (a declared conflict is a ConflictOfInterest beside it). Reading and scoring
    open only after it."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "juror_id", name="uq_conflict_declarations_application_juror"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScoreSheet(db.Model):
    """A juror's scores on one application: a draft until submitted_at is set."""

    __tablename__ = "score_sheets"
    __table_args__ = (sa.UniqueConstraint("assignment_id", name="uq_score_sheets_assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")  # the overall comment
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation, "recommendation"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assignment = relationship("Assignment", back_populates="sheet")
    scores = relationship("Score", back_populates="sheet", cascade="all, delete-orphan", order_by="Score.criterion_id")

    @property
    def status(self):
        from .states import SheetStatus
        return SheetStatus.SUBMITTED if self.submitted_at is not None else SheetStatus.DRAFT

    def score_for(self, criterion_id: int) -> "Score | None":
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)


class Score(db.Model):
    __tablename__ = "scores"
    __table_args__ = (sa.UniqueConstraint("sheet_id", "criterion_id", name="uq_scores_sheet_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("score_sheets.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    sheet = relationship("ScoreSheet", back_populates="scores")


class JuryReminder(db.Model):
    """A reminder mailed to a juror with open sheets: at most one per juror, panel and (Brussels) day."""

    __tablename__ = "jury_reminders"
    __table_args__ = (
        sa.UniqueConstraint("panel_id", "juror_id", "sent_on", name="uq_jury_reminders_panel_juror_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    open_sheets: Mapped[int] = mapped_column(default=0)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class JuryAdvice(db.Model):
    """The jury's advice on an application, recorded by the chair: where the awards start from."""

    __tablename__ = "jury_advice"
    __table_args__ = (sa.UniqueConstraint("application_id", name="uq_jury_advice_application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    outcome: Mapped[AdviceOutcome] = mapped_column(enum_column(AdviceOutcome, "advice_outcome"))
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    application = relationship("Application")
    recorded_by = relationship("User")
