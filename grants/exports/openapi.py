"""The OpenAPI 3 document of the read-only API (kept beside the routes it describes)."""
from __future__ import annotations

AMOUNT = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Euro, two decimals", "example": "25000.00"}
INSTANT = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (Europe/Brussels)"}


def _list_of(ref: str) -> dict:
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}}}


def _ok(schema_ref: str, description: str) -> dict:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}},
            "401": {"$ref": "#/components/responses/Unauthorised"}}


SCHEMAS: dict = {
    "Error": {"type": "object", "properties": {"error": {"type": "string"}, "detail": {"type": "string"}}},
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
                              "responses": {"200": {"description": "OpenAPI 3 document"}}}},
}


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
            "responses": {"Unauthorised": {"description": "Missing or invalid token", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": SCHEMAS,
        },
    }
