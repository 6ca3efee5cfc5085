"""The API keeps the promises of its own OpenAPI document, checked by schemathesis.

Schemathesis reads /api/v1/openapi.json from the Flask app in process (WSGI, no server) and, for
every operation, sends generated requests, valid and invalid ones (unknown status values, ids
out of range, missing or wrong tokens, other methods), then runs all its checks: no 500, status
code and content type documented, body matching the response schema, invalid input refused,
valid input accepted, Allow on a 405, authentication not ignored...

The database holds a few calls and applications so the generated ids sometimes hit real rows.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from grants.applications.states import ApplicationStatus
from grants.calls.states import CallStatus
from grants import create_app
from grants.exports.api import openapi_document
from grants.extensions import db
from tests.conftest import auth
from tests.support.applications import complete_application

MAX_EXAMPLES = 25


@pytest.fixture
def api_data(app, factory):
    gent = factory.organisation("Gent", refnis="44021")
    call = factory.call(status=CallStatus.PUBLISHED)
    factory.call(status=CallStatus.DRAFT, title="Ontwerp")
    complete_application(call, gent, status=ApplicationStatus.DRAFT)
    # an award with an override, so the awards list answers with an item of every field
    awarded = factory.application(call, factory.organisation("Aalst", refnis="41002"),
                                  status=ApplicationStatus.ADMISSIBLE)
    factory.decision(awarded, amount="12500.50", overridden_checks=["envelope"], override_reason="Aangevuld.")
    db.session.commit()


# The document as the app serves it (test_the_served_document_is_this_one); loaded at import, because
# schemathesis' lazy loader (from_fixture) does not work with pytest 9.2 (it sets the removed Node._nodeid).
# The app itself, with its fresh database, comes per test through the `app` argument of each call.
# Each part adds its operations to the document when its API module is imported: build an app first, so
# every part is imported as it is when the app serves the document (jury's ranking, follow-up's projects).
create_app({"GRANTS_ENV": "testing"})
DOCUMENT = openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
_current_token: dict[str, str] = {}
PLACEHOLDER = "token-of-the-test"


@schema.auth(refresh_interval=None)  # a fresh token per test (fresh database), never cached across tests
class AdminToken:
    """Schemathesis' own auth: it then knows the header, and leaves it out where it tests a missing token."""

    def get(self, case, context):
        # Also asked while collecting, before any test has its token: those cases carry PLACEHOLDER,
        # which the test swaps for its real token.
        return _current_token.get("value", PLACEHOLDER)

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), **auth(data)}


@pytest.fixture
def api_token(token):
    _current_token["value"] = token
    yield token
    _current_token.clear()


def _all_checks() -> list:
    load_all_checks()
    return [check for check in CHECKS.get_all() if callable(check) and not isinstance(check, type)]


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_the_api_matches_its_openapi_document(case, app, client, api_token, api_data, answers):
    case.operation.schema.app = app  # this test's app; checks that send again (ignored_auth...) go there too
    if case.headers and case.headers.get("Authorization") == f"Bearer {PLACEHOLDER}":
        case.headers["Authorization"] = f"Bearer {api_token}"
    response = case.call_and_validate(app=app, session=client, checks=_all_checks())
    answers.append((case.method.upper(), response.status_code))


@pytest.fixture
def answers():
    """(method, status) of what one operation answered: some GET must get a 200, else the token never worked."""
    codes: list[int] = []
    yield codes
    assert ("GET", 200) in codes, f"no request was answered with 200: {sorted(set(codes))}"


def test_the_served_document_is_this_one(client, token):
    assert client.get("/api/v1/openapi.json", headers=auth(token)).get_json() == DOCUMENT


def test_every_api_route_is_fuzzed(app):
    """Every /api/v1 route of the URL map (but the document itself) is an operation of the fuzzed schema."""
    import re
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    routes.discard("/openapi.json")
    assert routes and routes <= set(DOCUMENT["paths"])
    assert {"/projects", "/calls/{call_id}/ranking", "/calls/{call_id}/conflicts"} <= set(DOCUMENT["paths"])


def test_every_check_is_run():
    names = {getattr(check, "__name__", "") for check in _all_checks()}
    assert {"not_a_server_error", "status_code_conformance", "response_schema_conformance",
            "negative_data_rejection", "positive_data_acceptance", "ignored_auth", "unsupported_method",
            "allow_header_conformance", "content_type_conformance"} <= names
