"""Who may see and run a call, by status and role (the SQL twins are checked against these in
test_access_predicates.py), and the pages load through them: a draft is a 404 for everyone but the
agency."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from grants.calls import access
from grants.calls.states import CallStatus
from grants.extensions import db


@pytest.mark.parametrize("status", list(CallStatus))
def test_a_call_is_public_from_its_publication_on_and_run_by_the_agency(factory, status):
    call = factory.call(status=status)
    users = [AnonymousUserMixin(), None] + [factory.user(role) for role in ("applicant", "juror", "admin")]
    public = status != CallStatus.DRAFT
    assert [access.can_view(u, call) for u in users] == [public, public, public, public, True]
    assert [access.can_manage(u, call) for u in users] == [False, False, False, False, True]


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
