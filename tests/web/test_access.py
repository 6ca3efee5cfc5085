"""Every route's access per role: anonymous users go to the login page, wrong roles are refused.

The routes are read from the application's URL map, so a new page is covered the day it is added.
"""
from __future__ import annotations

import re

import pytest

# Pages anyone may see without logging in (path patterns).
PUBLIC = [r"^/$", r"^/login$", r"^/password/", r"^/calls(/|$)", r"^/healthz$", r"^/static/", r"^/language$"]


def _url_for_rule(rule) -> str:
    url = rule.rule
    for argument in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{argument}>", "1" if "id" in argument else "x", url)
    return url


def _rules(app, method):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and not rule.rule.startswith("/api/"):
            yield rule


def _is_public(url: str) -> bool:
    return any(re.search(pattern, url) for pattern in PUBLIC)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_users_are_sent_to_the_login_page(app, client, method):
    app.config["WTF_CSRF_ENABLED"] = False  # reach the access check, not the CSRF check
    checked = 0
    for rule in _rules(app, method):
        url = _url_for_rule(rule)
        if _is_public(url):
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
        assert response.headers["Location"].startswith("/login"), f"{method} {url}"
        checked += 1
    assert checked > 3


@pytest.mark.parametrize("role", ["applicant", "juror"])
def test_admin_pages_are_refused_to_other_roles(app, logged_in, role):
    browser, _ = logged_in(role)
    app.config["WTF_CSRF_ENABLED"] = False
    checked = 0
    for method in ("GET", "POST"):
        for rule in _rules(app, method):
            url = _url_for_rule(rule)
            if not url.startswith("/admin"):
                continue
            response = browser.client.open(url, method=method)
            assert response.status_code in (403, 404), f"{role} {method} {url} answered {response.status_code}"
            checked += 1
    assert checked > 3


def test_admin_reaches_the_admin_pages(logged_in, municipalities):
    browser, _ = logged_in("admin")
    for url in ("/admin/users", "/admin/users/new", "/admin/organisations/", "/admin/organisations/new", "/"):
        assert browser.get(url).status_code == 200, url


def test_error_pages_are_dutch(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_a_server_error_shows_the_dutch_500_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)


def test_forbidden_page_is_dutch(logged_in):
    browser, _ = logged_in("applicant")
    response = browser.get("/admin/users")
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)


def test_home_page_per_role(logged_in):
    expectations = {"admin": "Overzicht voor het agentschap", "juror": "Mijn beoordelingen",
                    "applicant": "Mijn aanvragen"}
    for role, heading in expectations.items():
        browser, _ = logged_in(role)
        assert heading in browser.get("/").get_data(as_text=True)
        browser.logout()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_language_switch_to_english_and_back(browser):
    assert 'lang="nl"' in browser.get("/login").get_data(as_text=True)
    browser.post("/language", {"lang": "en", "next": "/login"})
    english = browser.get("/login").get_data(as_text=True)
    assert 'lang="en"' in english
    assert "Forgot your password?" in english and "Wachtwoord vergeten?" not in english
    browser.post("/language", {"lang": "xx", "next": "/login"})  # unknown: ignored
    assert 'lang="en"' in browser.get("/login").get_data(as_text=True)
    browser.post("/language", {"lang": "nl", "next": "https://evil.example/"})
    assert 'lang="nl"' in browser.get("/login").get_data(as_text=True)


def test_welcome_page_lists_only_calls_open_now(client, factory):
    from datetime import timedelta

    from grants.extensions import db
    from grants.timeutil import utcnow
    factory.call(title="Nu open")
    factory.call(title="Opent later", opens_at=utcnow() + timedelta(days=3), closes_at=utcnow() + timedelta(days=30))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Nu open" in html and "Opent later" not in html
