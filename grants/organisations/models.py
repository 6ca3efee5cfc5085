from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, enum_column
from ..extensions import db
from ..timeutil import utcnow
from .states import PartnerStatus


class OrganisationKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    OCMW = "ocmw"
    VGC = "vgc"
    VZW_DE_RAND = "vzw_de_rand"
    OTHER_LOCAL_GOVERNMENT = "other_local_government"
    NONPROFIT = "nonprofit"
    SCHOOL = "school"
    UNIVERSITY = "university"
    OTHER = "other"

    @property
    def label(self) -> str:
        from .labels import ORGANISATION_KIND_LABELS
        return str(ORGANISATION_KIND_LABELS[self.value])

    @property
    def is_local_government(self) -> bool:
        return self in LOCAL_GOVERNMENT_KINDS


LOCAL_GOVERNMENT_KINDS = frozenset({
    OrganisationKind.MUNICIPALITY, OrganisationKind.OCMW, OrganisationKind.VGC,
    OrganisationKind.VZW_DE_RAND, OrganisationKind.OTHER_LOCAL_GOVERNMENT,
})


class Organisation(db.Model):
    """A municipality (REFNIS code) or another organisation (KBO enterprise number)."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.UniqueConstraint("refnis", name="uq_organisations_refnis"),
        sa.UniqueConstraint("kbo", name="uq_organisations_kbo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "organisation_kind"))
    refnis: Mapped[str | None] = mapped_column(sa.String(5))
    kbo: Mapped[str | None] = mapped_column(sa.String(10))
    # Indexed: the lists' province filters read the distinct provinces from the index, not every row.
    province: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    place: Mapped[str | None] = mapped_column(sa.String(100))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    usual_iban: Mapped[str | None] = mapped_column(sa.String(34))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members = relationship("User", secondary="memberships", back_populates="organisations",
                           order_by="User.email", viewonly=True)

    @property
    def code(self) -> str:
        return self.refnis or self.kbo or ""

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Partnership(db.Model):
    """Several local governments applying together in one call; the lead submits and is paid."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    lead_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lead_organisation = relationship("Organisation")
    members = relationship("PartnershipMember", back_populates="partnership",
                           cascade="all, delete-orphan", lazy="selectin")


class PartnershipMember(db.Model):
    """Membership of a partnership (see states.py): an organisation is invited, then confirms or declines.

    An organisation is confirmed in at most one partnership per call: a unique index over the
    confirmed rows only, so an invitation nobody answered blocks nothing. Rows made outside the
    invitation (the lead's own row, demo data, earlier rounds) are confirmed."""

    __tablename__ = "partnership_members"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "organisation_id", name="uq_partnership_members_partnership_organisation"),
        sa.Index("uq_partnership_members_confirmed_call_organisation", "call_id", "organisation_id", unique=True,
                 sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    # Repeated from the partnership so the database itself enforces one partnership per call.
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[PartnerStatus] = mapped_column(enum_column(PartnerStatus, "partner_status"),
                                                  default=PartnerStatus.CONFIRMED, server_default="confirmed")
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def confirmed(self) -> bool:
        return self.status == PartnerStatus.CONFIRMED

    partnership = relationship("Partnership", back_populates="members")
    organisation = relationship("Organisation", lazy="joined")
