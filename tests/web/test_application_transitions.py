"""Every status transition of an application, allowed or refused, through the audited operation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from grants.applications.operations import ApplicationError, transition_application
from grants.applications.states import APPLICATION_TRANSITIONS, ApplicationStatus as S
from grants.audit.models import AuditEvent
from grants.extensions import db

from tests.support.applications import complete_application

PAIRS = [(current, target) for current in S for target in S if current != target]


@pytest.fixture
def application(factory):
    return complete_application(factory.call(), factory.organisation("Gent", refnis="44021"))


@pytest.mark.parametrize("current, target", PAIRS, ids=[f"{c.value}->{t.value}" for c, t in PAIRS])
def test_transition(application, factory, current, target):
    admin = factory.user(role="admin")
    application.status = current
    db.session.commit()
    version = application.version
    if target in APPLICATION_TRANSITIONS[current]:
        transition_application(application, target, admin, reason="test")
        db.session.commit()
        assert application.status == target and application.version > version
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.status"))
        assert event.changes == {"status": [current.value, target.value]} and event.actor_id == admin.id
        assert (application.withdrawn_at is not None) == (target == S.WITHDRAWN)
    else:
        with pytest.raises(ApplicationError) as refused:
            transition_application(application, target, admin)
        assert str(refused.value) == (f"Een aanvraag met status '{current.label}' kan niet naar "
                                      f"'{target.label}' gaan.")
        db.session.rollback()
        db.session.refresh(application)
        assert application.status == current and application.version == version
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "application.status")) == 0


def test_the_same_status_again_is_refused_with_its_own_message(application, factory):
    with pytest.raises(ApplicationError, match="De aanvraag heeft al de status 'in voorbereiding'."):
        transition_application(application, S.DRAFT, factory.user(role="admin"))
