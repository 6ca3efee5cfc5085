"""The second factor (TOTP): enrolment with a QR code, the code step of the login (the session is not
logged in before it), one-time recovery codes, required for admins where configured, the audited admin
reset, and throttled code attempts."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from grants.accounts.models import MailMessage, User
from grants.audit.models import AuditEvent
from grants.extensions import db

from tests.conftest import Browser
from tests.support.calls import page


def _code(secret: str, steps_ahead: int = 0) -> str:
    """A code of the current time step, or of the next one (the server allows one step of drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _enrol(browser, user_id: int) -> tuple[str, list[str]]:
    """Switch the second factor on from the account page; returns the secret and the recovery codes."""
    form = browser.get("/account/second-factor")
    assert form.status_code == 200
    html = page(form)
    assert "<svg" in html and "Tweestapsverificatie instellen" in html
    secret = db.session.get(User, user_id).totp_secret
    assert secret.replace(" ", "")[:4] in html.replace(" ", "")  # the key, to type over
    done = browser.post("/account/second-factor", {"code": _code(secret)}, token_from="/account/second-factor")
    assert done.status_code == 200, page(done)
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", page(done))
    return secret, codes


@pytest.fixture
def enrolled(logged_in):
    """An applicant with the second factor on, logged out again: (user, secret, recovery codes)."""
    browser, user = logged_in("applicant", email="els@gent.be")
    secret, codes = _enrol(browser, user.id)
    browser.logout()
    db.session.expire_all()
    return db.session.get(User, user.id), secret, codes


def test_enrolment_shows_a_qr_code_and_gives_ten_recovery_codes(logged_in):
    browser, user = logged_in("applicant", email="els@gent.be")
    wrong = browser.post("/account/second-factor", {"code": "000000"}, token_from="/account/second-factor")
    assert wrong.status_code == 400 and "Deze code klopt niet" in page(wrong)
    secret, codes = _enrol(browser, user.id)
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.totp_enabled and len(user.recovery_codes) == 10
    assert all(code not in {r.code_hash for r in user.recovery_codes} for code in codes)  # only hashes kept
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "user.totp_enabled"))
    assert "Ingesteld sinds" in page(browser.get("/account"))


def test_login_asks_for_the_code_and_is_not_logged_in_before_it(app, factory, enrolled):
    user, secret, _codes = enrolled
    browser = Browser(app.test_client())
    response = browser.login("els@gent.be", factory.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert browser.get("/account").status_code == 302  # the password alone logs nobody in
    assert "Tweestapsverificatie" in page(browser.get("/login/code"))
    wrong = browser.post("/login/code", {"code": "123456"}, token_from="/login/code")
    assert wrong.status_code == 401 and "Deze code klopt niet" in page(wrong)
    code = _code(secret, 1)
    ok = browser.post("/login/code", {"code": code}, token_from="/login/code")
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert browser.get("/account").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.login")
                              .order_by(AuditEvent.id.desc()).limit(1))
    assert event.changes == {"method": [None, "totp"]}
    # The same code does not work twice (a code seen over someone's shoulder).
    browser.logout()
    browser.login("els@gent.be", factory.PASSWORD)
    assert browser.post("/login/code", {"code": code}, token_from="/login/code").status_code == 401


def test_a_recovery_code_works_once(app, factory, enrolled):
    _user, _secret, codes = enrolled
    browser = Browser(app.test_client())
    browser.login("els@gent.be", factory.PASSWORD)
    used = browser.post("/login/code", {"code": codes[3].upper().replace("-", " ")}, token_from="/login/code")
    assert used.status_code == 302
    assert "u hebt er nog 9" in page(browser.get("/"))
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "user.recovery_code_used"))
    browser.logout()
    browser.login("els@gent.be", factory.PASSWORD)
    assert browser.post("/login/code", {"code": codes[3]}, token_from="/login/code").status_code == 401
    assert browser.post("/login/code", {"code": codes[4]}, token_from="/login/code").status_code == 302


def test_code_attempts_are_throttled_per_account(app, factory, enrolled):
    limit = int(app.config["TOTP_USER_LIMIT"].split()[0])
    # From several clients, so only the account's own limit applies.
    for n in range(limit):
        browser = Browser(app.test_client())
        browser.client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        browser.login("els@gent.be", factory.PASSWORD)
        assert browser.post("/login/code", {"code": "000000"}, token_from="/login/code").status_code == 401
    blocked = browser.post("/login/code", {"code": _code(enrolled[1], 1)}, token_from="/login/code")
    assert blocked.status_code == 429 and "Te veel foute codes voor dit account" in page(blocked)


