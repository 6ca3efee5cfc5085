"""Account operations: they validate, write, audit and queue mail; the request commits.

Mail bodies are templates under templates/mail/ (password_reset.txt, invitation.txt)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..links import external_url
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..audit.operations import diff, record, snapshot
from ..extensions import db
from ..i18n import _, lazy_gettext
from ..mail_templates import queue_template_mail
from ..organisations.models import Organisation
from ..states import current_language
from ..timeutil import format_local, utcnow
from ..unit_of_work import keep_changes_on_error
from .models import ApiToken, LoginThrottle, Role, User

RESET_SALT = "password-reset"


class AccountError(ValueError):
    """A refused account action; the message is in the page's language (Dutch by default)."""


# --- login throttling -------------------------------------------------------------------------

def login_locked_until(email: str):
    """The instant until which logins for this address are refused, or None."""
    throttle = db.session.get(LoginThrottle, email)
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        return throttle.locked_until
    return None


def register_failed_login(email: str) -> None:
    keep_changes_on_error()  # the login is refused, but the failure counts
    config = current_app.config
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    throttle = db.session.get(LoginThrottle, email)
    if throttle is None:
        throttle = LoginThrottle(key=email, failures=0)
        db.session.add(throttle)
    if throttle.first_failure_at is None or now - throttle.first_failure_at > window:
        throttle.failures, throttle.first_failure_at = 0, now
    throttle.failures += 1
    if throttle.failures >= config["LOGIN_MAX_FAILURES"]:
        throttle.locked_until = now + window
        throttle.failures, throttle.first_failure_at = 0, None
    db.session.flush()


def authenticate(email: str, password: str) -> User:
    """The user for these credentials; raises AccountError with the message to show."""
    locked = login_locked_until(email)
    if locked:
        raise AccountError(_("Te veel mislukte aanmeldpogingen. Probeer het opnieuw na %(time)s.",
                             time=format_local(locked, "%H:%M")))
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.check_password(password) or not user.active:
        register_failed_login(email)
        raise AccountError(_("Het e-mailadres of het wachtwoord klopt niet."))
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == email))
    user.last_login_at = utcnow()
    record("user.login", user, actor=user)
    return user


# --- password reset ---------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    # The session token is part of the payload: a changed password voids every older link.
    return _serializer().dumps({"user": user.id, "session": user.session_token})


def user_for_reset_token(token: str) -> User:
    try:
        payload = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise AccountError(_("Deze link is verlopen. Vraag een nieuwe link aan.")) from exc
    except BadSignature as exc:
        raise AccountError(_("Deze link is ongeldig of al gebruikt. Vraag een nieuwe link aan.")) from exc
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or user.session_token != payload.get("session") or not user.active:
        raise AccountError(_("Deze link is ongeldig of al gebruikt. Vraag een nieuwe link aan."))
    return user


def _reset_url(user: User) -> str:
    return external_url("accounts.reset_password", token=make_reset_token(user))


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address is known; say nothing either way (no enumeration)."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.active:
        return
    # Only the person asking receives it: in the language of the page they asked on.
    queue_template_mail([user.email], "password_reset", lazy_gettext("Nieuw wachtwoord kiezen - Plan Samenleven"),
                        language=current_language(), name=user.display_name, reset_url=_reset_url(user),
                        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    record("user.password_reset_requested", user, actor=user)


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    user.set_password(password)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == user.email))
    record("user.password_set", user, actor=actor or user)


# --- user administration ----------------------------------------------------------------------

AUDITED_USER_FIELDS = ["email", "name", "role", "active"]


def _organisations(ids: list[int]) -> list[Organisation]:
    found = list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids)))) if ids else []
    if len(found) != len(set(ids)):
        raise AccountError(_("Onbekende organisatie gekozen."))
    return found


def create_user(*, email: str, role: Role, name: str = "", password: str | None = None,
                organisation_ids: list[int] | None = None, invite: bool = False, actor: User | None = None) -> User:
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise AccountError(_("Er bestaat al een gebruiker met dit e-mailadres."))
    user = User(email=email, name=name, role=role, active=True)
    user.set_password(password or secrets.token_urlsafe(24))
    if not password:
        user.password_hash = None  # chooses one through the invitation link
    user.organisations = _organisations(organisation_ids or [])
    db.session.add(user)
    db.session.flush()
    record("user.create", user, {**diff({}, snapshot(user, AUDITED_USER_FIELDS)),
                                 "organisations": [[], sorted(o.id for o in user.organisations)]}, actor=actor)
    if invite:
        # The role is a Text pair: it is rendered in the mail's language (the agency's).
        queue_template_mail([user.email], "invitation", lazy_gettext("Uitnodiging - Plan Samenleven projectoproepen"),
                            name=user.display_name, role=user.role.text, reset_url=_reset_url(user))
    return user


def update_user(user: User, *, email: str, name: str, role: Role, active: bool, organisation_ids: list[int],
                actor: User) -> None:
    email = email.strip().lower()
    if email != user.email and db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise AccountError(_("Er bestaat al een gebruiker met dit e-mailadres."))
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise AccountError(_("U kunt uw eigen beheerdersrechten niet intrekken."))
    before = snapshot(user, AUDITED_USER_FIELDS)
    before_orgs = sorted(o.id for o in user.organisations)
    user.email, user.name, user.role, user.active = email, name, role, active
    user.organisations = _organisations(organisation_ids)
    changes = diff(before, snapshot(user, AUDITED_USER_FIELDS))
    after_orgs = sorted(o.id for o in user.organisations)
    if before_orgs != after_orgs:
        changes["organisations"] = [before_orgs, after_orgs]
    if not active and before["active"]:
        user.session_token = secrets.token_hex(16)  # logs the user out everywhere
    record("user.update", user, changes, actor=actor)


def create_api_token(user: User) -> str:
    """A new bearer token; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    api_token = ApiToken(user_id=user.id, token_hash=hash_token(token))
    db.session.add(api_token)
    db.session.flush()
    record("user.api_token_created", user, {"token_id": [None, api_token.id]})
    return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
