"""Read-only API endpoints for applications (attached to the api blueprint)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from flask import abort, jsonify

from ..calls.models import Call
from ..converters import enum_arg
from ..exports.api import bp, token_required
from ..exports.openapi import (
    AMOUNT, BAD_REQUEST, INSTANT, NOT_FOUND, UNAUTHORISED, enum_parameter, id_parameter, register,
)
from ..extensions import db
from ..money import api_amount
from ..timeutil import iso_local
from .models import Application
from .queries import figures_for
from .states import ApplicationStatus


def application_json(app: Application, figures) -> dict:
    return {
        "id": app.id,
        "dossier_number": app.dossier_number,
        "organisation": app.organisation.name,
        "organisation_refnis": app.organisation.refnis,
        "title": app.title,
        "status": app.status.value,
        "requested": api_amount(app.requested_amount),
        "own_contribution": api_amount(figures.own_contribution),
        "total_cost": api_amount(figures.total_cost),
        "submitted_at": iso_local(app.submitted_at),
    }


@bp.route("/calls/<int:call_id>/applications")
@token_required
def call_applications(call_id: int):
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    query = sa.select(Application).where(Application.call_id == call.id)
    status = enum_arg("status", ApplicationStatus)
    if status is not None:
        query = query.where(Application.status == status)
    # Application.organisation is loaded in the same query (joined); the call is already in the session,
    # so it is not joined again per row; the totals come in two aggregates.
    rows = db.session.scalars(query.options(lazyload(Application.call)).order_by(Application.dossier_number.is_(None), Application.dossier_number,
                                             Application.id)).unique().all()
    figures = figures_for([a.id for a in rows])
    return jsonify({"call_id": call.id, "items": [application_json(a, figures[a.id]) for a in rows]})


register(
    paths={
        "/calls/{call_id}/applications": {"get": {
            "summary": "The applications of a call",
            "operationId": "listCallApplications",
            "parameters": [
                id_parameter("call_id", "The call's id"),
                enum_parameter("status", [s.value for s in ApplicationStatus], "Only applications with this status"),
            ],
            "responses": {
                "200": {"description": "The applications, by dossier number",
                        "content": {"application/json": {"schema": {
                            "$ref": "#/components/schemas/CallApplicationList"}}}},
                "400": BAD_REQUEST, "401": UNAUTHORISED, "404": NOT_FOUND,
            }}},
    },
    schemas={
        "CallApplication": {
            "type": "object",
            "required": ["id", "dossier_number", "organisation", "organisation_refnis", "title", "status",
                         "requested", "own_contribution", "total_cost", "submitted_at"],
            "properties": {
                "id": {"type": "integer"},
                "dossier_number": {"type": "string", "nullable": True, "example": "TG-2017-0007",
                                   "description": "Null while the application is a draft"},
                "organisation": {"type": "string", "description": "Name of the applying (lead) organisation"},
                "organisation_refnis": {"type": "string", "nullable": True,
                                        "description": "REFNIS code for a municipality, else null"},
                "title": {"type": "string"},
                "status": {"type": "string", "enum": [s.value for s in ApplicationStatus]},
                "requested": AMOUNT,
                "own_contribution": {**AMOUNT, "description": "Own financial contribution plus own staff, euro"},
                "total_cost": {**AMOUNT, "description": "Sum of the budget lines, euro"},
                "submitted_at": {**INSTANT, "nullable": True},
            }},
        "CallApplicationList": {
            "type": "object", "required": ["call_id", "items"],
            "properties": {"call_id": {"type": "integer"},
                           "items": {"type": "array", "items": {"$ref": "#/components/schemas/CallApplication"}}}},
    },
)
