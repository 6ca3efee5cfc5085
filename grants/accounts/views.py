from __future__ import annotations

import functools
import time
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import _, ngettext
from ..ratelimit import client_address, config_limit, failed, limiter
from .access import admin_required
from .forms import (
    ActionForm, ChangePasswordForm, CodeForm, ForgotPasswordForm, LoginForm, NameForm, PasswordConfirmForm,
    ResetPasswordForm, TotpConfirmForm, UserForm,
)
from .models import Role, User
from .operations import (
    AccountError, authenticate, change_password, complete_login, confirm_totp_enrolment, create_user,
    disable_second_factor, end_sessions, remaining_recovery_codes, renew_recovery_codes, request_password_reset,
    reset_second_factor, second_factor_required, set_password, start_totp_enrolment, totp_uri, update_own_name,
    update_user, user_for_reset_token, verify_second_factor,
)

bp = Blueprint("accounts", __name__)

PENDING = "grants_pending_login"  # the session between the password step and the second factor


def load_user(user_id: str) -> User | None:
    """The user of a session or remember-me cookie, if its session generation is still current.

    Runs on every request of a logged-in user: one query for the user and its organisations."""
    ident, _colon, token = (user_id or "").partition(":")
    if not ident.isascii() or not ident.isdigit() or len(ident) > 10 or not token:
        return None
    return db.session.scalars(
        sa.select(User).where(User.id == int(ident), User.session_token == token, User.active.is_(True))
        .options(joinedload(User.organisations))).unique().one_or_none()


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a user to another site after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def _too_many_logins() -> str:
    return _("Te veel mislukte aanmeldpogingen vanaf uw verbinding. Probeer het over een kwartier opnieuw.")


def _too_many_codes() -> str:
    return _("Te veel foute codes voor dit account. Probeer het over een kwartier opnieuw.")


def _too_many_resets() -> str:
    return _("Te veel aanvragen voor een nieuw wachtwoord vanaf uw verbinding. Probeer het over een uur opnieuw.")


def _code_user_key() -> str:
    """Whose codes are tried, as a rate-limit key: the account in the middle of logging in, or the
    logged-in user (enrolment, new recovery codes)."""
    pending = session.get(PENDING)
    if isinstance(pending, dict) and pending.get("user"):
        return f"user:{str(pending['user']).partition(':')[0]}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "anonymous"


# Failed passwords and failed codes count together, per client (Flask-Limiter, grants.ratelimit).
login_limit = limiter.shared_limit(config_limit("LOGIN_CLIENT_LIMIT"), scope="login", methods=["POST"],
                                   deduct_when=failed, error_message=_too_many_logins)
code_limit = limiter.limit(config_limit("TOTP_USER_LIMIT"), key_func=_code_user_key, methods=["POST"],
                           deduct_when=failed, error_message=_too_many_codes)


def _finish_login(user: User, remember: bool, next_url: str, *, method: str = "password"):
    complete_login(user, method=method)
    session.clear()  # a new session for the logged-in user (no fixation)
    login_user(user, remember=remember)
    session.permanent = True
    return redirect(next_url)


