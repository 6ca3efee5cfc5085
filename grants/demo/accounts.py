"""One demo account per role (and two municipalities), passwords as in the README."""
from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..extensions import db
from ..organisations.models import Organisation

DEMO_PASSWORD = "Samenleven-2026"

DEMO_ACCOUNTS = [
    # email, name, role, organisation codes (REFNIS or KBO)
    ("admin@abb.demo", "Ann Dossierbeheerder", Role.ADMIN, []),
    ("jury@abb.demo", "Jan Jurylid", Role.JUROR, []),
    ("jury2@abb.demo", "Fatima Jurylid", Role.JUROR, []),
    ("jury3@abb.demo", "Pieter Jurylid (Gent)", Role.JUROR, ["44021"]),  # a conflict of interest with Gent
    ("gent@gemeente.demo", "Els (Stad Gent)", Role.APPLICANT, ["44021"]),
    ("antwerpen@gemeente.demo", "Karim (Stad Antwerpen)", Role.APPLICANT, ["11002"]),
    ("vilvoorde@gemeente.demo", "Sofie (Stad Vilvoorde)", Role.APPLICANT, ["23088"]),
]


def seed_accounts() -> int:
    """Create the demo accounts that do not exist yet; never touches existing ones."""
    existing = set(db.session.scalars(sa.select(User.email)))
    created = 0
    for email, name, role, codes in DEMO_ACCOUNTS:
        if email in existing:
            continue
        user = User(email=email, name=name, role=role, active=True)
        user.set_password(DEMO_PASSWORD)
        user.organisations = list(db.session.scalars(sa.select(Organisation).where(Organisation.refnis.in_(codes))))
        db.session.add(user)
        created += 1
    db.session.flush()
    return created
