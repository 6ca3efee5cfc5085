from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request

from ..accounts.access import admin_required
from ..extensions import db
from .describe import KINDS, describe, object_heading
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/admin/history")


def _known_tables() -> set[str]:
    return set(db.metadata.tables)


@bp.route("/<object_type>/<int:object_id>")
@admin_required
def history(object_type: str, object_id: int):
    if object_type not in _known_tables():
        abort(404)
    events = [describe(e) for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))]
    present = [kind for kind in KINDS if any(e.kind == kind for e in events)]
    kind = request.args.get("kind", "")
    shown = [e for e in events if e.kind == kind] if kind in KINDS else events
    return render_template("audit/history.html", events=shown, heading=object_heading(object_type, object_id),
                           kinds={k: KINDS[k] for k in present}, kind=kind if kind in KINDS else "",
                           total=len(events))
