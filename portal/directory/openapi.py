"""Our HSDS 3.1 API as an OpenAPI 3.1 document, built from hsds_spec so it is self-contained and follows the models.

The official openapi.json refers to its schemas by URLs on the web; ours keeps every schema under
`#/components/schemas`, one per HSDS object named as the object, plus the shapes of list items and
pages. The query parameters are described here once: the API reads them by these same rules.
"""

from __future__ import annotations

import re
from functools import cache

from portal.directory.hsds_spec import (
    NESTED_LISTS, NESTED_OBJECTS, OBJECTS, WITHOUT_ATTRIBUTES, WITHOUT_METADATA, Field, fields,
)
from portal.directory.hsds_values import TIME_OF_DAY

HSDS_VERSION = "3.1"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
SEARCH_LIMIT = 1000  # the best matches a `search` can return, over all pages
MAX_PROXIMITY = 200_000  # metres
NDJSON = "application/x-ndjson"

_FORMATS = {"uuid": "uuid", "date": "date", "datetime": "date-time", "email": "email", "uri": "uri"}
_UUID = {"type": "string", "format": "uuid"}
_BOOLEAN = {"type": "boolean"}

# name -> (schema, description); the API checks each value against its schema and answers 400 when it does not fit.
PARAMETERS: dict[str, tuple[dict, str]] = {
    "search": ({"type": "string"}, f"Words to look for (stemmed, with synonyms in English and Spanish). At most the {SEARCH_LIMIT} best matches are returned, best first; only services the public directory search finds (status active or temporarily closed). Organizations, taxonomies and taxonomy terms match words in their name."),
    "page": ({"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number of the paginated result, from 1."),
    "per_page": ({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}, "Number of results in a page."),
    "format": ({"type": "string", "enum": ["json", "ndjson"], "default": "json"}, f"`ndjson` streams every result, one JSON object per line ({NDJSON}), without pages; `page` and `per_page` are then ignored."),
    "minimal": (_BOOLEAN, "Only the service's own fields, without its organization and program."),
    "full": (_BOOLEAN, "Fully nested objects, as the endpoint for one object gives them."),
    "full_service": (_BOOLEAN, "The organization's services fully nested (implies `full` for a list)."),
    "taxonomy_term_id": (_UUID, "Only records linked by an attribute to this taxonomy term."),
    "taxonomy_id": (_UUID, "Only records linked by an attribute to any term of this taxonomy."),
    "organization_id": (_UUID, "Only services this organization provides."),
    "parent_id": (_UUID, "Only taxonomy terms whose parent is this term."),
    "top_only": (_BOOLEAN, "Only top-level taxonomy terms (without a parent)."),
    "modified_after": ({"type": "string", "format": "date-time"}, "Only services whose last_modified is on or after this date and time (RFC 3339, with a time zone)."),
    "postcode": ({"type": "string"}, "Only services at a location with an address in this postcode; with `proximity`, the centre of this US ZIP code instead."),
    "proximity": ({"type": "number", "exclusiveMinimum": 0, "maximum": MAX_PROXIMITY}, "Only services at a location within this many metres of the centre of `postcode`, nearest first."),
}
_LIST = ["search", "page", "per_page", "format"]
OPERATION_PARAMETERS: dict[str, list[str]] = {
    "services": [*_LIST, "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "minimal", "full"],
    "organizations": [*_LIST, "taxonomy_term_id", "taxonomy_id", "full", "full_service"],
    "organization": ["full_service"],
    "service_at_locations": [*_LIST, "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "full", "postcode", "proximity"],
    "taxonomies": _LIST,
    "taxonomy_terms": [*_LIST, "taxonomy_id", "parent_id", "top_only"],
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _scalar(spec: Field) -> dict:
    schema = {"type": "number"} if spec.kind == "number" else {"type": "string"}
    if spec.kind in _FORMATS:
        schema["format"] = _FORMATS[spec.kind]
    if spec.kind == "enum":
        schema["enum"] = list(spec.choices)
    if spec.kind == "time":
        schema["pattern"] = f"^{TIME_OF_DAY.pattern}$"
    return schema


def _description(name: str) -> str:
    return re.sub(r"^HSDS `\w+`: ", "", OBJECTS[name][0].__doc__ or name)


def summary_schema(name: str, **extra: dict) -> dict:
    """An object's own fields only (what a list item holds), with `extra` nested objects."""
    specs = fields(name)
    return {"type": "object", "description": _description(name),
            "properties": {spec.name: _scalar(spec) for spec in specs} | extra,
            "required": [spec.name for spec in specs if spec.required]}


def object_schema(name: str) -> dict:
    """An HSDS object as our JSON has it, nested children by reference."""
    schema = summary_schema(name)
    required_columns = {spec.name for spec in fields(name) if spec.required}
    for prop, child in NESTED_LISTS.get(name, ()):
        schema["properties"][prop] = {"type": "array", "items": _ref(child)}
    for prop, child, column in NESTED_OBJECTS.get(name, ()):
        schema["properties"][prop] = _ref(child)
        if column in required_columns:
            schema["required"].append(prop)
    if name not in WITHOUT_ATTRIBUTES:
        schema["properties"]["attributes"] = {"type": "array", "items": _ref("attribute")}
    if name not in WITHOUT_METADATA:
        schema["properties"]["metadata"] = {"type": "array", "items": _ref("metadata")}
    return schema


def _page(items: dict, description: str) -> dict:
    return {
        "description": description,
        "allOf": [_ref("Page")],
        "type": "object",
        "properties": {"contents": {"type": "array", "items": items}},
        "required": ["contents"],
    }


def _schemas() -> dict:
    schemas = {name: object_schema(name) for name in OBJECTS}
    page_fields = {
        "total_items": ("integer", "How many results there are in all the pages."),
        "total_pages": ("integer", "How many pages of results there are (0 when there are none)."),
        "page_number": ("integer", "The number of this page, from 1."),
        "size": ("integer", "How many results this page holds."),
        "first_page": ("boolean", "Whether this is the first page."),
        "last_page": ("boolean", "Whether this is the last page (or past it)."),
        "empty": ("boolean", "Whether this page holds no results."),
    }
    schemas["Page"] = {
        "type": "object",
        "properties": {name: {"type": kind, "description": text} | ({"minimum": 0} if kind == "integer" else {})
                       for name, (kind, text) in page_fields.items()},
        "required": list(page_fields),
    }
    schemas["Error"] = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
    schemas["ApiInfo"] = {
        "type": "object",
        "properties": {
            "version": {"type": "string", "description": "HSDS version of this API."},
            "profile": {"type": "string", "format": "uri", "description": "URL of the information on the HSDS profile of this API."},
            "openapi_url": {"type": "string", "format": "uri", "description": "URL of the OpenAPI document which defines this API."},
        },
        "required": ["version", "profile", "openapi_url"],
    }
    schemas["Profile"] = {
        "type": "object",
        "description": "Plain HSDS 3.1; facts HSDS has no field for travel as attributes against terms of our taxonomy.",
        "properties": {
            "name": {"type": "string"}, "hsds_version": {"type": "string"}, "description": {"type": "string"},
            "taxonomy": _ref("taxonomy"),
            "extensions": {"type": "array", "items": {"type": "object", "properties": {
                "object": {"type": "string"}, "taxonomy_term": _ref("taxonomy_term"),
                "values": {"type": "array", "items": {"type": "string"}},
            }, "required": ["object", "taxonomy_term"]}},
        },
        "required": ["name", "hsds_version", "description", "taxonomy", "extensions"],
    }
    schemas["ServiceListItem"] = summary_schema(
        "service", organization=summary_schema("organization"), program=summary_schema("program"))
    schemas["ServiceAtLocationListItem"] = summary_schema(
        "service_at_location", location=summary_schema("location"), service=_ref("ServiceListItem"))
    schemas["OrganizationFull"] = {
        "allOf": [_ref("organization")],
        "type": "object",
        "properties": {"services": {"type": "array", "items": {"anyOf": [_ref("ServiceListItem"), _ref("service")]},
                                    "description": "The organization's services: their own fields, or fully nested with `full_service`."}},
        "required": ["services"],
    }
    schemas["ServiceAtLocationFull"] = {
        "allOf": [_ref("service_at_location")],
        "type": "object",
        "properties": {"service": _ref("service")},
        "required": ["service"],
    }
    schemas["ServicePage"] = _page({"anyOf": [_ref("ServiceListItem"), _ref("service")]}, "A page of services.")
    schemas["OrganizationPage"] = _page({"anyOf": [summary_schema("organization"), _ref("OrganizationFull")]}, "A page of organizations.")
    schemas["ServiceAtLocationPage"] = _page({"anyOf": [_ref("ServiceAtLocationListItem"), _ref("ServiceAtLocationFull")]}, "A page of services at locations.")
    schemas["TaxonomyPage"] = _page(_ref("taxonomy"), "A page of taxonomies.")
    schemas["TaxonomyTermPage"] = _page(_ref("taxonomy_term"), "A page of taxonomy terms.")
    return schemas


def _parameter(name: str) -> dict:
    schema, description = PARAMETERS[name]
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "A query parameter is malformed or out of range; `error` says which and why."),
}
_NOT_FOUND = {"404": _json(_ref("Error"), "No such record (or a malformed id).")}


def _list(operation_id: str, key: str, page: str, item: dict, summary: str) -> dict:
    ok = _json(_ref(page), "One page of results.")
    ok["content"][NDJSON] = {"schema": {**item, "description": "With format=ndjson: every result, one per line."}}
    return {"get": {
        "operationId": operation_id, "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in OPERATION_PARAMETERS[key]],
        "responses": {"200": ok, **_ERRORS},
    }}


def _one(operation_id: str, what: str, schema: dict, parameters: list[str] = ()) -> dict:
    return {
        "parameters": [{"name": "id", "in": "path", "required": True, "description": f"The id of the {what}.", "schema": _UUID}],
        "get": {
            "operationId": operation_id, "summary": f"One {what}, fully nested.",
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
            "responses": {"200": _json(schema, f"The {what}."), **(_ERRORS if parameters else {}), **_NOT_FOUND},
        },
    }


@cache
def document() -> dict:
    """The OpenAPI document; its server is relative, so the same document serves any host."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Community health portal: resource directory (HSDS 3.1)",
            "version": "1.0.0",
            "summary": "The community resource directory as Open Referral HSDS 3.1, public and read-only.",
            "description": (
                "Open data: no sign-in, GET only, any origin. Lists are pages (`Page`) ordered by name unless a "
                "`search` or `proximity` orders them by relevance or distance; `format=ndjson` streams every "
                "result instead. Services of every status are listed (check `status`), except that `search` "
                "finds only those the public directory shows (active or temporarily closed). While the search "
                "index is being rebuilt, `search` falls back to a plain match of every word in a service's name "
                "or description. Errors are JSON: `{\"error\": \"...\"}` with status 400 or 404."
            ),
        },
        "servers": [{"url": "/api/hsds"}],
        "paths": {
            "/": {"get": {"operationId": "getAPIMetaInformation", "summary": "Information about this API and its relationship with HSDS.",
                          "responses": {"200": _json(_ref("ApiInfo"), "The HSDS version, profile and OpenAPI document of this API.")}}},
            "/services": _list("getPaginatedListOfServices", "services", "ServicePage", {"anyOf": [_ref("ServiceListItem"), _ref("service")]},
                               "Services: their own fields with their organization and program, or `minimal` or `full`."),
            "/services/{id}": _one("getFullyNestedServiceById", "service", _ref("service")),
            "/organizations": _list("getPaginatedListOfOrganizations", "organizations", "OrganizationPage",
                                    {"anyOf": [summary_schema("organization"), _ref("OrganizationFull")]}, "Organizations: their own fields, or `full`."),
            "/organizations/{id}": _one("getOrganizationById", "organization", _ref("OrganizationFull"), ["full_service"]),
            "/service_at_locations": _list("getPaginatedListOfServiceAtLocation", "service_at_locations", "ServiceAtLocationPage",
                                           {"anyOf": [_ref("ServiceAtLocationListItem"), _ref("ServiceAtLocationFull")]},
                                           "Services at locations, with their location and service, or `full`."),
            "/service_at_locations/{id}": _one("getServiceAtLocationWithNestedDataById", "service at a location", _ref("ServiceAtLocationFull")),
            "/taxonomies": _list("getPaginatedListOfTaxonomies", "taxonomies", "TaxonomyPage", _ref("taxonomy"), "Taxonomies."),
            "/taxonomies/{id}": _one("getTaxonomyById", "taxonomy", _ref("taxonomy")),
            "/taxonomy_terms": _list("getPaginatedListOfTaxonomyTerms", "taxonomy_terms", "TaxonomyTermPage", _ref("taxonomy_term"), "Taxonomy terms."),
            "/taxonomy_terms/{id}": _one("getTaxonomyTermById", "taxonomy term", _ref("taxonomy_term")),
            "/profile": {"get": {"operationId": "getProfile", "summary": "What this API adds to plain HSDS 3.1.",
                                 "responses": {"200": _json(_ref("Profile"), "Our taxonomy of listing facts HSDS has no field for.")}}},
            "/openapi.json": {"get": {"operationId": "getOpenAPIDocument", "summary": "This document.",
                                      "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document of this API.")}}},
        },
        "components": {
            "schemas": _schemas(),
            "parameters": {name: _parameter(name) for name in PARAMETERS},
        },
    }
