from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..accounts.models import Role
from ..extensions import db
from . import queries

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", open_calls=queries.public_open_calls())
    if current_user.role == Role.ADMIN:
        return render_template("main/home_admin.html", **queries.admin_dashboard())
    if current_user.role == Role.JUROR:
        return render_template("main/home_juror.html", assignments=queries.juror_assignments(current_user))
    return render_template("main/home_applicant.html", **queries.applicant_home(current_user))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
