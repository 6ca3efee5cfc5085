"""API filters: a filter the server does not understand is a 400, never the whole list; 405 names what is allowed."""
from __future__ import annotations

import pytest

from grants.applications.states import ApplicationStatus
from grants.calls.states import CallStatus
from grants.exports.api import openapi_document
from grants.extensions import db
from tests.conftest import auth
from tests.support.applications import complete_application


@pytest.fixture
def data(factory):
    published = factory.call(title="Open oproep", status=CallStatus.PUBLISHED)
    factory.call(title="Ontwerp", status=CallStatus.DRAFT)
    gent = factory.organisation("Gent", refnis="44021")
    aalst = factory.organisation("Aalst", refnis="41002")
    complete_application(published, gent, status=ApplicationStatus.DRAFT)
    complete_application(published, aalst, status=ApplicationStatus.SUBMITTED, dossier_number="TG-2027-0001",
                         dossier_sequence=1)
    db.session.commit()
    return published


def _lists(call) -> dict[str, tuple[str, str, list[str]]]:
    """Per endpoint: its URL, the field that names an item, and the status values it knows."""
    return {"calls": ("/api/v1/calls", "title", [s.value for s in CallStatus]),
            "applications": (f"/api/v1/calls/{call.id}/applications", "organisation",
                             [s.value for s in ApplicationStatus])}


@pytest.mark.parametrize("endpoint", ["calls", "applications"])
@pytest.mark.parametrize("query, message", [
    ("status=", "De parameter 'status' is leeg; laat hem weg of kies uit "),
    ("status=%20", "De parameter 'status' is leeg; laat hem weg of kies uit "),
    ("status=bogus", "Onbekende status 'bogus'; kies uit "),
    ("status=DRAFT", "Onbekende status 'DRAFT'; kies uit "),
    ("status=%20draft", "Onbekende status ' draft'; kies uit "),
    ("status=draft&status=submitted", "Geef 'status' hoogstens één keer mee; kies uit "),
])
def test_an_empty_or_unknown_status_filter_is_a_400(client, token, data, endpoint, query, message):
    url, _, values = _lists(data)[endpoint]
    response = client.get(f"{url}?{query}", headers=auth(token))
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["error"] == "Ongeldige aanvraag"
    assert body["detail"].startswith(message) and body["detail"].endswith(", ".join(values) + ".")


@pytest.mark.parametrize("endpoint, query, names", [
    ("calls", "", {"Open oproep", "Ontwerp"}),
    ("calls", "status=draft", {"Ontwerp"}),
    ("calls", "status=published", {"Open oproep"}),
    ("calls", "status=archived", set()),
    ("applications", "", {"Gent", "Aalst"}),
    ("applications", "status=draft", {"Gent"}),
    ("applications", "status=submitted", {"Aalst"}),
    ("applications", "status=awarded", set()),
    ("applications", "other=1", {"Gent", "Aalst"}),  # an undeclared parameter is ignored, as usual
])
def test_known_status_filters(client, token, data, endpoint, query, names):
    url, field, _ = _lists(data)[endpoint]
    response = client.get(f"{url}?{query}", headers=auth(token))
    assert response.status_code == 200
    assert {item[field] for item in response.get_json()["items"]} == names


@pytest.mark.parametrize("path, values", [("/calls", [s.value for s in CallStatus]),
                                          ("/calls/{call_id}/applications", [s.value for s in ApplicationStatus])])
def test_the_openapi_document_says_so(path, values):
    doc = openapi_document()
    operation = doc["paths"][path]["get"]
    status = next(p for p in operation["parameters"] if p["name"] == "status")
    assert status["in"] == "query" and status["required"] is False
    assert status["schema"] == {"type": "string", "enum": values}
    assert "an empty or unknown value is a 400" in status["description"]
    assert operation["responses"]["400"] == {"$ref": "#/components/responses/BadRequest"}
    bad_request = doc["components"]["responses"]["BadRequest"]
    assert bad_request["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "detail"]


def test_ids_in_the_openapi_document_have_the_range_the_server_accepts():
    doc = openapi_document()
    for path, item in doc["paths"].items():
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, path
                assert item["get"]["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}, path


# --- 405: Werkzeug sets Allow on MethodNotAllowed, but a custom error handler used to drop it ----

@pytest.mark.parametrize("method, url, allowed", [
    ("POST", "/calls", {"GET", "HEAD", "OPTIONS"}),
    ("DELETE", "/login", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("PUT", "/api/v1/calls", {"GET", "HEAD", "OPTIONS"}),
    ("DELETE", "/api/v1/calls/1", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_405_names_the_allowed_methods(client, token, method, url, allowed):
    response = client.open(url, method=method, headers=auth(token))
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    if url.startswith("/api/"):
        assert response.is_json and response.get_json()["error"] == "Niet toegestaan"
    else:
        assert "Niet toegestaan" in response.get_data(as_text=True)


def test_a_401_keeps_its_www_authenticate_header(client):
    response = client.get("/api/v1/calls")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


# --- ?page= of every paginated list: the document says integer from 1, so an empty one is a 400 too --------

def _paginated_lists(call_id: int) -> list[str]:
    """Every GET of the served document that takes ?page=, its path ids filled with the data's call."""
    doc = openapi_document()
    return sorted(path.replace("{call_id}", str(call_id)) for path, item in doc["paths"].items()
                  if any(p["name"] == "page" for p in item.get("get", {}).get("parameters", [])))


@pytest.mark.parametrize("query", ["page=", "page=%20", "page=0", "page=abc", "page=1.0", "page=&page=2"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_on_every_list(client, token, data, query):
    lists = _paginated_lists(data.id)
    assert {"/api/v1/calls", "/api/v1/organisations", "/api/v1/projects"} <= {f"/api/v1{p}" for p in lists}
    for path in lists:
        response = client.get(f"/api/v1{path}?{query}", headers=auth(token))
        assert response.status_code == 400 and response.is_json, (path, query, response.status_code)
        assert response.get_json()["detail"].startswith("De parameter 'page' moet een geheel getal van 1"), path


def test_an_empty_call_filter_on_the_projects_is_a_400(client, token, data):
    response = client.get("/api/v1/projects?call=", headers=auth(token))
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["detail"].startswith("De parameter 'call' moet een geheel getal van 1")
    assert client.get("/api/v1/projects", headers=auth(token)).status_code == 200
