"""Account operations: they validate, write, audit and queue mail; the request commits.

Mail bodies are templates under templates/mail/ (password_reset.txt, invitation.txt)."""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pyotp
import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from ..audit.operations import diff, record, snapshot
from ..extensions import db
from ..forms_common import NAME_CONTROL_MESSAGE, has_control_characters
from ..i18n import _, lazy_gettext
from ..links import external_url
from ..mail import queue_mail
from ..mail_templates import SUBJECT_MAX, in_language, queue_template_mail, render_mail
from ..organisations.models import Organisation
from ..ratelimit import address_key, hit_in_transaction
from ..states import current_language
from ..timeutil import format_local, utcnow
from ..unit_of_work import keep_changes_on_error
from .models import ApiToken, LoginThrottle, RecoveryCode, Role, User, hash_password

RESET_SALT = "password-reset"


class AccountError(ValueError):
    """A refused account action; the message is in the page's language (Dutch by default)."""


# --- login throttling -------------------------------------------------------------------------
#
# Five wrong passwords for one address from one client lock that address for that client (the
# remote address) for LOGIN_LOCK_MINUTES. Another client is never refused the right password
# because someone else failed. How many failures one client may make over all addresses together
# is Flask-Limiter's job (grants.ratelimit, LOGIN_CLIENT_LIMIT).


def _throttle(email: str, client: str) -> LoginThrottle | None:
    return db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.email == email,
                                                            LoginThrottle.client == client))


def login_locked_until(email: str, client: str):
    """The instant until which this client may not log in with this address, or None."""
    throttle = _throttle(email, client)
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        return throttle.locked_until
    return None


def register_failed_login(email: str, client: str) -> None:
    keep_changes_on_error()  # the login is refused, but the failure counts
    config = current_app.config
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    throttle = _throttle(email, client)
    if throttle is None:
        throttle = LoginThrottle(email=email, client=client, failures=0)
        db.session.add(throttle)
    if throttle.first_failure_at is None or now - throttle.first_failure_at > window:
        throttle.failures, throttle.first_failure_at = 0, now
    throttle.failures += 1
    if throttle.failures >= config["LOGIN_MAX_FAILURES"]:
        throttle.locked_until = now + window
        throttle.failures, throttle.first_failure_at = 0, None
    db.session.flush()


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made once per process: checked when there is no real one to check."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(email: str, password: str, client: str) -> User:
    """The user whose password this is; raises AccountError with the message to show.

    The same work is done for an unknown address, an account without a password and a known one:
    one lookup, one password hash checked (a dummy hash when there is no real one), so the answer's
    timing does not tell which addresses have an account. The login is complete only after
    complete_login (and, where the user has one, the second factor)."""
    locked = login_locked_until(email, client)
    if locked:
        raise AccountError(_("Te veel mislukte aanmeldpogingen. Probeer het opnieuw na %(time)s.",
                             time=format_local(locked, "%H:%M")))
    user = db.session.scalar(sa.select(User).where(User.email == email))
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    matches = check_password_hash(stored, password)
    if user is None or not user.password_hash or not matches or not user.active:
        register_failed_login(email, client)
        raise AccountError(_("Het e-mailadres of het wachtwoord klopt niet."))
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email == email, LoginThrottle.client == client))
    return user


def complete_login(user: User, *, method: str = "password") -> None:
    """The user is in: password (and second factor where needed) checked."""
    user.last_login_at = utcnow()
    record("user.login", user, {"method": [None, method]} if method != "password" else None, actor=user)


# --- sessions ---------------------------------------------------------------------------------


def end_sessions(user: User, *, action: str = "user.logout", actor: User | None = None) -> None:
    """End every session of the user on the server (a copied cookie stops working too), audited."""
    user.end_sessions()
    record(action, user, actor=actor or user)


# --- the second factor (TOTP) -----------------------------------------------------------------
#
# RFC 6238 codes of six digits every 30 seconds (pyotp), one step of clock drift either way; a code
# is accepted once (the step is remembered). Ten recovery codes stand in for a lost phone, each once;
# only their SHA-256 is stored (they are random, 50 bits each, so a fast hash is enough).

TOTP_STEP_SECONDS = 30
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_LENGTH = 10


def second_factor_required(user: User) -> bool:
    """Admins must have one where the configuration says so (production); others may."""
    return user.role == Role.ADMIN and bool(current_app.config.get("REQUIRE_ADMIN_TOTP"))


