"""The OpenAPI 3 document of the read-only API (kept beside the routes it describes)."""
from __future__ import annotations

from ..converters import DB_INT_MAX

AMOUNT = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Euro, two decimals", "example": "25000.00"}
INSTANT = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (Europe/Brussels)"}
# The answers every endpoint can give besides its own, as references to components.responses.
BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
# Page sizes of the API lists; the organisations fit on one page (the 285 municipalities and the rest).
ORGANISATIONS_PER_PAGE = 500
CALLS_PER_PAGE = 100
APPLICATIONS_PER_PAGE = 100
AWARDS_PER_PAGE = 500  # a call's awards: tens, so nearly always one page
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


def page_parameter(per_page: int) -> dict:
    """`?page=` of a paginated list (grants.pagination): 1 when left out; not a whole number from 1, a 400;
    past the last page, a 404."""
    return {"name": "page", "in": "query", "required": False,
            "description": f"The page, {per_page} items each, from 1 (the default). Not a whole number from 1, "
                           "a 400; a page past the last one, a 404.",
            "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX, "default": 1}}


# The fields beside `items` of every paginated list (grants.pagination.api_page_fields).
PAGE_FIELDS = {
    "page": {"type": "integer", "minimum": 1, "description": "This page's number"},
    "per_page": {"type": "integer", "minimum": 1, "description": "Items per page (the last page may have fewer)"},
    "pages": {"type": "integer", "minimum": 1, "description": "Number of pages (1 for an empty list)"},
    "total": {"type": "integer", "minimum": 0, "description": "Items on all pages together"},
    "next": {"type": "string", "nullable": True,
             "description": "Path of the next page with the same filters, or null on the last page",
             "example": "/api/v1/calls/3/applications?page=2"},
}
PAGE_REQUIRED = ["items", "page", "per_page", "pages", "total", "next"]


def paged_list_of(ref: str, **extra_properties) -> dict:
    """The schema of one page of a list of `ref`."""
    return {"type": "object", "required": [*PAGE_REQUIRED, *extra_properties],
            "properties": {**extra_properties,
                           "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
                           **PAGE_FIELDS}}


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
    "OrganisationList": paged_list_of("Organisation"),
}

PATHS: dict = {
    "/organisations": {"get": {"summary": "All organisations, by name", "operationId": "listOrganisations",
                               "parameters": [page_parameter(ORGANISATIONS_PER_PAGE)],
                               "responses": {**_ok("OrganisationList", "The organisations"),
                                             "400": BAD_REQUEST, "404": NOT_FOUND}}},
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
                "NotFound": _error("No such object (or an id outside 1 .. 2147483647), or a page past the last"),
            },
            "schemas": SCHEMAS,
        },
    }