def test_the_code_step_expires(app, factory, enrolled):
    browser = Browser(app.test_client())
    browser.login("els@gent.be", factory.PASSWORD)
    app.config["TOTP_PENDING_SECONDS"] = -1
    response = browser.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_admins_must_enrol_when_it_is_required(app, factory):
    app.config["REQUIRE_ADMIN_TOTP"] = True
    admin = factory.user(role="admin", email="ann@abb.be")
    db.session.commit()
    browser = Browser(app.test_client())
    response = browser.login("ann@abb.be", factory.PASSWORD)
    assert response.headers["Location"].endswith("/login/enrol")
    assert browser.get("/admin/users").status_code == 302  # not logged in before enrolling
    html = page(browser.get("/login/enrol"))
    assert "Voor uw account is tweestapsverificatie verplicht" in html and "<svg" in html
    db.session.expire_all()
    secret = db.session.get(User, admin.id).totp_secret
    done = browser.post("/login/enrol", {"code": _code(secret)}, token_from="/login/enrol")
    assert done.status_code == 200 and "Uw herstelcodes" in page(done)
    assert browser.get("/admin/users").status_code == 200
    # Required: it cannot be switched off.
    assert "Voor beheerders is tweestapsverificatie verplicht." in page(browser.get("/account"))
    refused = browser.post("/account/second-factor/disable", {"password": factory.PASSWORD}, token_from="/account")
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, admin.id).totp_enabled


def test_not_required_in_development_and_tests_but_in_production(monkeypatch):
    from config import load_config
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BASE_URL", "https://subsidies.vlaanderen.example")
    monkeypatch.delenv("REQUIRE_ADMIN_TOTP", raising=False)
    assert load_config("production")["REQUIRE_ADMIN_TOTP"] is True
    assert load_config("testing")["REQUIRE_ADMIN_TOTP"] is False
    monkeypatch.setenv("REQUIRE_ADMIN_TOTP", "0")
    assert load_config("production")["REQUIRE_ADMIN_TOTP"] is False


def test_a_user_may_switch_an_optional_second_factor_off_with_the_password(app, factory, enrolled):
    user, secret, _codes = enrolled
    browser = Browser(app.test_client())
    browser.login("els@gent.be", factory.PASSWORD)
    browser.post("/login/code", {"code": _code(secret, 1)}, token_from="/login/code")
    assert browser.post("/account/second-factor/disable", {"password": "wrong-password-1"},
                        token_from="/account").status_code == 400
    assert browser.post("/account/second-factor/disable", {"password": factory.PASSWORD},
                        token_from="/account").status_code == 302
    browser.logout()
    assert browser.login("els@gent.be", factory.PASSWORD).headers["Location"] == "/"


def test_an_admin_resets_a_lost_second_factor_audited_and_mailed(app, factory, enrolled):
    user, _secret, _codes = enrolled
    admin = factory.user(role="admin", email="ann@abb.be")
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login("ann@abb.be", factory.PASSWORD)
    form = f"/admin/users/{user.id}"
    assert "Tweestapsverificatie herstellen" in page(browser.get(form))
    response = browser.post(f"/admin/users/{user.id}/second-factor/reset", token_from=form)
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert not user.totp_enabled and user.totp_secret is None and user.recovery_codes == []
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.totp_reset"))
    assert event.actor_id == admin.id and event.object_id == user.id
    mail = db.session.scalar(sa.select(MailMessage).where(MailMessage.recipient == "els@gent.be"))
    assert mail.subject == "Uw tweestapsverificatie is hersteld - Plan Samenleven"
    assert f"{admin.display_name} van het agentschap heeft de tweestapsverificatie" in mail.body
    assert "http://localhost/login" in mail.body
    # The user logs in with the password alone now.
    assert Browser(app.test_client()).login("els@gent.be", factory.PASSWORD).headers["Location"] == "/"
    # An admin does not reset their own this way.
    own = browser.post(f"/admin/users/{admin.id}/second-factor/reset", token_from=f"/admin/users/{admin.id}",
                       follow_redirects=True)
    assert "Uw eigen tweestapsverificatie beheert u op uw accountpagina." in page(own)
