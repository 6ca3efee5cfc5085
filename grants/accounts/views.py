from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..i18n import _
from .access import admin_required
from .forms import ForgotPasswordForm, LoginForm, ResetPasswordForm, UserForm
from .models import Role, User
from .operations import (
    AccountError, authenticate, create_user, request_password_reset, set_password, update_user, user_for_reset_token,
)

bp = Blueprint("accounts", __name__)


def load_user(user_id: str) -> User | None:
    ident, _colon, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a user to another site after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountError as exc:
            error = str(exc)
        else:
            session.clear()
            login_user(user, remember=form.remember.data)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if request.method == "GET" else (401 if error else 400 if form.errors else 200)
    return render_template("accounts/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("U bent afgemeld."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
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
        logout_user()
        flash(_("Uw wachtwoord is gewijzigd. U kunt zich nu aanmelden."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))


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
    return render_template("accounts/user_form.html", form=form, user=user), 400 if form.errors else 200
