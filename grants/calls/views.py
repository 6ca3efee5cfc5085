from __future__ import annotations

from flask import Blueprint, abort

from ..accounts.access import admin_required

bp = Blueprint("calls", __name__)


@bp.route("/calls")
def public_index():
    abort(404)


@bp.route("/calls/<int:call_id>")
def public_show(call_id: int):
    abort(404)


@bp.route("/admin/calls")
@admin_required
def admin_index():
    abort(404)


@bp.route("/admin/calls/<int:call_id>")
@admin_required
def admin_show(call_id: int):
    abort(404)
