"""The HSDS 3.1 API under /api/hsds/: shapes checked against the official schemas, paging, filters, errors."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime
from functools import cache

import pytest
import schemathesis
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from portal.directory.api_records import organization_items, service_at_location_items, service_items
from portal.directory.hsds_commands import import_hsds
from portal.directory.hsds_spec import EXTENSIONS, OBJECTS, PORTAL_TAXONOMY_ID
from portal.directory.models import Organization, Service, ServiceAtLocation
from portal.directory.openapi import NDJSON, document
from portal.search.index import IndexUnavailable, SearchIndex
from tests.factories import CATEGORY_TAXONOMY_ID, CICERO, EVANSTON, PILSEN, make_category, make_organisation, make_service
from tests.hsds_reference import errors, reference_dir
from tests.test_directory_hsds import official, repaired  # noqa: F401  (fixtures: the official example, repaired)

API = "/api/hsds"
COUNSELLING = "ac148810-d857-441c-9679-408f346de14b"  # the official example's one service
EXAMPLE_ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
EXAMPLE_LINK = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
EXAMPLE_TAXONOMY = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
EXAMPLE_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
UNKNOWN = "5d1f0a4e-0000-4000-8000-000000000001"
SCRIPT = "<script>alert('x')</script> Clinic"
CAPACITY = next(e for e in EXTENSIONS if e.column == "capacity_status")


@cache
def official_openapi() -> dict:
    return json.loads((reference_dir() / "schema" / "openapi.json").read_text())


@cache
def compiled(name: str) -> Draft202012Validator:
    """A list-item schema of schema/compiled/ (self-contained: no $refs)."""
    schema = json.loads((reference_dir() / "schema" / "compiled" / f"{name}.json").read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def page_problems(body: dict, item: str) -> list[str]:
    """The official Page envelope, and each item against `item`: a compiled list schema or an object schema.

    The official response schemas point at list schemas by web URLs that do not resolve offline
    (reference README, "Known problems"), so the envelope and the items are checked separately.
    """
    page = Draft202012Validator(official_openapi()["components"]["schemas"]["Page"], format_checker=FormatChecker())
    found = [f"envelope: {e.message}" for e in page.iter_errors(body)]
    # Page.empty is required from HSDS 3.1.3 on; every field is, in what we send.
    found += [f"envelope: no {name}" for name in (*page.schema["properties"], "contents") if name not in body]
    for index, content in enumerate(body.get("contents", [])):
        found += [f"contents/{index}: {e}" for e in item_problems(item, content)]
    return found


def item_problems(item: str, content: dict) -> list[str]:
    if item.endswith("_list"):
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in compiled(item).iter_errors(content)]
    return errors(item, content)


@pytest.fixture
def directory(db, repaired, index_now):  # noqa: F811
    """The repaired official example plus services of our own: categories, places, dates, statuses."""
    assert import_hsds(db, repaired, io.StringIO()) == 0
    with db.begin() as s:
        food = make_category(s, name="Food", code="food")
        pantry = make_category(s, name="Food pantry", code="food-pantry", parent=food)
        legal = make_category(s, name="Legal aid", code="legal")
        riverside = make_organisation(s, name="Riverside Community Services")
        pilsen = make_service(s, name="Pilsen Food Pantry", organization=riverside, place=PILSEN, categories=[pantry],
                              description="Groceries every weekday. Help applying for SNAP benefits.",
                              last_modified=datetime(2026, 1, 10, 12, 0, tzinfo=UTC), capacity_status="waitlist")
        cicero = make_service(s, name="Despensa Comunitaria", organization=riverside, place=CICERO, postal_code="60804",
                              categories=[pantry], description="Alimentos gratis para familias los sábados.",
                              last_modified=datetime(2025, 6, 1, 9, 0, tzinfo=UTC))
        law = make_service(s, name="North Shore Tenant Law", place=EVANSTON, postal_code="60201", categories=[legal],
                           description="Free lawyers for eviction cases.")
        closed = make_service(s, name="Old Pantry Shelter", place=PILSEN, status="defunct", description="Groceries, closed now.")
        script = make_service(s, name=SCRIPT, place=None, postal_code="60601", description="<b>bold</b> & <img src=x onerror=alert(1)>")
        ids = {name: str(service.id) for name, service in
               {"pilsen": pilsen, "cicero": cicero, "law": law, "closed": closed, "script": script}.items()}
        ids |= {"food": str(food.id), "pantry": str(pantry.id), "legal": str(legal.id), "riverside": str(riverside.id)}
    index_now()
    return ids


def names(body: dict) -> list[str]:
    return [item["name"] for item in body["contents"]]


def get(client, path: str, **params):
    response = client.get(API + path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    assert response.headers["content-type"] == "application/json"
    return response.json()



def test_the_root_says_version_profile_and_where_the_openapi_document_is(client, directory):
    response = client.get(f"{API}/")
    body = response.json()
    schema = official_openapi()["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(body)) == []
    example = json.loads((reference_dir() / "examples" / "base.json").read_text())
    assert set(body) == set(example)
    assert body["version"] == "3.1"
    assert body["openapi_url"] == "https://testserver/api/hsds/openapi.json"
    assert client.get(body["openapi_url"]).json()["openapi"] == "3.1.0"
    profile = client.get(body["profile"]).json()
    assert profile["taxonomy"]["id"] == str(PORTAL_TAXONOMY_ID) and errors("taxonomy", profile["taxonomy"]) == []
    assert {e["taxonomy_term"]["code"] for e in profile["extensions"]} == {e.code for e in EXTENSIONS}
    assert all(errors("taxonomy_term", e["taxonomy_term"]) == [] for e in profile["extensions"])


@pytest.mark.parametrize(("path", "params", "item"), [
    ("/services", {}, "service_list"),
    ("/services", {"minimal": "true"}, "service_list"),
    ("/services", {"full": "true"}, "service"),
    ("/organizations", {}, "organization_list"),
    ("/organizations", {"full": "true"}, "organization"),
    ("/service_at_locations", {}, "service_at_location_list"),
    ("/service_at_locations", {"full": "true"}, "service_at_location"),
    ("/taxonomies", {}, "taxonomy"),
    ("/taxonomy_terms", {}, "taxonomy_term"),
])
def test_every_list_is_an_official_page_of_official_items(client, directory, path, params, item):
    body = get(client, path, **params)
    assert body["size"] > 0
    assert page_problems(body, item) == []


def test_list_items_hold_what_each_shape_promises(client, directory):
    listed = {s["id"]: s for s in get(client, "/services")["contents"]}
    assert listed[directory["pilsen"]]["organization"]["name"] == "Riverside Community Services"
    assert "program" in listed[COUNSELLING] and "phones" not in listed[COUNSELLING]
    minimal = get(client, "/services", minimal="true")["contents"]
    assert all("organization" not in s and "phones" not in s for s in minimal)
    assert {s["id"] for s in minimal} == set(listed)
    full = {s["id"]: s for s in get(client, "/services", full="true")["contents"]}
    assert full[directory["pilsen"]] == get(client, f"/services/{directory['pilsen']}")
    places = get(client, "/service_at_locations")["contents"]
    assert all(p["service"]["id"] == p["service_id"] and "organization" in p["service"] for p in places)
    assert all(p["location"]["id"] == p["location_id"] and "addresses" not in p["location"] for p in places)
    assert compiled("service_list").is_valid(places[0]["service"])


def test_each_object_by_id_validates_and_nests_what_the_official_examples_nest(client, directory):
    for service_id in (COUNSELLING, directory["pilsen"], directory["script"]):
        service = get(client, f"/services/{service_id}")
        assert errors("service", service) == [], service_id
    service = get(client, f"/services/{directory['pilsen']}")
    assert service["phones"] and service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "60608"
    attributes = {a["taxonomy_term_id"]: a for a in service["attributes"]}
    assert attributes[directory["pantry"]]["taxonomy_term"]["name"] == "Food pantry"
    assert attributes[str(CAPACITY.term_id)]["value"] == "waitlist"

    organization = get(client, f"/organizations/{directory['riverside']}")
    assert errors("organization", organization) == []
    assert [s["name"] for s in organization["services"]] == ["Despensa Comunitaria", "Pilsen Food Pantry"]
    assert all(errors("service", s) == [] and "phones" not in s for s in organization["services"])
    example = get(client, f"/organizations/{EXAMPLE_ORGANIZATION}", full_service="true")
    assert errors("organization", example) == [] and example["locations"] and example["programs"]
    assert [s["id"] for s in example["services"]] == [COUNSELLING]
    assert example["services"][0]["phones"] and errors("service", example["services"][0]) == []

    # The official openapi.json gives compiled/service.json as this response's schema, a copy
    # mistake upstream: its own example (service_at_location_full.json) is a service_at_location.
    place = get(client, f"/service_at_locations/{EXAMPLE_LINK}")
    assert errors("service_at_location", place) == [] and errors("service", place["service"]) == []
    assert place["location"]["addresses"] and "service_at_locations" not in place["service"]
    for path, name in ((f"/taxonomies/{EXAMPLE_TAXONOMY}", "taxonomy"), (f"/taxonomy_terms/{EXAMPLE_TERM}", "taxonomy_term"),
                       (f"/taxonomy_terms/{directory['pantry']}", "taxonomy_term"), (f"/taxonomy_terms/{CAPACITY.term_id}", "taxonomy_term"),
                       (f"/taxonomies/{PORTAL_TAXONOMY_ID}", "taxonomy")):
        assert errors(name, get(client, path)) == [], path
    assert get(client, f"/taxonomy_terms/{directory['pantry']}")["taxonomy_detail"]["id"] == str(CATEGORY_TAXONOMY_ID)
    assert get(client, f"/taxonomy_terms/{CAPACITY.term_id}")["taxonomy_detail"]["id"] == str(PORTAL_TAXONOMY_ID)


def test_text_from_a_listing_comes_back_as_plain_json_strings(client, directory):
    response = client.get(f"{API}/services/{directory['script']}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["name"] == SCRIPT
    assert response.json()["description"] == "<b>bold</b> & <img src=x onerror=alert(1)>"
    assert "&lt;" not in response.text


def test_responses_are_public_cacheable_and_open_to_any_origin(client, directory):
    for path in ("/", "/services", f"/services/{COUNSELLING}", f"/services/{UNKNOWN}", "/services?page=0", "/openapi.json"):
        response = client.get(API + path, headers={"Origin": "https://elsewhere.example"})
        assert response.headers["access-control-allow-origin"] == "*", path
        assert response.headers["cache-control"] == "public, max-age=60", path
        assert "set-cookie" not in response.headers, path
    preflight = client.options(f"{API}/services", headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
                                                            "Access-Control-Request-Headers": "x-client-version"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    assert preflight.headers["access-control-allow-headers"] == "*"



def test_paging_numbers_are_right_on_every_page_and_past_the_end(client, directory):
    everything = get(client, "/services", per_page="100")
    total = everything["total_items"]
    assert total == 6 and everything["total_pages"] == 1 and everything["first_page"] and everything["last_page"]
    # By name (PostgreSQL's collation may place the name that starts with "<" elsewhere).
    assert [n for n in names(everything) if n[0].isalpha()] == sorted(n for n in names(everything) if n[0].isalpha())
    seen = []
    for number in range(1, 4):
        body = get(client, "/services", per_page="2", page=str(number))
        assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (6, 3, number, 2)
        assert (body["first_page"], body["last_page"], body["empty"]) == (number == 1, number == 3, False)
        seen += names(body)
    assert seen == names(everything)
    past = get(client, "/services", per_page="4", page="3")
    assert (past["total_pages"], past["size"], past["first_page"], past["last_page"], past["empty"], past["contents"]) == (2, 0, False, True, True, [])
    last = get(client, "/services", per_page="4", page="2")
    assert (last["size"], last["last_page"], last["empty"]) == (2, True, False)


def test_an_empty_result_is_one_empty_first_and_last_page(client, directory):
    body = get(client, "/services", organization_id=UNKNOWN)
    assert body == {"total_items": 0, "total_pages": 0, "page_number": 1, "size": 0, "first_page": True,
                    "last_page": True, "empty": True, "contents": []}
    assert page_problems(body, "service_list") == []


def test_the_default_page_holds_fifty(client, db, directory):
    with db.begin() as s:
        organisation = make_organisation(s, name="Many Services Org")
        for number in range(50):
            make_service(s, name=f"Service {number:02}", organization=organisation, place=None, hours=(), languages=())
    body = get(client, "/services")
    assert (body["total_items"], body["size"], body["total_pages"], body["last_page"]) == (56, 50, 2, False)
    assert get(client, "/services", page="2")["size"] == 6


def test_taxonomies_list_ours_first_then_the_database_in_order_across_pages(client, directory):
    everything = get(client, "/taxonomy_terms", per_page="100")
    ours = [str(e.term_id) for e in EXTENSIONS]
    assert [t["id"] for t in everything["contents"][:2]] == ours
    assert everything["total_items"] == 2 + 4
    paged = []
    for number in (1, 2, 3, 4):
        body = get(client, "/taxonomy_terms", per_page="2", page=str(number))
        assert body["total_items"] == 6 and body["total_pages"] == 3
        paged += [t["id"] for t in body["contents"]]
    assert paged == [t["id"] for t in everything["contents"]]
    taxonomies = get(client, "/taxonomies")
    assert [t["id"] for t in taxonomies["contents"]][0] == str(PORTAL_TAXONOMY_ID)
    assert {t["id"] for t in taxonomies["contents"]} == {str(PORTAL_TAXONOMY_ID), str(CATEGORY_TAXONOMY_ID), EXAMPLE_TAXONOMY}



def test_services_filter_by_category_taxonomy_organization_and_change_date(client, directory):
    by_term = get(client, "/services", taxonomy_term_id=directory["pantry"])
    assert names(by_term) == ["Despensa Comunitaria", "Pilsen Food Pantry"]
    assert names(get(client, "/services", taxonomy_term_id=directory["food"])) == []  # the parent is not the term
    assert names(get(client, "/services", taxonomy_id=str(CATEGORY_TAXONOMY_ID))) == \
        ["Despensa Comunitaria", "North Shore Tenant Law", "Pilsen Food Pantry"]
    assert names(get(client, "/services", taxonomy_id=EXAMPLE_TAXONOMY)) == []  # its attribute links no service
    assert names(get(client, "/services", taxonomy_term_id=str(CAPACITY.term_id))) == ["Pilsen Food Pantry"]
    assert names(get(client, "/services", organization_id=directory["riverside"])) == ["Despensa Comunitaria", "Pilsen Food Pantry"]
    assert names(get(client, "/services", modified_after="2025-06-01T09:00:00Z")) == ["Despensa Comunitaria", "Pilsen Food Pantry"]
    assert names(get(client, "/services", modified_after="2025-06-01T04:00:01-05:00")) == ["Pilsen Food Pantry"]
    assert names(get(client, "/services", modified_after="2023-01-01T00:00:00Z", organization_id=directory["riverside"],
                     taxonomy_term_id=directory["pantry"], per_page="1", page="2")) == ["Pilsen Food Pantry"]


def test_services_of_every_status_are_listed_but_search_finds_only_what_the_directory_shows(client, directory):
    assert "Old Pantry Shelter" in names(get(client, "/services"))
    found = names(get(client, "/services", search="pantry"))
    assert "Pilsen Food Pantry" in found and "Old Pantry Shelter" not in found  # defunct
    assert names(get(client, "/services", search="snap")) == ["Pilsen Food Pantry"]
    assert set(names(get(client, "/services", search="comida"))) == {"Despensa Comunitaria", "Pilsen Food Pantry"}  # synonyms
    assert names(get(client, "/services", search="eviction groceries")) == []
    assert names(get(client, "/services", search="snap", organization_id=directory["riverside"], taxonomy_term_id=directory["pantry"])) \
        == ["Pilsen Food Pantry"]
    assert names(get(client, "/services", search="snap", taxonomy_term_id=directory["legal"])) == []
    assert names(get(client, "/services", search="***")) == []
    searched = get(client, "/services", search="comida", per_page="1", page="2")
    assert (searched["total_items"], searched["total_pages"], searched["size"], searched["last_page"]) == (2, 2, 1, True)


def test_search_falls_back_to_a_plain_match_while_the_index_is_rebuilt(client, directory, monkeypatch):
    def unavailable(self, request):
        raise IndexUnavailable("rebuilding")

    monkeypatch.setattr(SearchIndex, "search", unavailable)
    assert names(get(client, "/services", search="GROCERIES weekday")) == ["Pilsen Food Pantry"]
    assert names(get(client, "/services", search="100%_")) == []  # LIKE wildcards are taken literally
    assert [p["service"]["name"] for p in get(client, "/service_at_locations", search="eviction weekday")["contents"]] == []
    assert [p["service"]["name"] for p in get(client, "/service_at_locations", search="lawyers")["contents"]] == ["North Shore Tenant Law"]


def test_services_at_locations_filter_by_postcode_and_distance(client, directory):
    def services_of(**params):
        return [p["service"]["name"] for p in get(client, "/service_at_locations", **params)["contents"]]

    assert services_of(postcode="60608") == ["Old Pantry Shelter", "Pilsen Food Pantry"]
    assert services_of(postcode="abc1234") == ["Community Counselling"]  # "ABC 1234", spaces and case aside
    pilsen = {"Old Pantry Shelter", "Pilsen Food Pantry"}  # the same place: their order is by id
    assert set(services_of(proximity="5000", postcode="60608")) == pilsen  # Cicero is 7 km away
    nearest_first = services_of(proximity="10000", postcode="60608")
    assert set(nearest_first[:2]) == pilsen and nearest_first[2:] == ["Despensa Comunitaria"]
    assert services_of(proximity="10000", postcode="60608", search="comida") == ["Pilsen Food Pantry", "Despensa Comunitaria"]
    from_evanston = services_of(proximity="30000", postcode="60201")
    assert from_evanston[0] == "North Shore Tenant Law" and set(from_evanston[1:3]) == pilsen and from_evanston[3:] == ["Despensa Comunitaria"]
    assert services_of(proximity="1000", postcode="60201") == ["North Shore Tenant Law"]
    assert services_of(taxonomy_term_id=directory["legal"]) == ["North Shore Tenant Law"]
    assert services_of(organization_id=directory["riverside"]) == ["Despensa Comunitaria", "Pilsen Food Pantry"]
    assert services_of(modified_after="2026-01-01T00:00:00Z") == ["Pilsen Food Pantry"]
    assert services_of(search="snap") == ["Pilsen Food Pantry"]
    paged = get(client, "/service_at_locations", proximity="10000", postcode="60608", per_page="2", page="2")
    assert (paged["total_items"], paged["total_pages"], paged["size"], paged["last_page"]) == (3, 2, 1, True)


def test_organizations_taxonomies_and_terms_filter(client, directory):
    assert names(get(client, "/organizations", search="riverside COMMUNITY")) == ["Riverside Community Services"]
    assert names(get(client, "/organizations", taxonomy_term_id=directory["pantry"])) == ["Riverside Community Services"]
    assert names(get(client, "/organizations", taxonomy_id=str(CATEGORY_TAXONOMY_ID))) == \
        ["North Shore Tenant Law Inc.", "Riverside Community Services"]
    full = get(client, "/organizations", search="riverside", full="true")["contents"][0]
    assert [s["name"] for s in full["services"]] == ["Despensa Comunitaria", "Pilsen Food Pantry"] and "phones" not in full["services"][0]
    full_service = get(client, "/organizations", search="riverside", full_service="true")["contents"][0]
    assert full_service["services"][0]["phones"] and errors("organization", full_service) == []
    assert names(get(client, "/taxonomies", search="test")) == ["Test categories"]
    terms = lambda **params: names(get(client, "/taxonomy_terms", **params))  # noqa: E731
    assert terms(parent_id=directory["food"]) == ["Food pantry"]
    assert terms(taxonomy_id=str(CATEGORY_TAXONOMY_ID)) == ["Food", "Food pantry", "Legal aid"]
    assert terms(taxonomy_id=str(PORTAL_TAXONOMY_ID)) == [e.name for e in EXTENSIONS]
    assert terms(top_only="true") == [e.name for e in EXTENSIONS] + ["Food", "Legal aid"]
    assert terms(search="pantry") == ["Food pantry"]
    assert terms(search="zone") == ["Time zone"]



def test_ndjson_streams_every_result_one_object_a_line(client, directory):
    response = client.get(f"{API}/services", params={"format": "ndjson", "per_page": "1", "page": "2"})
    assert response.status_code == 200 and response.headers["content-type"] == NDJSON
    assert response.headers["access-control-allow-origin"] == "*"
    lines = response.text.splitlines()
    assert response.text.endswith("\n") and len(lines) == 6
    items = [json.loads(line) for line in lines]
    assert [item["name"] for item in items] == names(get(client, "/services", per_page="100"))
    assert all(item_problems("service_list", item) == [] for item in items)
    for path, params, item in (("/services", {"full": "true"}, "service"), ("/organizations", {}, "organization_list"),
                               ("/service_at_locations", {"full": "true"}, "service_at_location"),
                               ("/taxonomy_terms", {"taxonomy_id": str(CATEGORY_TAXONOMY_ID)}, "taxonomy_term")):
        response = client.get(API + path, params={"format": "ndjson", **params})
        found = [json.loads(line) for line in response.text.splitlines()]
        assert len(found) == get(client, path, **params)["total_items"] > 0, path
        assert all(item_problems(item, doc) == [] for doc in found), path
    empty = client.get(f"{API}/services", params={"format": "ndjson", "organization_id": UNKNOWN})
    assert empty.status_code == 200 and empty.text == ""



@pytest.mark.parametrize(("path", "message"), [
    ("/services?page=0", "page must be a whole number from 1 to 100000, not '0'."),
    ("/services?page=abc", "page must be a whole number"),
    ("/services?page=99999999999999999999", "page must be a whole number"),
    ("/services?page=%D9%A3", "page must be a whole number"),  # an Arabic-Indic 3: digits are ASCII here
    ("/services?per_page=101", "per_page must be a whole number from 1 to 100, not '101'."),
    ("/services?per_page=0", "per_page must be a whole number from 1 to 100"),
    ("/services?per_page=", "per_page must be a whole number"),
    ("/services?format=xml", "format must be one of json, ndjson, not 'xml'."),
    ("/services?minimal=true&full=true", "Ask for minimal or full services, not both."),
    ("/services?minimal=yes", "minimal must be true or false, not 'yes'."),
    ("/services?organization_id=42", "organization_id must be a UUID, not '42'."),
    ("/services?taxonomy_term_id=x%00y", "taxonomy_term_id must be a UUID"),
    ("/services?modified_after=2026-01-01", "modified_after must be a date and time with a time zone"),
    ("/services?modified_after=2026-13-45T00:00:00Z", "modified_after must be a date and time with a time zone"),
    ("/services?modified_after=0001-01-01T00:00:00%2B05:00", "modified_after must be a date and time with a time zone"),
    ("/service_at_locations?proximity=1000", "proximity needs postcode: a 5-digit US ZIP code to measure from."),
    ("/service_at_locations?proximity=1000&postcode=00000", "We do not know where the ZIP code 00000 is."),
    ("/service_at_locations?proximity=-5&postcode=60608", "proximity must be a number of metres above 0 and at most 200000"),
    ("/service_at_locations?proximity=nan&postcode=60608", "proximity must be a number of metres"),
    ("/service_at_locations?proximity=1e999&postcode=60608", "proximity must be a number of metres"),
    ("/taxonomy_terms?top_only=1", "top_only must be true or false"),
    ("/organizations/" + UNKNOWN + "?full_service=maybe", "full_service must be true or false"),
])
def test_bad_parameters_get_a_clear_json_400(client, directory, path, message):
    response = client.get(API + path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"].startswith(message)


@pytest.mark.parametrize("kind", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"])
@pytest.mark.parametrize("record_id", [UNKNOWN, "not-a-uuid", "1", "%00", "ac148810d857441c9679408f346de14b"])
def test_unknown_or_malformed_ids_get_a_json_404(client, directory, kind, record_id):
    response = client.get(f"{API}/{kind}/{record_id}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error"}


def test_nothing_is_written_through_the_api(client, directory):
    response = client.post(f"{API}/services", data={"name": "x"})
    assert response.status_code in (403, 405)  # the CSRF guard or the router refuses it; never a change
    assert get(client, "/services")["total_items"] == 6



@pytest.fixture
def count_queries():
    """Statements sent from this thread (the app's background indexer runs in others)."""
    counted, me = [], threading.get_ident()

    def count(*args, **kwargs):
        if threading.get_ident() == me:
            counted.append(1)

    event.listen(Engine, "before_cursor_execute", count)
    yield counted
    event.remove(Engine, "before_cursor_execute", count)


def test_a_page_costs_the_same_few_queries_whatever_its_size(db, directory, count_queries):
    with db.begin() as s:
        organisation = make_organisation(s, name="Many Services Org")
        for number in range(40):
            make_service(s, name=f"Service {number:02}", organization=organisation, place=PILSEN, categories=[])
    with db() as s:
        services = list(s.execute(select(Service.id).order_by(Service.name)).scalars())
        links = list(s.execute(select(ServiceAtLocation.id).order_by(ServiceAtLocation.id)).scalars())
        organisations = list(s.execute(select(Organization.id).order_by(Organization.name)).scalars())
        # The official example's records first: they hold one of (nearly) every kind of child, so a page of 5
        # already reaches (nearly) every level of nesting there is.
        for ids, first in ((services, COUNSELLING), (links, EXAMPLE_LINK), (organisations, EXAMPLE_ORGANIZATION)):
            ids.sort(key=lambda record_id, first=first: str(record_id) != first)
        builders = {
            "services": lambda ids: service_items(s, ids, "list"),
            "full services": lambda ids: service_items(s, ids, "full"),
            "full places": lambda ids: service_at_location_items(s, ids, True),
            "organizations with full services": lambda ids: organization_items(s, ids, full_service=True),
        }
        costs = {}
        for name, build in builders.items():
            ids = {"full places": links, "organizations with full services": organisations}.get(name, services)
            for size in (5, 40):
                count_queries.clear()
                assert len(build(ids[:size])) == min(size, len(ids))
                costs[name, size] = len(count_queries)
            # Not per row (35 more rows would cost 35 more queries at least): one query per kind of child at each
            # level of nesting, which for a fully nested service (attributes and metadata at every level) is about 130.
            assert costs[name, 40] <= costs[name, 5] + 10 and costs[name, 40] < 200, (name, costs)



def test_our_openapi_document_is_valid_openapi_3_1_with_only_local_references(client):
    response = client.get(f"{API}/openapi.json")
    assert response.headers["content-type"] == "application/json"
    ours = response.json()
    assert ours == json.loads(json.dumps(document()))
    schema = schemathesis.openapi.from_dict(ours)
    schema.validate()  # against the OpenAPI 3.1 meta-schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/", "/services", "/services/{id}", "/organizations", "/organizations/{id}",
                                              "/service_at_locations", "/service_at_locations/{id}", "/taxonomies",
                                              "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}", "/profile", "/openapi.json"}
    references = list(_references(ours))
    assert references and all(ref.startswith("#/components/") for ref in references)
    for ref in references:  # each one resolves
        target = ours
        for part in ref[2:].split("/"):
            target = target[part]
    official_paths = official_openapi()["paths"]
    for path, item in ours["paths"].items():
        if path in official_paths:
            assert item["get"]["operationId"] == _official_operation_id(path, official_paths[path]["get"]["operationId"]), path
            official_names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in official_paths[path]["get"].get("parameters", [])}
            our_names = {p["$ref"].rsplit("/", 1)[1] for p in item["get"].get("parameters", [])}
            assert official_names <= our_names, (path, official_names - our_names)


