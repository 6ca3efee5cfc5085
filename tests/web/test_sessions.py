"""Finding 5: sessions end on the server. A session generation in every cookie; logout, log out
everywhere, a password change and deactivation change it, so a copied session or remember-me cookie
stops working. The user's own account page. load_user is one query."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from grants.accounts.models import User
from grants.accounts.views import load_user
from grants.audit.models import AuditEvent
from grants.extensions import db

from tests.conftest import Browser
from tests.support.calls import page

ADMIN_PAGE = "/admin/users"


def _logged_in_as(response) -> bool:
    return response.status_code == 200


def _cookie(client, name: str) -> str | None:
    cookie = client.get_cookie(name, domain="localhost")
    return cookie.value if cookie is not None else None


def _client_with(app, **cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="localhost")
    return client


@pytest.fixture
def admin(factory):
    user = factory.user(role="admin", email="ann@abb.be")
    db.session.commit()
    return user


def test_a_session_cookie_copied_before_logout_stops_working_after_it(app, browser, factory, admin):
    assert browser.login("ann@abb.be", factory.PASSWORD).status_code == 302
    copied = _cookie(browser.client, "session")
    assert _client_with(app, session=copied).get(ADMIN_PAGE).status_code == 200  # the copy works while logged in
    browser.logout()
    response = _client_with(app, session=copied).get(ADMIN_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "user.logout"))


def test_a_remember_me_cookie_copied_before_logout_stops_working_after_it(app, browser, factory, admin):
    token = browser.token("/login")
    response = browser.client.post("/login", data={"email": "ann@abb.be", "password": factory.PASSWORD,
                                                   "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    remembered = _cookie(browser.client, "remember_token")
    assert remembered
    # Without any session, the remember-me cookie alone logs a browser in...
    assert _client_with(app, remember_token=remembered).get(ADMIN_PAGE).status_code == 200
    browser.logout()
    # ...but not once the user has logged out.
    assert _client_with(app, remember_token=remembered).get(ADMIN_PAGE).status_code == 302


def test_log_out_everywhere_ends_every_session_and_is_audited(app, factory, admin):
    office, phone = Browser(app.test_client()), Browser(app.test_client())
    for device in (office, phone):
        assert device.login("ann@abb.be", factory.PASSWORD).status_code == 302
    account = page(phone.get("/account"))
    assert "Overal afmelden" in account and "ann@abb.be" in account
    response = phone.post("/account/logout-everywhere", token_from="/account")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert office.get(ADMIN_PAGE).status_code == 302 and phone.get(ADMIN_PAGE).status_code == 302
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "user.logout_everywhere",
                                                            AuditEvent.object_id == admin.id))


def test_changing_the_password_on_the_account_page_ends_other_sessions_but_not_this_one(app, factory, admin):
    here, elsewhere = Browser(app.test_client()), Browser(app.test_client())
    for device in (here, elsewhere):
        device.login("ann@abb.be", factory.PASSWORD)
    wrong = here.post("/account/password", {"current": "not-my-password-1", "password": "new-secret-2026",
                                            "confirm": "new-secret-2026"}, token_from="/account")
    assert wrong.status_code == 400 and "Uw huidige wachtwoord klopt niet." in page(wrong)
    response = here.post("/account/password", {"current": factory.PASSWORD, "password": "new-secret-2026",
                                               "confirm": "new-secret-2026"}, token_from="/account")
    assert response.status_code == 302
    assert here.get(ADMIN_PAGE).status_code == 200
    assert elsewhere.get(ADMIN_PAGE).status_code == 302
    assert Browser(app.test_client()).login("ann@abb.be", "new-secret-2026").status_code == 302


def test_deactivation_ends_the_users_sessions(app, factory, admin, logged_in):
    user_browser, user = logged_in("applicant", email="els@gent.be")
    copied = _cookie(user_browser.client, "session")
    admin_browser = Browser(app.test_client())
    admin_browser.login("ann@abb.be", factory.PASSWORD)
    form = f"/admin/users/{user.id}"
    response = admin_browser.post(form, {"email": "els@gent.be", "name": "Els", "role": "applicant",
                                         "organisation_codes": ""}, token_from=form)  # 'active' unchecked
    assert response.status_code == 302
    assert _client_with(app, session=copied).get("/account").status_code == 302
    assert user_browser.get("/account").status_code == 302


def test_load_user_is_one_query_with_the_organisations(app, factory):
    orgs = [factory.organisation(f"Organisatie {i}") for i in range(3)]
    user = factory.user(organisations=orgs)
    db.session.commit()
    ident = user.get_id()
    db.session.expunge_all()
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        loaded = load_user(ident)
        org_ids = loaded.organisation_ids
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert org_ids == {o.id for o in orgs}
    assert len(statements) == 1, statements
    # A stale generation, an unknown or malformed id: nobody.
    assert load_user(f"{user.id}:stale") is None
    assert load_user("99999999999:x") is None and load_user("abc") is None and load_user("") is None


def test_the_account_page_changes_the_name_and_refuses_a_line_break(logged_in):
    browser, user = logged_in("applicant", email="els@gent.be", name="Els")
    html = page(browser.get("/account"))
    assert "Mijn account" in html and "els@gent.be" in html and "Tweestapsverificatie instellen" in html
    refused = browser.post("/account/name", {"name": "Els\nPeeters"}, token_from="/account")
    assert refused.status_code == 400 and "Een naam past op één regel" in page(refused)
    assert browser.post("/account/name", {"name": "Els Peeters"}, token_from="/account").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Els Peeters"
