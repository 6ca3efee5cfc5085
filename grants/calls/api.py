"""Read-only API endpoints for calls (attached to the api blueprint)."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, g, jsonify

from ..converters import enum_arg
from ..exports.api import bp, token_required
from ..exports.openapi import (
    AMOUNT, BAD_REQUEST, CALLS_PER_PAGE, INSTANT, NOT_FOUND, UNAUTHORISED, enum_parameter, id_parameter, page_parameter,
    paged_list_of, register,
)
from ..money import api_amount, format_decimal
from ..pagination import api_page_fields, page_of, requested_api_page
from ..timeutil import iso_local
from . import queries
from .models import Call
from .rules import CofinancingKind
from .states import CallKind, CallStatus, SelectionMode, TriggerKind


def _decimal_text(value: Decimal | None) -> str | None:
    """20.0000 -> '20', 0.5000 -> '0.5': exact, without float and without exponent."""
    return None if value is None else format_decimal(value, decimal_mark=".")


def call_json(call: Call) -> dict:
    rule = call.cofinancing_rule
    return {
        "id": call.id,
        "title": call.title,
        "kind": call.kind.value,
        "status": call.status.value,
        "selection_mode": call.selection_mode.value,
        "opens_at": iso_local(call.opens_at),
        "closes_at": iso_local(call.closes_at),
        "envelope": api_amount(call.envelope),
        "max_amount": api_amount(call.max_amount),
        "max_amount_per_year": api_amount(call.max_amount_per_year),
        "max_duration_months": call.max_duration_months,
        "allowed_kinds": list(call.allowed_kinds or []),
        "dossier_prefix": call.dossier_prefix,
        "previous_round_id": call.previous_round_id,
        "cofinancing_rule": {
            "kind": rule.kind.value,
            "value": _decimal_text(rule.value),
            "waiver_allowed": rule.waiver_allowed,
            "description": rule.describe(),
        },
        "criteria": [{"name": c.name, "description": c.description, "weight": _decimal_text(c.weight),
                      "scale_min": c.scale_min, "scale_max": c.scale_max, "required": c.required}
                     for c in call.criteria],
        "kpis": [{"name": k.name, "unit": k.unit, "maximum": _decimal_text(k.maximum)} for k in call.kpis],
        "report_months": list(call.report_months or []),
        "payment_tranches": [{"label": t.label, "percent": _decimal_text(t.percent), "trigger": t.trigger.value}
                             for t in call.tranches],
    }


@bp.route("/calls")
@token_required
def calls_list():
    status = enum_arg("status", CallStatus)
    number = requested_api_page()
    page = page_of(number, CALLS_PER_PAGE, queries.count_calls_for_api(g.api_user, status))
    calls = queries.all_calls_for_api(g.api_user, status, limit=page.size, offset=page.offset)
    return jsonify({"items": [call_json(c) for c in calls], **api_page_fields(page)})


@bp.route("/calls/<int:call_id>")
@token_required
def calls_detail(call_id: int):
    call = queries.load_visible(call_id, g.api_user)
    if call is None:
        abort(404)
    return jsonify(call_json(call))


_DECIMAL_TEXT = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "Exact decimal as text"}

register(
    paths={
        "/calls": {"get": {
            "summary": "All calls (drafts included), newest first", "operationId": "listCalls",
            "parameters": [enum_parameter("status", [s.value for s in CallStatus], "Only calls with this status"),
                           page_parameter(CALLS_PER_PAGE)],
            "responses": {
                "200": {"description": "The calls", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/CallList"}}}},
                "400": BAD_REQUEST, "401": UNAUTHORISED, "404": NOT_FOUND}}},
        "/calls/{call_id}": {"get": {
            "summary": "One call with its rules, criteria and KPIs", "operationId": "getCall",
            "parameters": [id_parameter("call_id", "The call's id")],
            "responses": {
                "200": {"description": "The call", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Call"}}}},
                "401": UNAUTHORISED, "404": NOT_FOUND}}},
    },
    schemas={
        "CofinancingRule": {
            "type": "object", "required": ["kind", "value", "waiver_allowed", "description"],
            "properties": {
                "kind": {"type": "string", "enum": [k.value for k in CofinancingKind]},
                "value": {**_DECIMAL_TEXT, "nullable": True,
                          "description": "k for multiple_of_subsidy, a percentage for the share rules"},
                "waiver_allowed": {"type": "boolean"},
                "description": {"type": "string", "description": "The rule in one Dutch sentence"}}},
        "Criterion": {
            "type": "object", "required": ["name", "weight", "scale_min", "scale_max", "required"],
            "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                           "weight": {**_DECIMAL_TEXT, "description": "Percentage; the weights add up to 100"},
                           "scale_min": {"type": "integer"}, "scale_max": {"type": "integer"},
                           "required": {"type": "boolean"}}},
        "Kpi": {
            "type": "object", "required": ["name", "unit"],
            "properties": {"name": {"type": "string"}, "unit": {"type": "string"},
                           "maximum": {**_DECIMAL_TEXT, "nullable": True}}},
        "PaymentTranche": {
            "type": "object", "required": ["label", "percent", "trigger"],
            "properties": {"label": {"type": "string"}, "percent": _DECIMAL_TEXT,
                           "trigger": {"type": "string", "enum": [t.value for t in TriggerKind]}}},
        "Call": {
            "type": "object",
            "required": ["id", "title", "kind", "status", "selection_mode", "opens_at", "closes_at", "envelope",
                         "max_amount", "cofinancing_rule", "criteria", "kpis"],
            "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"},
                "kind": {"type": "string", "enum": [k.value for k in CallKind]},
                "status": {"type": "string", "enum": [s.value for s in CallStatus]},
                "selection_mode": {"type": "string", "enum": [m.value for m in SelectionMode]},
                "opens_at": INSTANT, "closes_at": INSTANT,
                "envelope": AMOUNT, "max_amount": AMOUNT, "max_amount_per_year": {**AMOUNT, "nullable": True},
                "max_duration_months": {"type": "integer", "nullable": True},
                "allowed_kinds": {"type": "array", "items": {"type": "string"}},
                "dossier_prefix": {"type": "string"},
                "previous_round_id": {"type": "integer", "nullable": True},
                "cofinancing_rule": {"$ref": "#/components/schemas/CofinancingRule"},
                "criteria": {"type": "array", "items": {"$ref": "#/components/schemas/Criterion"}},
                "kpis": {"type": "array", "items": {"$ref": "#/components/schemas/Kpi"}},
                "report_months": {"type": "array", "items": {"type": "integer"}},
                "payment_tranches": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentTranche"}}}},
        "CallList": paged_list_of("Call"),
    },
)
