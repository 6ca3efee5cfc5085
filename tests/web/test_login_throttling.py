"""Findings 6, 7 and 8: login throttling per client (Flask-Limiter, counters in the database), a locked
address only for the client that failed, the same work for known and unknown addresses, and reset
mails limited per address and per client."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import has_request_context

from grants.accounts import operations
from grants.accounts.models import MailMessage
from grants.extensions import db
from grants.ratelimit import RateLimitCounter

from tests.conftest import Browser
from tests.support.calls import page

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def _from(app, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


@pytest.fixture
def els(factory):
    user = factory.user(email="els@gent.be", name="Els")
    db.session.commit()
    return user


def test_one_client_trying_many_addresses_is_stopped_with_a_dutch_429(app, factory, els):
    limit = int(app.config["LOGIN_CLIENT_LIMIT"].split()[0])
    attacker = _from(app, ATTACKER)
    for n in range(limit):
        assert attacker.login(f"someone{n}@gent.be", "wrong-password-1").status_code == 401
    blocked = attacker.login("someone-else@gent.be", "wrong-password-1")
    assert blocked.status_code == 429
    assert "Te veel mislukte aanmeldpogingen vanaf uw verbinding" in page(blocked)
    assert '<html lang="nl">' in page(blocked)
    assert int(blocked.headers["Retry-After"]) > 0
    # The count is in the database, where every worker sees it.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitCounter)) >= 1
    # Another client is not slowed at all, and logs in.
    assert _from(app, OWNER).login("els@gent.be", factory.PASSWORD).status_code == 302


def test_a_client_that_logs_in_correctly_is_never_counted(app, factory, els):
    limit = int(app.config["LOGIN_CLIENT_LIMIT"].split()[0])
    office = _from(app, OWNER)
    for _ in range(limit + 2):
        assert office.login("els@gent.be", factory.PASSWORD).status_code == 302
        office.logout()


def test_a_locked_address_is_locked_only_for_the_client_that_failed(app, factory, els):
    attacker = _from(app, ATTACKER)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert attacker.login("els@gent.be", "wrong-password-1").status_code == 401
    locked = attacker.login("els@gent.be", factory.PASSWORD)
    assert locked.status_code == 401 and "Te veel mislukte aanmeldpogingen" in page(locked)
    # Els herself, from her own connection, is not refused her right password.
    assert _from(app, OWNER).login("els@gent.be", factory.PASSWORD).status_code == 302


@pytest.fixture
def hash_checks(monkeypatch):
    calls = []
    real = operations.check_password_hash

    def spy(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(operations, "check_password_hash", spy)
    return calls


@pytest.mark.parametrize("email", ["els@gent.be", "nobody@nowhere.be", "invited@gent.be"])
def test_every_failed_login_checks_one_password_hash(app, factory, els, hash_checks, email):
    """The same work for an existing account, an unknown address and an account without a password yet."""
    invited = factory.user(email="invited@gent.be")
    invited.password_hash = None
    db.session.commit()
    assert _from(app, OWNER).login(email, "wrong-password-1").status_code == 401
    assert len(hash_checks) == 1
    assert hash_checks[0].startswith(("scrypt:", "pbkdf2:"))  # a real hash, also for the dummy


@pytest.fixture
def mail_steps(monkeypatch):
    """Record, in order, when mail is rendered, queued and sent, and whether a request was running."""
    from grants import mail
    steps = []
    real_render, real_queue, real_send = operations.render_mail, operations.queue_mail, mail._send

    def render(*args, **kwargs):
        steps.append(("render", has_request_context()))
        return real_render(*args, **kwargs)

    def queue(*args, **kwargs):
        steps.append(("queue", has_request_context()))
        return real_queue(*args, **kwargs)

    def send(*args, **kwargs):
        steps.append(("send", has_request_context()))
        return real_send(*args, **kwargs)

    monkeypatch.setattr(operations, "render_mail", render)
    monkeypatch.setattr(operations, "queue_mail", queue)
    monkeypatch.setattr(mail, "_send", send)
    return steps


def _forgot(browser, email):
    return browser.post("/password/forgot", {"email": email}, token_from="/password/forgot")


def test_the_reset_answer_does_the_same_work_and_never_waits_for_the_mail_server(app, els, mail_steps):
    browser = _from(app, OWNER)
    known = _forgot(browser, "els@gent.be")
    # Rendered and queued within the request; sent only after the response, outside the request.
    assert mail_steps == [("render", True), ("queue", True), ("send", False)]
    mail_steps.clear()
    unknown = _forgot(browser, "nobody@nowhere.be")
    assert mail_steps == [("render", True)]  # the same rendering; nothing to queue or send
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    follow = [page(browser.get("/login"))]
    assert "Als dit e-mailadres bij ons bekend is" in follow[0]


def test_reset_mails_are_limited_per_address(app, els):
    limit = int(app.config["PASSWORD_RESET_ADDRESS_LIMIT"].split()[0])
    for n in range(limit + 2):  # from other clients each time: only the address's limit applies
        response = _forgot(_from(app, f"192.0.2.{n + 1}"), "els@gent.be")
        assert response.status_code == 302  # the same answer, also beyond the limit
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)
                             .where(MailMessage.recipient == "els@gent.be")) == limit


def test_reset_requests_are_limited_per_client(app, els):
    limit = int(app.config["PASSWORD_RESET_CLIENT_LIMIT"].split()[0])
    browser = _from(app, ATTACKER)
    for n in range(limit):
        assert _forgot(browser, f"someone{n}@gent.be").status_code == 302
    blocked = _forgot(browser, "els@gent.be")
    assert blocked.status_code == 429
    assert "Te veel aanvragen voor een nieuw wachtwoord vanaf uw verbinding" in page(blocked)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0
    assert _forgot(_from(app, OWNER), "els@gent.be").status_code == 302