def _pending() -> tuple[User, dict] | None:
    """The user between the password step and the second factor (not logged in yet), if still valid."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > current_app.config["TOTP_PENDING_SECONDS"]:
        session.pop(PENDING, None)
        return None
    user = load_user(str(pending.get("user", "")))
    return (user, pending) if user is not None else None


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, client_address())
        except AccountError as exc:
            error = str(exc)
        else:
            next_url = _safe_next(request.args.get("next"))
            if not (user.totp_enabled or second_factor_required(user)):
                return _finish_login(user, bool(form.remember.data), next_url)
            # The password was right; the session is not logged in until the second factor is.
            session.clear()
            session[PENDING] = {"user": user.get_id(), "remember": bool(form.remember.data), "next": next_url,
                                "since": time.time()}
            return redirect(url_for("accounts.login_code" if user.totp_enabled else "accounts.login_enrol"))
    status = 200 if request.method == "GET" else (401 if error else 400 if form.errors else 200)
    return render_template("accounts/login.html", form=form, error=error), status


def _pending_login(view):
    """A step after the password: the view gets the pending user and login; without one (expired,
    interrupted) the visitor is sent back to the login page."""
    @functools.wraps(view)
    def wrapped():
        found = _pending()
        if found is None:
            flash(_("Meld u opnieuw aan: de aanmelding is verlopen of onderbroken."), "info")
            return redirect(url_for("accounts.login"))
        return view(*found)
    return wrapped


@bp.route("/login/code", methods=["GET", "POST"])
@login_limit
@code_limit
@_pending_login
def login_code(user: User, pending: dict):
    if not user.totp_enabled:
        return redirect(url_for("accounts.login_enrol"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        try:
            method = verify_second_factor(user, form.code.data)
        except AccountError as exc:
            error = str(exc)
        else:
            response = _finish_login(user, bool(pending.get("remember")), _safe_next(pending.get("next")),
                                     method=method)
            if method == "recovery":
                left = remaining_recovery_codes(user)
                flash(ngettext("U hebt een herstelcode gebruikt; u hebt er nog %(num)s. Maak nieuwe herstelcodes "
                               "op uw accountpagina.",
                               "U hebt een herstelcode gebruikt; u hebt er nog %(num)s. Maak nieuwe herstelcodes "
                               "op uw accountpagina.", left), "warning")
            return response
    status = 200 if request.method == "GET" else (401 if error else 400)
    return render_template("accounts/login_code.html", form=form, error=error, user=user), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@login_limit
@code_limit
@_pending_login
def login_enrol(user: User, pending: dict):
    """An admin who must have a second factor and has none sets it up as part of logging in."""
    if user.totp_enabled:
        return redirect(url_for("accounts.login_code"))

    def enrolled(codes: list[str]):
        next_url = _safe_next(pending.get("next"))
        _finish_login(user, bool(pending.get("remember")), next_url, method="totp")
        return render_template("accounts/recovery_codes.html", codes=codes, next_url=next_url, enrolled=True)

    return _enrol_page(user, enrolled, during_login=True, refused_status=401)


def _enrol_page(user: User, enrolled, *, during_login: bool, refused_status: int):
    """The enrolment page, during login and on the account page alike: a right first code confirms the
    second factor and `enrolled(codes)` answers; otherwise the QR code and the secret are shown (again).
    A refused code answers `refused_status` (401 while logging in: the login is not complete)."""
    form = TotpConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            codes = confirm_totp_enrolment(user, form.code.data)
        except AccountError as exc:
            error = str(exc)
        else:
            return enrolled(codes)
    secret = start_totp_enrolment(user)
    status = 200 if request.method == "GET" else (refused_status if error else 400)
    action = url_for("accounts.login_enrol" if during_login else "accounts.account_totp")
    return render_template("accounts/enrol.html", form=form, error=error, user=user, secret=secret,
                           qr=_qr_svg(user), action=action, during_login=during_login), status


def _qr_svg(user: User) -> Markup:
    """The enrolment QR code as inline SVG (no image request, and the CSP's img-src stays as it is)."""
    import segno
    return Markup(segno.make(totp_uri(user), error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                                   omitsize=False))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # The session generation changes: this cookie, any copy of it and remember-me cookies stop working.
    end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("U bent afgemeld."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(config_limit("PASSWORD_RESET_CLIENT_LIMIT"), methods=["POST"], error_message=_too_many_resets)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        flash(_("Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten een e-mail met een link om "
                "een nieuw wachtwoord te kiezen."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = user_for_reset_token(token)
    except AccountError as exc:
        return render_template("accounts/reset_invalid.html", message=str(exc)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data)
        logout_user()  # the reset link's visitor is not logged in by it (a second factor may be needed)
        flash(_("Uw wachtwoord is gewijzigd. U kunt zich nu aanmelden."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))


# --- the user's own account ("Mijn account") --------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _account_page(status: int = 200, **forms):
    user = _me()
    context = {
        "user": user,
        "name_form": forms.get("name_form") or NameForm(data={"name": user.name}),
        "password_form": forms.get("password_form") or ChangePasswordForm(),
        "disable_form": forms.get("disable_form") or PasswordConfirmForm(),
        "renew_form": forms.get("renew_form") or TotpConfirmForm(),
        "action_form": ActionForm(),
        "required": second_factor_required(user),
        "codes_left": remaining_recovery_codes(user) if user.totp_enabled else 0,
        "error": forms.get("error"),
    }
    return render_template("accounts/account.html", **context), status


@bp.route("/account")
@login_required
def account():
    return _account_page()


@bp.route("/account/name", methods=["POST"])
@login_required
def account_name():
    form = NameForm()
    if form.validate_on_submit():
        try:
            update_own_name(_me(), form.name.data or "")
        except AccountError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            flash(_("Uw naam is bewaard."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(400, name_form=form)


@bp.route("/account/password", methods=["POST"])
@login_required
def account_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = _me()
        try:
            change_password(user, form.current.data, form.password.data)
        except AccountError as exc:
            form.current.errors = [*form.current.errors, str(exc)]
        else:
            # Every other session has ended with the new generation; this one goes on with it.
            remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))
            login_user(user, remember=remember, fresh=True)
            flash(_("Uw wachtwoord is gewijzigd. Op andere toestellen bent u afgemeld."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(400, password_form=form)


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if not ActionForm().validate_on_submit():
        abort(400)
    end_sessions(_me(), action="user.logout_everywhere")
    logout_user()
    session.clear()
    flash(_("U bent afgemeld op alle toestellen en in alle browsers."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
@code_limit
def account_totp():
    user = _me()
    if user.totp_enabled:
        return redirect(url_for("accounts.account"))
    return _enrol_page(user, lambda codes: _recovery_codes_page(codes, enrolled=True), during_login=False,
                       refused_status=400)


def _recovery_codes_page(codes: list[str], *, enrolled: bool):
    return render_template("accounts/recovery_codes.html", codes=codes, next_url=url_for("accounts.account"),
                           enrolled=enrolled)


@bp.route("/account/second-factor/recovery-codes", methods=["POST"])
@login_required
@code_limit
def account_recovery_codes():
    form = TotpConfirmForm()
    if form.validate_on_submit():
        try:
            codes = renew_recovery_codes(_me(), form.code.data)
        except AccountError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            return _recovery_codes_page(codes, enrolled=False)
    return _account_page(400, renew_form=form)


@bp.route("/account/second-factor/disable", methods=["POST"])
@login_required
def account_totp_disable():
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            disable_second_factor(_me(), form.password.data)
        except AccountError as exc:
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            flash(_("De tweestapsverificatie is uitgeschakeld."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(400, disable_form=form)


# --- admin: users -----------------------------------------------------------------------------

@bp.route("/admin/users")
@admin_required
def users():
    role = request.args.get("role", "")
    query = sa.select(User).order_by(User.email)
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    search = request.args.get("q", "").strip()[:100]
    if search:
        like = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.email).like(like), sa.func.lower(User.name).like(like)))
    return render_template("accounts/users.html", users=db.session.scalars(query).all(), role=role, q=search,
                           roles=list(Role))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(email=form.email.data, name=form.name.data or "", role=Role(form.role.data),
                               organisation_ids=form.organisation_ids, invite=form.send_invitation.data,
                               actor=current_user)
        except AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            if form.send_invitation.data:
                flash(_("Gebruiker %(email)s is aangemaakt en uitgenodigd per e-mail.", email=user.email), "success")
            else:
                flash(_("Gebruiker %(email)s is aangemaakt.", email=user.email), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    del form.send_invitation
    if request.method == "GET":
        form.organisation_codes.data = "\n".join(o.code for o in user.organisations)
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            update_user(user, email=form.email.data, name=form.name.data or "", role=Role(form.role.data),
                        active=form.active.data, organisation_ids=form.organisation_ids, actor=current_user)
        except AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(_("De gebruiker is bijgewerkt."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user,
                           reset_form=ActionForm()), 400 if form.errors else 200


@bp.route("/admin/users/<int:user_id>/second-factor/reset", methods=["POST"])
@admin_required
def reset_user_second_factor(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        reset_second_factor(user, current_user._get_current_object())
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    flash(_("De tweestapsverificatie van %(email)s is hersteld; de gebruiker is overal afgemeld.", email=user.email),
          "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
