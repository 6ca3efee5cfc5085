"""Login, logout, throttling, password reset through a real SMTP server, CSRF."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from grants.accounts.models import LoginThrottle, User
from grants.accounts.operations import make_reset_token
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.timeutil import utcnow


def test_login_page_is_dutch_and_has_the_documented_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in html
    for name in ("email", "password", "csrf_token"):
        assert f'name="{name}"' in html
    assert "Aanmelden" in html


def test_login_then_logout(browser, factory):
    user = factory.user(role="admin", email="ann@abb.be")
    db.session.commit()
    response = browser.login("ann@abb.be", factory.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = browser.get("/").get_data(as_text=True)
    assert "Overzicht voor het agentschap" in home
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.login",
                                                         AuditEvent.object_id == user.id))
    response = browser.logout()
    assert response.status_code == 302
    assert browser.get("/admin/users").status_code == 302  # back to the login page


def test_email_is_case_insensitive(browser, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    assert browser.login("  Els@Gent.BE ", factory.PASSWORD).status_code == 302


def test_wrong_password_gets_a_clear_dutch_message(browser, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    response = browser.login("els@gent.be", "wrong-password-1")
    assert response.status_code == 401
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.get_data(as_text=True)
    # The typed e-mail address is kept; the password is not echoed.
    assert 'value="els@gent.be"' in response.get_data(as_text=True)
    assert "wrong-password-1" not in response.get_data(as_text=True)


def test_unknown_address_gets_the_same_message(browser):
    response = browser.login("nobody@nowhere.be", "whatever-123")
    assert response.status_code == 401
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(browser, factory):
    factory.user(email="gone@gent.be", active=False)
    db.session.commit()
    assert browser.login("gone@gent.be", factory.PASSWORD).status_code == 401


def test_throttled_after_repeated_failures_even_with_the_right_password(app, browser, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert browser.login("els@gent.be", "wrong-password-1").status_code == 401
    response = browser.login("els@gent.be", factory.PASSWORD)
    assert response.status_code == 401
    assert "Te veel mislukte aanmeldpogingen" in response.get_data(as_text=True)
    # Once the lock has passed, the right password works again.
    throttle = db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.email == "els@gent.be",
                                                                LoginThrottle.client == "127.0.0.1"))
    throttle.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.login("els@gent.be", factory.PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(app, browser, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        browser.login("els@gent.be", "wrong-password-1")
    assert browser.login("els@gent.be", factory.PASSWORD).status_code == 302
    browser.logout()
    browser.login("els@gent.be", "wrong-password-1")
    assert browser.login("els@gent.be", factory.PASSWORD).status_code == 302


def test_post_without_csrf_token_is_refused_with_400(client, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    response = client.post("/login", data={"email": "els@gent.be", "password": factory.PASSWORD})
    assert response.status_code == 400
    assert "beveiligingscode" in response.get_data(as_text=True)


def test_malformed_email_and_overlong_fields_get_dutch_messages(browser):
    response = browser.login("not-an-email", "x")
    assert response.status_code == 400
    assert "Geef een geldig e-mailadres" in response.get_data(as_text=True)
    response = browser.login("a" * 300 + "@gent.be", "x" * 5000)
    assert response.status_code == 400
    assert "Hoogstens 254 tekens." in response.get_data(as_text=True)


def test_login_redirects_only_to_local_paths(browser, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    token = browser.token("/login")
    response = browser.client.post("/login?next=https://evil.example/", data={
        "email": "els@gent.be", "password": factory.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_password_reset_through_a_real_smtp_server(app, browser, factory, smtp_server):
    factory.user(email="els@gent.be", name="Els")
    db.session.commit()
    response = browser.post("/password/forgot", {"email": "els@gent.be"}, token_from="/password/forgot")
    assert response.status_code == 302
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    assert messages[0]["to"] == ["els@gent.be"]
    assert "Nieuw wachtwoord" in messages[0]["subject"]
    link = re.search(r"http://localhost(/password/reset/\S+)", messages[0]["body"]).group(1)
    page = browser.get(link)
    assert page.status_code == 200
    response = browser.post(link, {"password": "new-secret-2026", "confirm": "new-secret-2026"}, token_from=link)
    assert response.status_code == 302
    assert browser.login("els@gent.be", factory.PASSWORD).status_code == 401
    assert browser.login("els@gent.be", "new-secret-2026").status_code == 302
    # The link works once only.
    browser.logout()
    assert browser.get(link).status_code == 400


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(browser, smtp_server):
    response = browser.post("/password/forgot", {"email": "nobody@nowhere.be"}, token_from="/password/forgot")
    assert response.status_code == 302
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_expired_reset_link_is_refused(app, browser, factory):
    user = factory.user(email="els@gent.be")
    db.session.commit()
    link = f"/password/reset/{make_reset_token(user)}"
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = browser.get(link)
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)


def test_reset_rejects_weak_and_mismatched_passwords(browser, factory):
    user = factory.user(email="els@gent.be")
    db.session.commit()
    link = f"/password/reset/{make_reset_token(user)}"
    response = browser.post(link, {"password": "short", "confirm": "short"}, token_from=link)
    assert response.status_code == 400 and "minstens 10 tekens" in response.get_data(as_text=True)
    response = browser.post(link, {"password": "long-enough-1", "confirm": "long-enough-2"}, token_from=link)
    assert response.status_code == 400 and "De wachtwoorden verschillen." in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(browser):
    assert browser.get("/password/reset/not-a-token").status_code == 400


def test_passwords_are_hashed(factory):
    user = factory.user()
    assert factory.PASSWORD not in user.password_hash
    assert user.password_hash.startswith("pbkdf2:sha256:1000$")  # the suite's cheap method
    assert user.check_password(factory.PASSWORD) and not user.check_password(factory.PASSWORD + "x")


def test_outside_the_tests_passwords_are_hashed_with_scrypt(tmp_path, monkeypatch):
    from werkzeug.security import check_password_hash

    from grants import create_app
    from grants.accounts.models import hash_password
    monkeypatch.setenv("SECRET_KEY", "k")
    monkeypatch.setenv("BASE_URL", "https://subsidies.example")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    for env in ("development", "production"):
        monkeypatch.setenv("GRANTS_ENV", env)
        app = create_app()
        with app.app_context():
            stored = hash_password("correct-horse-42")
        assert stored.startswith("scrypt:32768:8:1$"), env
        assert check_password_hash(stored, "correct-horse-42")


def test_session_cookie_is_httponly_and_lax(browser, factory):
    factory.user(email="els@gent.be")
    db.session.commit()
    response = browser.login("els@gent.be", factory.PASSWORD)
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_has_secure_cookies_and_needs_a_secret(monkeypatch):
    import pytest
    from config import load_config
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        load_config("production")
    monkeypatch.setenv("BASE_URL", "https://subsidies.vlaanderen.example")
    config = load_config("production")
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True


def test_changing_the_password_ends_other_sessions(browser, factory, app):
    user = factory.user(email="els@gent.be")
    db.session.commit()
    browser.login("els@gent.be", factory.PASSWORD)
    assert browser.get("/").status_code == 200
    user.set_password("another-password-9")
    db.session.commit()
    html = browser.get("/").get_data(as_text=True)
    assert "Mijn aanvragen" not in html  # logged out: the welcome page
    assert db.session.scalar(sa.select(User.id).where(User.email == "els@gent.be"))


def test_links_in_mail_come_from_base_url_not_from_the_forwarded_host(smtp_server, factory):
    """Behind a proxy the public address is BASE_URL; a forged Host or X-Forwarded-Host never reaches a mail."""
    from flask import current_app

    from grants import create_app
    factory.user(email="els@gent.be")
    db.session.commit()
    proxied = create_app({"GRANTS_ENV": "testing", "PROXY_COUNT": 1, "BASE_URL": "https://subsidies.vlaanderen.example",
                          "SQLALCHEMY_DATABASE_URI": current_app.config["SQLALCHEMY_DATABASE_URI"],
                          "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": current_app.config["MAIL_PORT"]})
    proxied.config.update(WTF_CSRF_ENABLED=False, TRUSTED_HOSTS=["subsidies.vlaanderen.example", "localhost"])
    with proxied.app_context():
        forged = proxied.test_client().post("/password/forgot", data={"email": "els@gent.be"}, buffered=True,
                                            headers={"Host": "evil.example"})
        assert forged.status_code == 400  # a Host that is not trusted is not answered at all
        proxied.test_client().post("/password/forgot", data={"email": "els@gent.be"}, buffered=True, headers={
            "Host": "localhost", "X-Forwarded-Proto": "http", "X-Forwarded-Host": "localhost"})
        db.engine.dispose()
    mail = smtp_server.wait_for(1)
    assert len(mail) == 1
    assert "https://subsidies.vlaanderen.example/password/reset/" in mail[0]["body"]
    assert "localhost" not in mail[0]["body"]


def test_by_default_development_answers_the_loopback_names_and_production_its_public_name(monkeypatch):
    from config import load_config
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BASE_URL", "https://subsidies.example.be")
    assert load_config("production")["TRUSTED_HOSTS"] == ["subsidies.example.be"]
    monkeypatch.delenv("BASE_URL")
    assert load_config("development")["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    monkeypatch.setenv("TRUSTED_HOSTS", "grants.internal, 10.0.0.5")
    assert load_config("development")["TRUSTED_HOSTS"] == ["grants.internal", "10.0.0.5"]


def test_a_forged_host_is_refused_before_any_view_and_no_link_is_built_from_it(monkeypatch, tmp_path):
    """Without SERVER_NAME (as when the app runs), Flask itself refuses a Host outside the allow-list."""
    from grants import create_app
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hosts.db'}"})
    assert app.config.get("SERVER_NAME") is None
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/password/forgot", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 200
