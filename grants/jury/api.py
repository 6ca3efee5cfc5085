"""Read-only API endpoints of the jury (attached to the api blueprint, for admins' tokens):
the ranking of a call and its conflicts of interest."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from ..accounts.models import User
from ..applications.models import Application
from ..calls.models import Call
from ..exports.api import bp, token_required
from ..exports.openapi import AMOUNT, INSTANT, NOT_FOUND, UNAUTHORISED, id_parameter, register
from ..extensions import db
from ..money import api_amount
from ..timeutil import iso_local
from . import access, queries
from .models import AdviceOutcome, ConflictKind, ConflictSource


def _points(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def ranking_item(row, advice) -> dict:
    return {
        "application_id": row.application_id,
        "dossier_number": row.dossier_number,
        "organisation": row.organisation,
        "requested": api_amount(row.requested),
        "weighted_total": _points(row.weighted_total),
        "mean": _points(row.mean),
        "median": _points(row.median),
        "std": _points(row.std),
        "min": _points(row.min),
        "max": _points(row.max),
        "count": row.count,
        "normalised_total": _points(row.normalised_total),
        "rank": row.rank,
        "normalised_rank": row.normalised_rank,
        "rank_change": row.rank_change,
        "disagreement": row.disagreement,
        "running_requested": api_amount(row.running_requested),
        "above_threshold": row.above_threshold,
        "within_envelope": row.within_envelope,
        "advice": None if advice is None else {
            "outcome": advice.outcome.value, "motivation": advice.motivation,
            "recorded_at": iso_local(advice.recorded_at)},
    }


@bp.route("/calls/<int:call_id>/ranking")
@token_required
def call_ranking(call_id: int):
    call = db.get_or_404(Call, call_id)
    view = queries.call_ranking(call)
    result = view.ranking
    return jsonify({
        "call_id": call.id,
        "threshold": _points(result.threshold),
        "envelope": api_amount(result.envelope),
        "requested_total": api_amount(result.requested_total),
        "threshold_index": result.threshold_index,
        "envelope_index": result.envelope_index,
        "items": [ranking_item(row, view.advice.get(row.application_id)) for row in result.rows],
    })


@bp.route("/calls/<int:call_id>/conflicts")
@token_required
def call_conflicts(call_id: int):
    call = db.get_or_404(Call, call_id)
    rows = access.conflict_rows(call.id)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_({r.juror_id for r in rows})))}
    numbers = dict(db.session.execute(sa.select(Application.id, Application.dossier_number).where(
        Application.call_id == call.id)).all())
    return jsonify({"call_id": call.id, "items": [{
        "application_id": r.application_id,
        "dossier_number": numbers.get(r.application_id),
        "juror_id": r.juror_id,
        "juror_email": users[r.juror_id].email,
        "juror_name": users[r.juror_id].name,
        "kind": r.kind.value,
        "source": r.source.value,
        "reason": r.reason,
        "overridden": r.overridden,
        "override_reason": r.override_reason,
    } for r in rows]})


_POINTS = {"type": "string", "pattern": r"^\d{1,3}\.\d{2}$", "nullable": True,
           "description": "Points out of 100, two decimals; null without submitted sheets (std: with fewer than two)"}

register(
    paths={
        "/calls/{call_id}/ranking": {"get": {
            "summary": "The jury's ranking of a call, by rank",
            "operationId": "getCallRanking",
            "description": "Weighted totals of the submitted score sheets (conflicted jurors left out), the "
                           "ranking normalised per juror, the running total of the requested amounts and the two "
                           "lines: the quality threshold and the point where the envelope runs out.",
            "parameters": [id_parameter("call_id", "The call's id")],
            "responses": {
                "200": {"description": "The ranking", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Ranking"}}}},
                "401": UNAUTHORISED, "404": NOT_FOUND,
            }}},
        "/calls/{call_id}/conflicts": {"get": {
            "summary": "The conflicts of interest of a call's jury",
            "operationId": "listCallConflicts",
            "parameters": [id_parameter("call_id", "The call's id")],
            "responses": {
                "200": {"description": "The conflicts, by application and juror", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ConflictList"}}}},
                "401": UNAUTHORISED, "404": NOT_FOUND,
            }}},
    },
    schemas={
        "JuryAdvice": {
            "type": "object", "nullable": True, "required": ["outcome", "motivation", "recorded_at"],
            "description": "The jury's advice recorded by the chair; null when none yet",
            "properties": {"outcome": {"type": "string", "enum": [o.value for o in AdviceOutcome]},
                           "motivation": {"type": "string"}, "recorded_at": INSTANT}},
        "RankingItem": {
            "type": "object",
            "required": ["application_id", "dossier_number", "organisation", "requested", "weighted_total", "mean",
                         "median", "std", "min", "max", "count", "normalised_total", "rank", "normalised_rank",
                         "rank_change", "disagreement", "running_requested", "above_threshold", "within_envelope",
                         "advice"],
            "properties": {
                "application_id": {"type": "integer"},
                "dossier_number": {"type": "string", "nullable": True},
                "organisation": {"type": "string"},
                "requested": AMOUNT,
                "weighted_total": {**_POINTS, "description": "Mean of the sheets' weighted totals, points out of 100"},
                "mean": _POINTS, "median": _POINTS, "std": _POINTS, "min": _POINTS, "max": _POINTS,
                "count": {"type": "integer", "description": "Submitted sheets that count"},
                "normalised_total": {**_POINTS, "description": "Mean of the sheets normalised per juror"},
                "rank": {"type": "integer", "nullable": True, "description": "Competition rank (1, 2, 2, 4)"},
                "normalised_rank": {"type": "integer", "nullable": True},
                "rank_change": {"type": "integer", "nullable": True,
                                "description": "rank - normalised_rank: positive moves up when normalised"},
                "disagreement": {"type": "boolean", "description": "The jurors' totals are far apart"},
                "running_requested": {**AMOUNT, "description": "Running total of the requested amounts"},
                "above_threshold": {"type": "boolean"},
                "within_envelope": {"type": "boolean"},
                "advice": {"$ref": "#/components/schemas/JuryAdvice"},
            }},
        "Ranking": {
            "type": "object",
            "required": ["call_id", "threshold", "envelope", "requested_total", "threshold_index", "envelope_index",
                         "items"],
            "properties": {
                "call_id": {"type": "integer"},
                "threshold": {**_POINTS, "description": "The quality threshold, points out of 100; null: none"},
                "envelope": AMOUNT,
                "requested_total": AMOUNT,
                "threshold_index": {"type": "integer", "nullable": True,
                                    "description": "Index in items of the first row below the threshold"},
                "envelope_index": {"type": "integer", "nullable": True,
                                   "description": "Index in items of the first row beyond the envelope"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/RankingItem"}},
            }},
        "Conflict": {
            "type": "object",
            "required": ["application_id", "dossier_number", "juror_id", "juror_email", "juror_name", "kind",
                         "source", "reason", "overridden", "override_reason"],
            "properties": {
                "application_id": {"type": "integer"},
                "dossier_number": {"type": "string", "nullable": True},
                "juror_id": {"type": "integer"}, "juror_email": {"type": "string"}, "juror_name": {"type": "string"},
                "kind": {"type": "string", "enum": [k.value for k in ConflictKind]},
                "source": {"type": "string", "enum": [s.value for s in ConflictSource],
                           "description": "automatic: a membership of the applicant or a partner (computed now)"},
                "reason": {"type": "string"},
                "overridden": {"type": "boolean", "description": "An admin lifted the conflict, with a reason"},
                "override_reason": {"type": "string", "nullable": True},
            }},
        "ConflictList": {
            "type": "object", "required": ["call_id", "items"],
            "properties": {"call_id": {"type": "integer"},
                           "items": {"type": "array", "items": {"$ref": "#/components/schemas/Conflict"}}}},
    },
)
