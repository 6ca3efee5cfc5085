"""Factories for test objects: sensible defaults, every field overridable."""
from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from grants.accounts.models import Role, User
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind
from grants.timeutil import utcnow

_seq = itertools.count(1)


class Factory:
    PASSWORD = "correct-horse-42"

    def organisation(self, name=None, kind=OrganisationKind.MUNICIPALITY, refnis=None, kbo=None, **kwargs):
        n = next(_seq)
        if kind == OrganisationKind.MUNICIPALITY and refnis is None:
            refnis = f"9{n:04d}"
        org = Organisation(name=name or f"Organisatie {n}", kind=kind, refnis=refnis, kbo=kbo,
                           province=kwargs.pop("province", "Oost-Vlaanderen"), **kwargs)
        db.session.add(org)
        db.session.flush()
        return org

    def user(self, role="applicant", email=None, organisations=(), password=None, **kwargs):
        n = next(_seq)
        user = User(email=email or f"user{n}@example.be", name=kwargs.pop("name", f"Gebruiker {n}"),
                    role=Role(role), active=kwargs.pop("active", True), **kwargs)
        user.set_password(password or self.PASSWORD)
        user.organisations = list(organisations)
        db.session.add(user)
        db.session.flush()
        return user

    def call(self, **kwargs):
        """A published counter-voices-like call open now (override anything)."""
        from grants.calls.models import Call, Criterion
        from grants.calls.rules import CofinancingKind
        from grants.calls.states import CallKind, CallStatus, SelectionMode
        now = utcnow()
        criteria = kwargs.pop("criteria", None)
        values = dict(
            title=f"Oproep {next(_seq)}", description="Een **testoproep**.", kind=CallKind.COUNTER_VOICES,
            status=CallStatus.PUBLISHED, selection_mode=SelectionMode.COMPETITIVE, dossier_prefix="TG",
            opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20),
            envelope=Decimal("500000.00"), max_amount=Decimal("50000.00"), max_duration_months=24,
            allowed_kinds=["municipality", "nonprofit", "school", "university", "other_local_government"],
            cofinancing_kind=CofinancingKind.NONE, eligible_cost_categories=["staff", "operating"],
            report_months=[12],
        )
        values.update(kwargs)
        call = Call(**values)
        if criteria is None:
            criteria = [Criterion(position=1, name="Relevantie", weight=Decimal("60"), scale_min=0, scale_max=10),
                        Criterion(position=2, name="Haalbaarheid", weight=Decimal("40"), scale_min=0, scale_max=10)]
        call.criteria = criteria
        db.session.add(call)
        db.session.flush()
        return call
