"""The OpenAPI 3 document of the read-only API (kept beside the routes it describes)."""
from __future__ import annotations

from ..converters import DB_INT_MAX

AMOUNT = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Euro, two decimals", "example": "25000.00"}
INSTANT = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (Europe/Brussels)"}
# The answers every endpoint can give besides its own, as references to components.responses.
BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
UNAUTHORISED = {"$ref": "#/components/responses/Unauthorised"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}


def id_parameter(name: str, description: str) -> dict:
    """A path id: ids outside 1 .. 2^31-1 cannot exist in any of our databases and answer 404."""
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}}


def enum_parameter(name: str, values: list[str], description: str) -> dict:
    """An optional filter (read with converters.enum_arg): left out, no filter; empty or unknown, a 400."""
    return {"name": name, "in": "query", "required": False,
            "description": f"{description}. Leave it out for all; an empty or unknown value is a 400.",
            "schema": {"type": "string", "enum": list(values)}}


def _list_of(ref: str) -> dict:
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}}}


def _ok(schema_ref: str, description: str) -> dict:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}},
            "401": UNAUTHORISED}


SCHEMAS: dict = {
    "Error": {"type": "object", "required": ["error", "detail"],
              "properties": {"error": {"type": "string", "description": "What went wrong, in a few words"},
                             "detail": {"type": "string", "description": "The explanation, in Dutch"}}},
    "Organisation": {
        "type": "object", "required": ["id", "name", "kind"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["municipality", "ocmw", "vgc", "vzw_de_rand", "other_local_government",
                                                "nonprofit", "school", "university", "other"]},
            "refnis": {"type": "string", "nullable": True}, "kbo": {"type": "string", "nullable": True},
            "province": {"type": "string", "nullable": True}}},
    "OrganisationList": _list_of("Organisation"),
}

PATHS: dict = {
    "/organisations": {"get": {"summary": "All organisations", "operationId": "listOrganisations",
                               "responses": _ok("OrganisationList", "The organisations")}},
    "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                              "responses": {"200": {"description": "OpenAPI 3 document", "content": {
                                  "application/json": {"schema": {"type": "object",
                                                                   "required": ["openapi", "paths"]}}}},
                                            "401": UNAUTHORISED}}},
}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def register(paths: dict, schemas: dict) -> None:
    """Other parts add their endpoints here, next to their routes."""
    PATHS.update(paths)
    SCHEMAS.update(schemas)


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Plan Samenleven projectoproepen - read-only API", "version": "1.0.0",
                 "description": "Read-only access for agency staff. Amounts are decimal strings with two decimals; "
                                "instants are ISO 8601 with their offset."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "BadRequest": _error("A query parameter is empty, unknown or out of range"),
                "Unauthorised": {**_error("Missing or invalid token"), "headers": {"WWW-Authenticate": {
                    "description": "Bearer realm=\"api\"", "schema": {"type": "string"}}}},
                "NotFound": _error("No such object (or an id outside 1 .. 2147483647)"),
            },
            "schemas": SCHEMAS,
        },
    }