def _official_operation_id(path: str, operation_id: str) -> str:
    # Swapped upstream in this copy and un-swapped in HSDS 3.1.3 (reference README).
    return {"/taxonomy_terms": "getPaginatedListOfTaxonomyTerms", "/taxonomy_terms/{id}": "getTaxonomyTermById"}.get(path, operation_id)


def _references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _kind(schema: dict) -> str:
    if "$ref" in schema:
        return "object:" + schema["$ref"].rsplit("/", 1)[-1].removesuffix(".json")
    if schema.get("type") == "array":
        return "array:" + _kind(schema["items"]).removeprefix("object:")
    return schema["type"]


@pytest.mark.parametrize("name", list(OBJECTS))
def test_each_hsds_component_schema_has_the_official_properties_types_and_required(name):
    ours = document()["components"]["schemas"][name]
    theirs = json.loads((reference_dir() / "schema" / f"{name}.json").read_text())
    assert set(ours["properties"]) == set(theirs["properties"])
    assert {prop: _kind(schema) for prop, schema in ours["properties"].items()} == \
           {prop: _kind(schema) for prop, schema in theirs["properties"].items()}
    for prop, schema in theirs["properties"].items():
        for keyword in ("enum", "format"):
            if keyword in schema:
                assert ours["properties"][prop][keyword] == schema[keyword], (prop, keyword)
    assert set(theirs["required"]) <= set(ours["required"])


def test_our_page_schema_is_the_official_one_with_every_field_required():
    ours = document()["components"]["schemas"]["Page"]
    theirs = official_openapi()["components"]["schemas"]["Page"]
    assert {k: v["type"] for k, v in ours["properties"].items()} == {k: v["type"] for k, v in theirs["properties"].items()}
    assert set(ours["required"]) == set(theirs["properties"])


def test_unknown_api_paths_and_methods_answer_in_json(client):
    for method, path, status in (("GET", "/api/hsds/no-such-thing", 404), ("POST", "/api/hsds/services", 405)):
        response = client.request(method, path)
        assert response.status_code == status and response.headers["content-type"].startswith("application/json")
        assert response.json()["error"] in {"not found", "method not allowed"}
