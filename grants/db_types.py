"""Column types shared by every part: exact money, UTC instants, enums by value, link tables."""
from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from .money import to_cents
from .timeutil import utcnow


class Money(TypeDecorator):
    """Numeric(12, 2) that always hands back a Decimal rounded to the cent."""

    impl = sa.Numeric(12, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else to_cents(value)

    def process_result_value(self, value, dialect):
        return None if value is None else to_cents(Decimal(value))


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no time zones); read back as aware UTC."""

    impl = sa.DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """An enum stored by value in a VARCHAR with a named CHECK constraint (portable)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def link_table(name: str, *links: tuple[str, str]) -> sa.Table:
    """A many-to-many link table: each (column, "table.id") a foreign key, together the primary key;
    a link goes when either end is deleted."""
    from .extensions import db
    return sa.Table(name, db.metadata, *(
        sa.Column(column, sa.ForeignKey(target, ondelete="CASCADE"), primary_key=True) for column, target in links))


class StoredFileColumns:
    """The columns of an uploaded file kept in UPLOAD_DIR (grants.applications.storage): the name the
    user gave it, the random name it is stored under, its checked type, size and hash, and who
    uploaded it when. Attachments of applications and of reports share them."""

    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def uploaded_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
