"""Schemathesis fuzzes every operation of our HSDS API against our own OpenAPI document.

Valid and invalid parameters alike: never a 5xx, every status documented, every body and content
type as the document says. The app runs its lifespan inside schemathesis' ASGI client.
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from portal.directory.hsds_commands import import_hsds
from portal.directory.openapi import document
from tests.factories import CICERO, PILSEN, make_category, make_service
from tests.test_directory_hsds import official, repaired  # noqa: F401  (fixtures: the official example, repaired)

# Fuzzing exercises parameter checking, which is the same on both databases; the API's queries run
# on PostgreSQL in test_directory_api.py. Once keeps `make test` inside its time budget.
pytestmark = pytest.mark.one_database

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
KNOWN = {
    "/services/{id}": "ac148810-d857-441c-9679-408f346de14b",
    "/organizations/{id}": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
    "/service_at_locations/{id}": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
    "/taxonomies/{id}": "5c4d79d7-cc55-470e-9f1f-8cad074e4892",
    "/taxonomy_terms/{id}": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
}


@pytest.fixture
def api_schema(app, db, repaired, index_now):  # noqa: F811
    assert import_hsds(db, repaired, io.StringIO()) == 0
    with db.begin() as s:
        pantry = make_category(s, name="Food pantry", code="food-pantry")
        make_service(s, name="Pilsen Food Pantry", place=PILSEN, categories=[pantry], capacity_status="waitlist")
        make_service(s, name="Despensa <b>Comunitaria</b>", place=CICERO, postal_code="60804", categories=[pantry])
    index_now()
    return schemathesis.openapi.from_asgi("/api/hsds/openapi.json", app)


# Schemathesis' own pytest loader for fixtures (`schemathesis.pytest.from_fixture`) fails under pytest 9.2
# (it sets `request.node._nodeid`, which pytest no longer has), so each operation gets a plain test that
# draws its cases from the schema the app serves.
PATHS = document()["paths"]
# Invalid input only where there is input: `/`, `/profile` and `/openapi.json` take none.
CASES = [(path, mode) for path, item in PATHS.items() for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode is GenerationMode.POSITIVE or item["get"].get("parameters") or "{" in path]


@pytest.mark.parametrize(("path", "mode"), CASES, ids=[f"{path}-{mode.value}" for path, mode in CASES])
def test_every_operation_conforms_to_our_document(api_schema, path, mode):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=10, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    def conforms(case):
        case.call_and_validate(checks=CHECKS)

    conforms()


def test_known_records_conform_to_our_document_in_every_shape(api_schema):
    for path, record_id in KNOWN.items():
        api_schema[path]["GET"].Case(path_parameters={"id": record_id}).call_and_validate(checks=CHECKS)
    for path, query in (("/services", {}), ("/services", {"full": "true"}), ("/services", {"minimal": "true"}),
                        ("/organizations", {"full_service": "true"}), ("/organizations/{id}", {"full_service": "true"}),
                        ("/service_at_locations", {"full": "true", "postcode": "60608", "proximity": "10000"}),
                        ("/service_at_locations", {"search": "pantry"}), ("/taxonomy_terms", {"top_only": "true"})):
        case = api_schema[path]["GET"].Case(query=query, path_parameters={"id": KNOWN.get(path)} if "{id}" in path else None)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200 and response.json()["id" if "{id}" in path else "size"], (path, query)
