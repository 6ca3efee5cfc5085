"""The read-only API: bearer token check, OpenAPI document, organisations."""
from __future__ import annotations

import pytest

from grants.accounts.operations import create_api_token
from grants.extensions import db
from tests.conftest import auth
from grants.organisations.models import OrganisationKind


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer wrong-token"},
                                     {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "bearer"}])
def test_missing_or_wrong_token_gets_401(client, token, headers):
    for path in ("/api/v1/organisations", "/api/v1/openapi.json"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.is_json and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_session_is_not_enough(logged_in):
    browser, _ = logged_in("admin")
    assert browser.get("/api/v1/organisations").status_code == 401


def test_token_of_a_deactivated_admin_is_refused(client, factory):
    admin = factory.user(role="admin")
    value = create_api_token(admin)
    admin.active = False
    db.session.commit()
    assert client.get("/api/v1/organisations", headers=auth(value)).status_code == 401


def test_organisations(client, token, municipalities, factory):
    factory.organisation(name="CIBO", kind=OrganisationKind.NONPROFIT, kbo="0123456749", province="Antwerpen")
    db.session.commit()
    body = client.get("/api/v1/organisations", headers=auth(token)).get_json()
    by_name = {item["name"]: item for item in body["items"]}
    assert by_name["Antwerpen"] == {"id": by_name["Antwerpen"]["id"], "name": "Antwerpen", "kind": "municipality",
                                    "refnis": "11002", "kbo": None, "province": "Antwerpen"}
    assert by_name["CIBO"]["kbo"] == "0123456749" and by_name["CIBO"]["kind"] == "nonprofit"
    assert sum(1 for item in body["items"] if item["kind"] == "municipality") == 285


def test_openapi_document_describes_every_api_route(app, client, token):
    doc = client.get("/api/v1/openapi.json", headers=auth(token)).get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    documented = set(doc["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1")
            path = path.replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert path in documented, f"{rule.rule} is not in the OpenAPI document"
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            assert "responses" in operation


def test_unknown_api_path_is_a_json_404(client, token):
    response = client.get("/api/v1/nothing-here", headers=auth(token))
    assert response.status_code == 404 and response.is_json