def start_totp_enrolment(user: User) -> str:
    """The secret to enrol (kept until confirmed with a code; a reload shows the same one)."""
    if user.totp_enabled:
        raise AccountError(_("De tweestapsverificatie is al ingesteld."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def totp_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email,
                                                         issuer_name=current_app.config["TOTP_ISSUER"])


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def _totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code this is (now, or one step before or after), or None."""
    code = _digits(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // TOTP_STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, code: str) -> bool:
    step = _totp_step(user.totp_secret or "", code, time.time())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False  # wrong, or a code already used (replayed)
    user.totp_last_step = step
    return True


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    count = current_app.config["RECOVERY_CODE_COUNT"]
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_LENGTH)) for _n in range(count)]
    user.recovery_codes = [RecoveryCode(code_hash=_hash_recovery_code(code)) for code in codes]
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def confirm_totp_enrolment(user: User, code: str) -> list[str]:
    """Switch the second factor on with a first code; returns the recovery codes (shown once)."""
    if user.totp_enabled or not user.totp_secret:
        raise AccountError(_("Start de instelling van de tweestapsverificatie opnieuw."))
    if not _accept_totp(user, code):
        raise AccountError(_("Deze code klopt niet. Geef de code van zes cijfers die uw app nu toont."))
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    record("user.totp_enabled", user, {"second_factor": [False, True]}, actor=user)
    return codes


def verify_second_factor(user: User, code: str) -> str:
    """'totp' or 'recovery' for a right code (a recovery code is used up); else AccountError."""
    if not user.totp_enabled:
        raise AccountError(_("Voor dit account is geen tweestapsverificatie ingesteld."))
    if _accept_totp(user, code):
        return "totp"
    digest = _hash_recovery_code(code)
    match = next((r for r in user.recovery_codes if r.used_at is None and hmac.compare_digest(r.code_hash, digest)),
                 None)
    if match is not None and len(_digits(code)) == RECOVERY_LENGTH:
        match.used_at = utcnow()
        record("user.recovery_code_used", user, {"recovery_codes_left": [None, remaining_recovery_codes(user)]},
               actor=user)
        return "recovery"
    raise AccountError(_("Deze code klopt niet. Geef de code van zes cijfers uit uw app, of een van uw "
                         "herstelcodes."))


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for r in user.recovery_codes if r.used_at is None)


def renew_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code from the app."""
    if not user.totp_enabled:
        raise AccountError(_("Voor dit account is geen tweestapsverificatie ingesteld."))
    if not _accept_totp(user, code):
        raise AccountError(_("Deze code klopt niet. Geef de code van zes cijfers die uw app nu toont."))
    codes = _new_recovery_codes(user)
    record("user.recovery_codes_renewed", user, actor=user)
    return codes


def _clear_second_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes = []


def disable_second_factor(user: User, password: str) -> None:
    """The user switches it off themselves, with their password; not where it is required."""
    if second_factor_required(user):
        raise AccountError(_("Voor beheerders is tweestapsverificatie verplicht; u kunt ze niet uitschakelen."))
    if not user.totp_enabled:
        raise AccountError(_("Voor dit account is geen tweestapsverificatie ingesteld."))
    if not user.check_password(password):
        raise AccountError(_("Uw wachtwoord klopt niet."))
    _clear_second_factor(user)
    record("user.totp_disabled", user, {"second_factor": [True, False]}, actor=user)


def reset_second_factor(user: User, actor: User) -> None:
    """An admin removes another user's second factor (a lost phone and no recovery codes left).

    Their sessions end; at the next login they log in with the password alone, or enrol again
    where a second factor is required. Audited, and the user is told by mail."""
    if user.id == actor.id:
        raise AccountError(_("Uw eigen tweestapsverificatie beheert u op uw accountpagina."))
    if not user.totp_secret:
        raise AccountError(_("Deze gebruiker heeft geen tweestapsverificatie ingesteld."))
    _clear_second_factor(user)
    user.end_sessions()
    record("user.totp_reset", user, {"second_factor": [True, False]}, actor=actor)
    queue_template_mail([user.email], "second_factor_reset",
                        lazy_gettext("Uw tweestapsverificatie is hersteld - Plan Samenleven"),
                        name=user.display_name, admin=actor.display_name, login_url=external_url("accounts.login"))


# --- the user's own account -------------------------------------------------------------------


def change_password(user: User, current: str, new: str) -> None:
    """The user chooses a new password, with the current one; every other session ends."""
    if not user.check_password(current):
        raise AccountError(_("Uw huidige wachtwoord klopt niet."))
    set_password(user, new)


def update_own_name(user: User, name: str) -> None:
    name = name.strip()
    check_name(name)
    if name != user.name:
        changes = diff({"name": user.name}, {"name": name})
        user.name = name
        record("user.update", user, changes, actor=user)


def check_name(name: str) -> None:
    """A name is one line: line breaks and other control characters are refused (they end up in mails)."""
    if has_control_characters(name):
        raise AccountError(str(NAME_CONTROL_MESSAGE))


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


def request_password_reset(email: str) -> bool:
    """Mail a reset link when the address is known; the page says the same either way (no enumeration).

    The same work whatever the address: the address's counter (PASSWORD_RESET_ADDRESS_LIMIT, beyond
    which no more mail goes to it), one lookup, a token and the mail rendered. Only a known, active
    address within its limit gets the mail queued; it goes out after the response (grants.mail), so
    the answer never waits for the mail server. Returns whether a mail was queued (for tests)."""
    within_limit = hit_in_transaction("PASSWORD_RESET_ADDRESS_LIMIT", address_key(email))
    user = db.session.scalar(sa.select(User).where(User.email == email))
    known = user is not None and user.active
    # Rendered in both cases (an unknown address gets a link for no one, thrown away).
    token = make_reset_token(user) if known else _serializer().dumps({"user": 0, "session": secrets.token_hex(16)})
    subject = lazy_gettext("Nieuw wachtwoord kiezen - Plan Samenleven")
    language = current_language()  # only the person asking receives it: in the language of their page
    body = render_mail("password_reset", language=language, name=user.display_name if known else email,
                       reset_url=external_url("accounts.reset_password", token=token),
                       minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    if not (known and within_limit):
        return False
    with in_language(language):
        title = str(subject)[:SUBJECT_MAX]
    queue_mail(user.email, title, body)
    record("user.password_reset_requested", user, actor=user)
    return True


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    user.set_password(password)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email == user.email))
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
    check_name(name)
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
    check_name(name)
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
        user.end_sessions()  # a deactivated user's sessions end at once, remember-me cookies too
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
