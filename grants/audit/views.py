from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template

from ..accounts.access import admin_required
from ..extensions import db
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/admin/history")


def _known_tables() -> set[str]:
    return set(db.metadata.tables)


@bp.route("/<object_type>/<int:object_id>")
@admin_required
def history(object_type: str, object_id: int):
    if object_type not in _known_tables():
        abort(404)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())).all()
    return render_template("audit/history.html", events=events, object_type=object_type, object_id=object_id)
