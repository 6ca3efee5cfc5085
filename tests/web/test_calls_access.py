"""Who may see and run a call: each predicate of grants.calls.access agrees with its SQL twin, and
the pages load through them (a draft is a 404 for everyone but the agency)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from grants.calls import access
from grants.calls.models import Call
from grants.calls.states import CallStatus
from grants.extensions import db


@pytest.fixture
def population(factory):
    calls = [factory.call(status=status) for status in CallStatus]
    users = [AnonymousUserMixin(), None] + [factory.user(role) for role in ("applicant", "juror", "admin")]
    db.session.commit()
    return calls, users


@pytest.mark.parametrize("name", sorted(access.PREDICATES))
def test_every_predicate_selects_what_it_answers(population, name):
    calls, users = population
    predicate, twin = access.PREDICATES[name]
    for user in users:
        expected = {c.id for c in calls if predicate(user, c)}
        selected = set(db.session.scalars(sa.select(Call.id).where(twin(user))))
        assert selected == expected, f"{name} for {getattr(user, 'role', user)}"


def test_the_public_page_of_a_draft_is_a_404_except_for_the_agency(factory, client, logged_in):
    draft = factory.call(status=CallStatus.DRAFT, title="Nog geheime oproep")
    published = factory.call(title="Open oproep")
    db.session.commit()
    assert client.get(f"/calls/{draft.id}").status_code == 404
    assert client.get(f"/calls/{published.id}").status_code == 200
    applicant, _ = logged_in("applicant")
    assert applicant.get(f"/calls/{draft.id}").status_code == 404
    applicant.logout()
    admin, _ = logged_in("admin")
    response = admin.get(f"/calls/{draft.id}")
    assert response.status_code == 200 and "Nog geheime oproep" in response.get_data(as_text=True)
