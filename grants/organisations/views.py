from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.access import admin_required
from ..converters import int_arg
from ..extensions import db
from ..i18n import _
from .forms import OrganisationForm
from .labels import ORGANISATION_KIND_LABELS
from .models import Organisation, OrganisationKind
from .operations import OrganisationError, create_organisation

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisations")
PAGE_SIZE = 50


@bp.route("/")
@admin_required
def index():
    search = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind", "")
    province = request.args.get("province", "").strip()[:60]
    page = int_arg("page", 1)
    query = sa.select(Organisation)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Organisation.name).like(like), Organisation.refnis == search,
                                   Organisation.kbo == search.replace(".", "").replace(" ", "")))
    if kind in ORGANISATION_KIND_LABELS:
        query = query.where(Organisation.kind == OrganisationKind(kind))
    if province:
        query = query.where(Organisation.province == province)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Organisation.name).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    provinces = db.session.scalars(sa.select(Organisation.province).where(Organisation.province.is_not(None))
                                   .distinct().order_by(Organisation.province)).all()
    return render_template("organisations/index.html", organisations=rows, total=total, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), q=search, kind=kind,
                           province=province, provinces=provinces, kinds=ORGANISATION_KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = create_organisation(name=form.name.data, kind=OrganisationKind(form.kind.data), kbo=form.kbo.data,
                                      place=form.place.data or "", province=form.province.data or "",
                                      contact_email=form.contact_email.data or "", actor=current_user)
        except OrganisationError as exc:
            form.kbo.errors.append(str(exc))
        else:
            flash(_("%(name)s is toegevoegd.", name=org.name), "success")
            return redirect(url_for("organisations.show", organisation_id=org.id))
    return render_template("organisations/form.html", form=form), 400 if form.errors else 200


@bp.route("/<int:organisation_id>")
@admin_required
def show(organisation_id: int):
    org = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template("organisations/show.html", organisation=org)
