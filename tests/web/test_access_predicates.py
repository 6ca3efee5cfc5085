"""Every access predicate and its SQL twin agree, on a generated population of users and objects.

Each part's access.py names its predicates in PREDICATES ({name: (python_predicate, sql_clause)})
and the model they are about in MODEL. For every user of the population and every predicate, the
objects the Python predicate allows are exactly the rows the SQL clause selects.
"""
from __future__ import annotations

import importlib
import pkgutil
import random

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

import grants
from grants.applications.states import ApplicationStatus
from grants.calls.states import CallStatus
from grants.extensions import db
from grants.organisations.models import OrganisationKind, PartnershipMember
from grants.organisations.states import PartnerStatus


def access_modules():
    found = []
    for info in pkgutil.iter_modules(grants.__path__):
        try:
            module = importlib.import_module(f"grants.{info.name}.access")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "PREDICATES"):
            found.append(module)
    return found


def test_every_part_with_predicates_names_its_model():
    modules = access_modules()
    assert {m.__name__ for m in modules} >= {"grants.applications.access"}
    for module in modules:
        assert hasattr(module, "MODEL"), module.__name__
        for name, (python, clause) in module.PREDICATES.items():
            assert callable(python) and callable(clause), (module.__name__, name)


def _population(factory, seed: int):
    """Organisations, calls in every status, applications in every status (some partnerships, with partners
    confirmed, invited or declined), and users of every role with zero, one or several organisations."""
    rng = random.Random(seed)
    orgs = [factory.organisation(f"Org {seed}-{i}", kind=rng.choice([OrganisationKind.MUNICIPALITY,
                                                                     OrganisationKind.NONPROFIT]),
                                 kbo=None) for i in range(7)]
    calls = [factory.call(status=status) for status in CallStatus]
    in_partnership: dict[int, set[int]] = {}  # call -> organisations in one (at most one per call)
    for i, status in enumerate(list(ApplicationStatus) * 2):
        lead, call = orgs[i % len(orgs)], rng.choice(calls)
        app = factory.application(call, lead, status=status)
        taken = in_partnership.setdefault(call.id, set())
        free = [o for o in orgs if o is not lead and o.id not in taken]
        if rng.random() < 0.4 and lead.id not in taken and free:
            partners = rng.sample(free, min(len(free), rng.randint(1, 2)))
            factory.partnership(app, *partners)
            taken.update({lead.id, *(o.id for o in partners)})
        # Invitations and refusals block nothing: any organisation other than the lead, even one that
        # is confirmed elsewhere in the call, may have one in this application.
        if rng.random() < 0.5 and (app.partnership is None and lead.id not in taken or app.partnership is not None):
            if app.partnership is None:
                factory.partnership(app)
                taken.add(lead.id)
            present = {m.organisation_id for m in app.partnership.members}
            for org in rng.sample([o for o in orgs if o.id not in present], 2):
                app.partnership.members.append(PartnershipMember(
                    call_id=call.id, organisation_id=org.id,
                    status=rng.choice([PartnerStatus.INVITED, PartnerStatus.INVITED, PartnerStatus.DECLINED])))
            db.session.flush()
        if status in (ApplicationStatus.AWARDED, ApplicationStatus.RUNNING, ApplicationStatus.CLOSED):
            factory.project(app)  # the follow-up's predicates are about projects
        if status in (ApplicationStatus.ADMISSIBLE, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED):
            # draft and published decisions of every outcome, for the awards' predicates
            factory.decision(app, outcome=rng.choice(["awarded", "rejected", "waitlisted"]))
            app.status = status
        if app.id and rng.random() < 0.5:
            from grants.awards.models import Decision
            from grants.timeutil import utcnow
            for decision in db.session.scalars(sa.select(Decision).where(Decision.application_id == app.id)):
                decision.published_at = utcnow()
    users = [AnonymousUserMixin()]
    users += [factory.user(role="admin"), factory.user(role="juror", organisations=[orgs[0]])]
    users += [factory.user(role="applicant", organisations=rng.sample(orgs, k)) for k in (0, 1, 1, 2, 3)]
    users.append(factory.user(role="applicant", organisations=[orgs[1]], active=False))
    db.session.commit()
    return users


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_predicates_and_their_sql_twins_agree(factory, seed):
    users = _population(factory, seed)
    checked = 0
    for module in access_modules():
        model = module.MODEL
        objects = db.session.scalars(sa.select(model)).unique().all()
        assert objects, module.__name__
        for name, (python, clause) in module.PREDICATES.items():
            for user in users:
                expected = {obj.id for obj in objects if python(user, obj)}
                selected = set(db.session.scalars(sa.select(model.id).where(clause(user))))
                assert selected == expected, (module.__name__, name, getattr(user, "email", "anonymous"))
                checked += 1
    assert checked >= 4 * len(users)
    # The population holds every kind of reader, the invited partner included.
    from grants.applications.access import Capacity, capacity
    from grants.applications.models import Application
    seen = {capacity(user, app) for user in users for app in db.session.scalars(sa.select(Application))}
    assert {Capacity.ADMIN, Capacity.LEAD, Capacity.PARTNER, Capacity.INVITED} <= seen
