"""The calls in the read-only API: fields, exact amounts, Brussels offsets, 401/404, OpenAPI."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from grants.accounts.operations import create_api_token
from grants.calls.operations import CallData, create_call
from grants.calls.presets import ACTION_PLAN, COUNTER_VOICES, REGIE_ROLE
from grants.calls.states import CallStatus
from grants.extensions import db
from tests.conftest import auth
from tests.support.calls import brussels


def _call(preset, title, opens, closes, status=CallStatus.PUBLISHED, **overrides):
    call = create_call(CallData.from_preset(preset, title=title, opens_at=opens, closes_at=closes, **overrides),
                       status=status)
    db.session.commit()
    return call


@pytest.mark.parametrize("url", ["/api/v1/calls", "/api/v1/calls/1"])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}])
def test_calls_need_a_token(client, factory, url, headers):
    factory.call()
    db.session.commit()
    response = client.get(url, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorised"


def test_an_applicants_token_is_refused(client, factory):
    applicant = factory.user(role="applicant")
    value = create_api_token(applicant)
    db.session.commit()
    assert client.get("/api/v1/calls", headers=auth(value)).status_code == 403


def test_a_regie_role_call_with_every_field(client, token):
    call = _call(REGIE_ROLE, "Lokale regierol 2021-2022", brussels(2021, 3, 15, 9, 0), brussels(2021, 5, 14, 23, 59),
                 status=CallStatus.DECIDED, project_start=date(2021, 7, 1))
    body = client.get(f"/api/v1/calls/{call.id}", headers=auth(token)).get_json()
    assert body["id"] == call.id and body["title"] == "Lokale regierol 2021-2022"
    assert (body["kind"], body["status"], body["selection_mode"]) == ("regie_role", "decided", "competitive")
    assert body["opens_at"] == "2021-03-15T09:00:00+01:00"  # winter time
    assert body["closes_at"] == "2021-05-14T23:59:00+02:00"  # summer time
    assert (body["envelope"], body["max_amount"], body["max_amount_per_year"]) == ("1500000.00", "60000.00", "60000.00")
    assert body["cofinancing_rule"] == {
        "kind": "share_of_total_cost", "value": "20", "waiver_allowed": True,
        "description": "Uw eigen bijdrage is minstens 20% van de totale projectkost. "
                       "Een gemotiveerde afwijking kan worden aangevraagd."}
    assert [c["name"] for c in body["criteria"]] == ["Probleemanalyse", "Opnemen van de regierol",
                                                     "Gerichte interventies", "Bovenlokale samenwerking"]
    assert body["criteria"][0] == {
        "name": "Probleemanalyse", "weight": "30",
        "description": "Steunt het project op een duidelijke analyse van de lokale pijnpunten?",
        "scale_min": 0, "scale_max": 10, "required": True}
    assert sum(D(c["weight"]) for c in body["criteria"]) == 100
    assert body["kpis"][0] == {"name": "Betrokken netwerkpartners", "unit": "partners", "maximum": None}
    assert body["payment_tranches"] == [{"label": "Voorschot", "percent": "60", "trigger": "award"},
                                        {"label": "Saldo", "percent": "40", "trigger": "final_report"}]


def test_the_action_plan_rule_and_kpis(client, token):
    call = _call(ACTION_PLAN, "Lokaal actieplan polarisatie 2022", brussels(2022, 4, 1, 9, 0),
                 brussels(2022, 7, 1, 23, 59), envelope=D("2500000"))
    body = client.get(f"/api/v1/calls/{call.id}", headers=auth(token)).get_json()
    assert body["cofinancing_rule"]["kind"] == "multiple_of_subsidy" and body["cofinancing_rule"]["value"] == "1"
    assert body["cofinancing_rule"]["waiver_allowed"] is False
    assert body["criteria"] == []
    assert body["kpis"] == [{"name": "Actieplan opgemaakt", "unit": "ja (1) / nee (0)", "maximum": "1"},
                            {"name": "Actieplan uitgevoerd", "unit": "% van de geplande acties", "maximum": "100"}]
    assert body["max_amount"] == "25000.00" and body["closes_at"] == "2022-07-01T23:59:00+02:00"


def test_the_list_holds_every_call_and_filters_by_status(client, token, factory):
    _call(COUNTER_VOICES, "Tegengeluiden 2017", brussels(2017, 7, 1, 9, 0), brussels(2017, 9, 29, 23, 59),
          status=CallStatus.DECIDED)
    factory.call(title="Ontwerp", status=CallStatus.DRAFT)
    db.session.commit()
    items = client.get("/api/v1/calls", headers=auth(token)).get_json()["items"]
    assert {i["title"] for i in items} == {"Tegengeluiden 2017", "Ontwerp"}
    decided = client.get("/api/v1/calls?status=decided", headers=auth(token)).get_json()["items"]
    assert [i["title"] for i in decided] == ["Tegengeluiden 2017"]
    assert decided[0]["envelope"] == "500000.00" and decided[0]["cofinancing_rule"]["value"] is None
    bad = client.get("/api/v1/calls?status=bogus", headers=auth(token))
    assert bad.status_code == 400 and "Onbekende status" in bad.get_json()["detail"]


def test_an_unknown_call_is_a_json_404(client, token):
    response = client.get("/api/v1/calls/424242", headers=auth(token))
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"] == "Pagina niet gevonden"


def test_the_openapi_document_describes_the_calls(client, token):
    doc = client.get("/api/v1/openapi.json", headers=auth(token)).get_json()
    assert "/calls" in doc["paths"] and "/calls/{call_id}" in doc["paths"]
    schema = doc["components"]["schemas"]["Call"]
    for name in ("id", "title", "kind", "status", "selection_mode", "opens_at", "closes_at", "envelope", "max_amount",
                 "cofinancing_rule", "criteria", "kpis"):
        assert name in schema["properties"] and name in schema["required"]
    assert doc["paths"]["/calls/{call_id}"]["get"]["responses"]["404"]
