from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db
from ..i18n import lazy_gettext
from ..accounts.models import Role
from .home import sections_for

bp = Blueprint("main", __name__)

TITLES = {Role.ADMIN: lazy_gettext("Overzicht voor het agentschap"), Role.APPLICANT: lazy_gettext("Mijn aanvragen"),
          Role.JUROR: lazy_gettext("Mijn beoordelingen")}


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", sections=sections_for(current_user))
    return render_template("main/home.html", title=TITLES[current_user.role], sections=sections_for(current_user))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
