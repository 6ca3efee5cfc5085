"""GET /api/v1/calls/<id>/awards: a call's awards with the call's figures (attached to the api blueprint).

The API is for the agency's admins (token_required), so it lists draft awards too, each with
`published`; the public, published list is another page. Amounts are decimal strings with two
decimals, as everywhere in the API. The totals are over all the call's awards, whatever the page.
"""
from __future__ import annotations

from decimal import Decimal

from flask import jsonify

from ..calls.models import Call
from ..extensions import db
from ..money import api_amount
from ..pagination import api_page_fields, page_of, requested_api_page
from .api import bp, token_required
from .openapi import (
    AMOUNT, AWARDS_PER_PAGE, BAD_REQUEST, NOT_FOUND, UNAUTHORISED, id_parameter, page_parameter, paged_list_of,
    register,
)
from .queries import ApiAward, call_awards


def _score(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def award_json(award: ApiAward) -> dict:
    row = award.row
    return {
        "application_id": award.application_id,
        "dossier_number": row.dossier_number or None,
        "organisation": row.organisation,
        "place": row.place or None,
        "refnis": row.refnis or None,
        "province": row.province or None,
        "project_title": row.project_title,
        "requested": api_amount(row.requested),
        "awarded": api_amount(row.awarded),
        "own_contribution": api_amount(row.own_contribution),
        "score": _score(row.score),
        "rank": row.rank,
        "override": row.override or None,
        "published": award.published,
    }


@bp.route("/calls/<int:call_id>/awards")
@token_required
def call_awards_list(call_id: int):
    call = db.get_or_404(Call, call_id)
    found = call_awards(call)
    page = page_of(requested_api_page(), AWARDS_PER_PAGE, len(found.awards))
    items = found.awards[page.offset:page.offset + page.size]  # a call has tens of awards: sliced, not paged in SQL
    committed = found.committed
    return jsonify({
        "call_id": call.id,
        "total_awarded": api_amount(found.total_awarded),
        "envelope": api_amount(found.envelope),
        "committed": api_amount(committed),
        "committed_difference": None if committed is None else api_amount(committed - found.total_awarded),
        "published": found.published,
        "items": [award_json(a) for a in items],
        **api_page_fields(page),
    })


register(
    paths={
        "/calls/{call_id}/awards": {"get": {
            "summary": "The awards of a call, draft or published, with the call's totals",
            "operationId": "listCallAwards",
            "parameters": [id_parameter("call_id", "The call's id"), page_parameter(AWARDS_PER_PAGE)],
            "responses": {
                "200": {"description": "One page of the awarded decisions, by dossier number, and the call's figures "
                                       "over all its awards",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CallAwardList"}}}},
                "400": BAD_REQUEST, "401": UNAUTHORISED, "404": NOT_FOUND,
            }}},
    },
    schemas={
        "CallAward": {
            "type": "object",
            "required": ["application_id", "dossier_number", "organisation", "place", "refnis", "awarded",
                         "requested", "own_contribution", "score", "rank", "override", "published"],
            "properties": {
                "application_id": {"type": "integer"},
                "dossier_number": {"type": "string", "nullable": True, "example": "TG-2017-0001"},
                "organisation": {"type": "string", "description": "Name of the applying (lead) organisation"},
                "place": {"type": "string", "nullable": True, "description": "The organisation's municipality"},
                "refnis": {"type": "string", "nullable": True,
                           "description": "REFNIS code of the organisation, else of the municipality of its place"},
                "province": {"type": "string", "nullable": True},
                "project_title": {"type": "string"},
                "requested": AMOUNT,
                "awarded": AMOUNT,
                "own_contribution": {**AMOUNT, "description": "Own financial contribution plus own staff, euro"},
                "score": {"type": "string", "nullable": True, "pattern": r"^\d+\.\d{2}$",
                          "description": "The jury's weighted total, 0-100 points; null when not scored"},
                "rank": {"type": "integer", "nullable": True, "minimum": 1,
                         "description": "Rank in the jury's ranking (ties share a rank); null when not scored"},
                "override": {"type": "string", "nullable": True,
                             "description": "The checks the admin decided past and the reason, in Dutch; "
                                            "null without an override"},
                "published": {"type": "boolean", "description": "False while the decision is a draft"},
            }},
        "CallAwardList": paged_list_of(
            "CallAward",
            call_id={"type": "integer"},
            total_awarded={**AMOUNT, "description": "Sum of all the call's awards (every page), euro"},
            envelope={**AMOUNT, "description": "The call's envelope (budget), euro"},
            committed={**AMOUNT, "nullable": True,
                       "description": "The amount committed in the budget (vastgelegd), or null if not recorded"},
            committed_difference={**AMOUNT, "nullable": True,
                                  "description": "committed minus total_awarded; null without a committed amount"},
            published={"type": "boolean", "description": "True when every award of the call is published"},
        ),
    },
)
