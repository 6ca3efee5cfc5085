"""Findings 10, 12 and 14: NUL bytes never reach the database (one place: the request), the security
headers on every answer, and names that are one line."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from grants.accounts.models import User
from grants.accounts.operations import AccountError, create_user
from grants.accounts.models import Role
from grants.extensions import db
from grants.organisations.models import Organisation

from tests.support.calls import page

KBO = "0123.456.749"


@pytest.fixture
def admin(logged_in):
    browser, user = logged_in("admin")
    return browser


@pytest.fixture
def call(factory):
    call = factory.call()
    factory.application(call, factory.organisation("Gent", province="Oost-Vlaanderen"), status="submitted")
    db.session.commit()
    return call


@pytest.mark.parametrize("url", [
    "/admin/users?q=%00", "/admin/users?q=an%00n&role=%00", "/admin/organisations/?q=%00",
    "/admin/organisations/?province=%00", "/admin/organisations/?q=Gent%00&kind=%00&province=Oost%00",
    "/admin/calls/{call}/applications?q=%00&province=%00&kind=%00", "/calls?q=%00", "/?%00=%00",
])
def test_a_nul_in_a_search_is_dropped_not_a_500(admin, call, url):
    response = admin.get(url.format(call=call.id))
    assert response.status_code in (200, 400), url
    assert response.status_code != 500


def test_nul_bytes_in_the_user_and_organisation_forms_are_dropped(admin):
    response = admin.post("/admin/users/new", {"email": "ann@abb.be", "name": "Ann\x00 Peeters", "role": "juror",
                                               "organisation_codes": "\x00"}, token_from="/admin/users/new")
    assert response.status_code == 302, page(response)
    assert db.session.scalar(sa.select(User.name).where(User.email == "ann@abb.be")) == "Ann Peeters"
    response = admin.post("/admin/organisations/new", {"name": "Vzw\x00 Samen", "kind": "nonprofit", "kbo": KBO,
                                                       "place": "Gent\x00", "province": "\x00"},
                          token_from="/admin/organisations/new")
    assert response.status_code == 302, page(response)
    org = db.session.scalar(sa.select(Organisation).where(Organisation.kbo == "0123456749"))
    assert (org.name, org.place, org.province) == ("Vzw Samen", "Gent", None)


def test_a_nul_in_the_login_form_is_an_ordinary_wrong_login(browser):
    response = browser.login("els\x00@gent.be", "secret\x00")
    assert response.status_code in (400, 401)


# --------------------------------------------------------------------------- headers


def _policy(response) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in response.headers["Content-Security-Policy"].split(";")}


def test_the_content_security_policy_limits_forms_and_base(client):
    policy = _policy(client.get("/login"))
    assert policy["form-action"] == "form-action 'self'"
    assert policy["base-uri"] == "base-uri 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["img-src"] == "img-src 'self' data:"


def test_private_pages_are_never_stored_in_a_cache(logged_in, factory, token):
    from tests.conftest import auth
    gent = factory.organisation("Gent")
    browser, _user = logged_in("applicant", organisations=[gent])
    app_row = factory.application(factory.call(), gent, status="submitted")
    db.session.commit()
    for url in ("/", "/account", f"/applications/{app_row.id}", f"/applications/{app_row.id}/print",
                f"/applications/{app_row.id}/receipt", "/calls", "/admin/users/new"):
        response = browser.get(url)
        assert response.status_code in (200, 403), url
        assert "no-store" in response.headers["Cache-Control"], url
    api = browser.client.get("/api/v1/calls", headers=auth(token))
    assert api.status_code == 200 and "no-store" in api.headers["Cache-Control"]
    assert "no-store" in browser.client.application.test_client().get("/login").headers["Cache-Control"]
    # A static file may be cached as usual.
    assert "no-store" not in browser.get("/static/style.css").headers.get("Cache-Control", "")


def test_admin_pages_are_not_stored_either(admin):
    for url in ("/admin/users", "/admin/organisations/", "/admin/calls"):
        response = admin.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url


def test_hsts_only_in_production(monkeypatch, client, _schema):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    from grants import create_app
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BASE_URL", "https://subsidies.vlaanderen.example")
    production = create_app({"GRANTS_ENV": "production", "SQLALCHEMY_DATABASE_URI": _schema})
    response = production.test_client().get("/login", base_url="https://subsidies.vlaanderen.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    with production.app_context():
        db.engine.dispose()


# --------------------------------------------------------------------------- names on one line


@pytest.mark.parametrize("name", ["Ann\nPeeters", "Ann\r\nBCC: x@evil.example", "Ann\tPeeters", "Ann\u2028Peeters"])
def test_a_user_name_with_a_line_break_is_refused(admin, name):
    response = admin.post("/admin/users/new", {"email": "ann@abb.be", "name": name, "role": "juror"},
                          token_from="/admin/users/new")
    assert response.status_code == 400
    assert "Een naam past op één regel" in page(response)
    assert db.session.scalar(sa.select(User.id).where(User.email == "ann@abb.be")) is None


def test_an_organisation_name_with_a_line_break_is_refused(admin):
    response = admin.post("/admin/organisations/new", {"name": "Vzw\nSamen", "kind": "nonprofit", "kbo": KBO},
                          token_from="/admin/organisations/new")
    assert response.status_code == 400 and "Een naam past op één regel" in page(response)


def test_the_operation_refuses_it_too(app):
    with pytest.raises(AccountError, match="Een naam past op één regel"):
        create_user(email="ann@abb.be", role=Role.JUROR, name="Ann\nPeeters")
