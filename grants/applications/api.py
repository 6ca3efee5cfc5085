"""Read-only API endpoints for applications (attached to the api blueprint)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, jsonify

from ..calls.models import Call
from ..converters import enum_arg
from ..exports.api import bp, token_required
from ..exports.openapi import (
    AMOUNT, APPLICATIONS_PER_PAGE, BAD_REQUEST, INSTANT, NOT_FOUND, UNAUTHORISED, enum_parameter, id_parameter,
    page_parameter, paged_list_of, register,
)
from ..extensions import db
from ..money import api_amount
from ..pagination import api_page_fields, page_of, requested_api_page
from ..timeutil import iso_local
from .queries import ApiApplicationRow, api_application_count, api_application_rows
from .states import ApplicationStatus


def application_json(row: ApiApplicationRow) -> dict:
    return {
        "id": row.id,
        "dossier_number": row.dossier_number,
        "organisation": row.organisation_name,
        "organisation_refnis": row.organisation_refnis,
        "title": row.title,
        "status": row.status.value,
        "requested": api_amount(row.requested_amount),
        "own_contribution": api_amount(row.own_contribution),
        "total_cost": api_amount(row.total_cost),
        "submitted_at": iso_local(row.submitted_at),
    }


@bp.route("/calls/<int:call_id>/applications")
@token_required
def call_applications(call_id: int):
    call_exists = db.session.scalar(sa.select(Call.id).where(Call.id == call_id))
    if call_exists is None:
        abort(404)
    status = enum_arg("status", ApplicationStatus)
    number = requested_api_page()
    # The total in SQL, then one query for the page: rows with their figures (no ORM objects).
    page = page_of(number, APPLICATIONS_PER_PAGE, api_application_count(call_id, status))
    rows = api_application_rows(call_id, status, page)
    return jsonify({"call_id": call_id, "items": [application_json(row) for row in rows], **api_page_fields(page)})


register(
    paths={
        "/calls/{call_id}/applications": {"get": {
            "summary": "The applications of a call",
            "operationId": "listCallApplications",
            "parameters": [
                id_parameter("call_id", "The call's id"),
                enum_parameter("status", [s.value for s in ApplicationStatus], "Only applications with this status"),
                page_parameter(APPLICATIONS_PER_PAGE),
            ],
            "responses": {
                "200": {"description": "One page of the applications, by dossier number",
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
        "CallApplicationList": paged_list_of("CallApplication", call_id={"type": "integer"}),
    },
)
