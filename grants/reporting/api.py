"""Read-only API: the projects of a call, with their status and money (attached to the api blueprint).

GET /api/v1/projects?call=<id>&page=<n>: 50 projects a page, by organisation, with the page fields of
every API list (grants.pagination.api_page_fields); an empty or non-numeric `call` or `page` is a 400.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, jsonify, request

from ..applications.models import Application
from ..awards.models import Project
from ..calls.models import Call
from ..converters import int_arg
from ..exports.api import bp, token_required
from ..exports.openapi import AMOUNT, BAD_REQUEST, NOT_FOUND, UNAUTHORISED, page_parameter, paged_list_of, register
from ..extensions import db
from ..money import api_amount
from ..organisations.models import Organisation
from ..pagination import api_page_fields, page_of, requested_api_page
from . import queries
from .rules import ProjectStatus

PER_PAGE = 50


def project_json(facts: queries.ProjectFacts) -> dict:
    project = facts.project
    return {
        "id": project.id,
        "application_id": project.application_id,
        "organisation": project.application.organisation.name,
        "status": facts.status.value,
        "status_label": facts.status_label,
        "awarded": api_amount(facts.figures.awarded),
        "paid": api_amount(facts.figures.paid),
        "due": api_amount(facts.figures.payable),
        "reclaim": api_amount(facts.figures.reclaim_total),
        "reports_due": len(facts.open_reports),
        "reports_overdue": len(facts.overdue_reports),
        "extensions": len(project.extensions),
    }


@bp.route("/projects")
@token_required
def projects_list():
    # an API takes what its document says: an empty ?call= or ?page= is not an integer, so a 400
    call_id = int_arg("call", 0, minimum=1, empty_is_default=False) if "call" in request.args else None
    number = requested_api_page()
    if call_id is not None and db.session.get(Call, call_id) is None:
        abort(404)
    query = queries.projects_query(g.api_user).join(Application, Project.application_id == Application.id).join(
        Organisation, Application.organisation_id == Organisation.id)
    if call_id is not None:
        query = query.where(Application.call_id == call_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    page = page_of(number, PER_PAGE, total)
    rows = db.session.scalars(query.order_by(Organisation.name, Project.id).limit(page.size)
                              .offset(page.offset)).unique().all()
    on = queries.today()
    return jsonify({"items": [project_json(queries.facts(p, on)) for p in rows], **api_page_fields(page)})


register(
    paths={
        "/projects": {"get": {
            "summary": "Funded projects, optionally of one call, 50 a page",
            "operationId": "listProjects",
            "parameters": [
                {"name": "call", "in": "query", "required": False, "description": "Only the projects of this call",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
                page_parameter(PER_PAGE),
            ],
            "responses": {
                "200": {"description": "The projects, by organisation", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ProjectList"}}}},
                "400": BAD_REQUEST, "401": UNAUTHORISED, "404": NOT_FOUND}}},
    },
    schemas={
        "Project": {
            "type": "object",
            "required": ["id", "application_id", "organisation", "status", "status_label", "awarded", "paid", "due",
                         "reclaim", "reports_due", "reports_overdue", "extensions"],
            "properties": {
                "id": {"type": "integer"}, "application_id": {"type": "integer"},
                "organisation": {"type": "string", "description": "The (lead) organisation that receives the money"},
                "status": {"type": "string", "enum": [s.value for s in ProjectStatus]},
                "status_label": {"type": "string", "description": "Op te starten, Opgestart, Lopende or Afgerond"},
                "awarded": {**AMOUNT, "description": "The award plus its extensions"},
                "paid": {**AMOUNT, "description": "Paid out so far"},
                "due": {**AMOUNT, "description": "Due or approved, not paid yet"},
                "reclaim": {**AMOUNT, "description": "Reclaimed or to be reclaimed from the organisation"},
                "reports_due": {"type": "integer", "description": "Reports the organisation still owes"},
                "reports_overdue": {"type": "integer", "description": "Of those, past their due date"},
                "extensions": {"type": "integer"}}},
        "ProjectList": paged_list_of("Project"),
    },
)
