"""The HSDS 3.1 API under /api/hsds/: the directory as public, read-only open data for other systems.

What each endpoint and parameter does is described once, in openapi.py, whose parameter rules
this module applies; the choices HSDS leaves open are in docs/decisions.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass
from functools import wraps

from sqlalchemy import and_, func, or_, select, true
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from portal.directory.filters import zip_centre
from portal.directory.hsds_json import Documents, portal_taxonomy_rows
from portal.directory.hsds_spec import EXTENSIONS, PORTAL_TAXONOMY_ID
from portal.directory.models import Address, Attribute, Location, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from portal.directory.api_params import ApiError, Paging, not_found, paging_from, param, record_id
from portal.directory.api_records import (
    organization_items, our_rows, scalars, service_at_location_items, service_items, taxonomy_items,
    taxonomy_term_items,
)
from portal.directory.openapi import HSDS_VERSION, NDJSON, SEARCH_LIMIT, document
from portal.directory.search_documents import SEARCHABLE_STATUSES
from portal.search import geo
from portal.search.index import IndexUnavailable, SearchRequest
from portal.security.policies import PUBLIC, guarded

HEADERS = {"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"}
PREFLIGHT = {**HEADERS, "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS", "Access-Control-Allow-Headers": "*",
             "Access-Control-Max-Age": "86400"}
METHODS = ["GET", "HEAD", "OPTIONS"]
STREAM_BATCH = 100
METRES_PER_MILE = 1609.344
_ZIP = re.compile(r"\d{5}", re.ASCII)


def _json(data, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=HEADERS)


def _api(handler):
    """Refusals as JSON errors (a consumer of the API never gets an HTML page from us), and CORS preflights
    answered, for browser clients that send headers of their own."""
    @wraps(handler)
    def answer(request):
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=PREFLIGHT)
        try:
            return handler(request)
        except ApiError as error:
            return _json({"error": error.message}, error.status)
    return answer


@dataclass
class Selection:
    """What a list request found: a query of ids in SQL order, or the ids it ranks (by relevance or distance)
    filtered by the query; `first` are our own taxonomy's rows, listed before the database's."""

    column: object
    query: object
    order: tuple = ()
    ranked: list | None = None
    first: tuple = ()

    def ids(self, db, paging: Paging) -> tuple[int, list]:
        if self.ranked is not None:
            kept = set()
            for start in range(0, len(self.ranked), 500):
                kept.update(db.execute(self.query.where(self.column.in_(self.ranked[start:start + 500]))).scalars())
            ids = [i for i in self.ranked if i in kept]
            return len(ids), ids if paging.stream else ids[paging.offset:paging.offset + paging.per_page]
        first = list(self.first)
        ordered = self.query.order_by(*self.order)
        if paging.stream:
            ids = first + list(db.execute(ordered).scalars())
            return len(ids), ids
        total = len(first) + db.execute(select(func.count()).select_from(self.query.subquery())).scalar_one()
        page = first[paging.offset:paging.offset + paging.per_page]
        wanted = paging.per_page - len(page)
        if wanted > 0:
            page += db.execute(ordered.offset(max(0, paging.offset - len(first))).limit(wanted)).scalars()
        return total, page


def _answer(request, selection: Selection, paging: Paging, build):
    """A page of `build(db, ids)`, or every result as NDJSON built a batch at a time."""
    sessions = request.state.sessions
    with sessions() as db:
        total, ids = selection.ids(db, paging)
        if not paging.stream:
            return _json(paging.envelope(total, build(db, ids)))

    def lines():
        for start in range(0, len(ids), STREAM_BATCH):
            with sessions() as db:
                docs = build(db, ids[start:start + STREAM_BATCH])
            yield "".join(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n" for doc in docs)

    return StreamingResponse(lines(), media_type=NDJSON, headers=HEADERS)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _words_in(columns, text: str):
    """Every word (at most six) in one of the columns, case-insensitive: the plain match, without the index."""
    words = text.split()[:6]
    return and_(true(), *[or_(*[column.ilike(f"%{_escape_like(word[:40])}%", escape="\\") for column in columns])
                          for word in words])


def _linked(model, entity: str, term_id: uuid.UUID | None, taxonomy_id: uuid.UUID | None):
    """Records of `model` linked by an attribute to the term, or to any term of the taxonomy."""
    links = select(Attribute.link_id).where(Attribute.link_entity == entity)
    if term_id is not None:
        links = links.where(Attribute.taxonomy_term_id == term_id)
    if taxonomy_id is not None:
        links = links.join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id).where(TaxonomyTerm.taxonomy_id == taxonomy_id)
    # Our own facts travel as attributes against our taxonomy's terms, but are columns here.
    ours = [getattr(model, e.column) for e in EXTENSIONS if e.object == entity
            and (term_id is None or e.term_id == term_id) and (taxonomy_id is None or taxonomy_id == PORTAL_TAXONOMY_ID)]
    return or_(model.id.in_(links), *[and_(column.is_not(None), column != "") for column in ours])


def _service_filters(params) -> list:
    conditions = []
    term_id, taxonomy_id = param(params, "taxonomy_term_id"), param(params, "taxonomy_id")
    if term_id or taxonomy_id:
        conditions.append(_linked(Service, "service", term_id, taxonomy_id))
    if organization_id := param(params, "organization_id"):
        conditions.append(Service.organization_id == organization_id)
    if (after := param(params, "modified_after")) is not None:
        conditions.append(Service.last_modified >= after)
    return conditions


def _service_search(request, text: str) -> tuple[list | None, list]:
    """Ranked service ids from the search index, or (when it is being rebuilt) a plain match as a condition."""
    if not text:
        return None, []
    searchable = [Service.status.in_(SEARCHABLE_STATUSES)]
    try:
        found = request.state.directory_index.search(SearchRequest(text=text, limit=SEARCH_LIMIT))
    except IndexUnavailable:
        return None, [*searchable, _words_in((Service.name, Service.description), text)]
    return [uuid.UUID(hit.id) for hit in found.hits], searchable


@guarded(PUBLIC)
@_api
def hsds_root(request):
    """Which HSDS version this API speaks, its profile and its OpenAPI document."""
    base = request.app.state.settings.base_url.rstrip("/")
    return _json({"version": HSDS_VERSION, "profile": base + request.app.url_path_for("hsds_profile"),
                  "openapi_url": base + request.app.url_path_for("hsds_openapi")})


@guarded(PUBLIC)
@_api
def hsds_openapi(request):
    """The OpenAPI 3.1 document of this API."""
    return _json(document())


@guarded(PUBLIC)
@_api
def hsds_profile(request):
    """What this API adds to plain HSDS 3.1: the terms our own listing facts travel under."""
    taxonomy, terms = portal_taxonomy_rows()
    by_id = {term["id"]: term for term in terms}
    return _json({
        "name": "Community health portal", "hsds_version": HSDS_VERSION,
        "description": "Plain HSDS 3.1. Facts HSDS has no field for are attributes (link_entity, value) against the terms of our taxonomy below.",
        "taxonomy": scalars("taxonomy", taxonomy),
        "extensions": [{"object": e.object, "taxonomy_term": scalars("taxonomy_term", by_id[e.term_id]),
                        **({"values": list(e.allowed)} if e.allowed else {})} for e in EXTENSIONS],
    })


@guarded(PUBLIC)
@_api
def hsds_services(request):
    """A page of services (or all of them as NDJSON), filtered by words, category, organization or change date."""
    params = request.query_params
    paging, minimal, full = paging_from(params), param(params, "minimal"), param(params, "full")
    if minimal and full:
        raise ApiError(400, "Ask for minimal or full services, not both.")
    conditions = _service_filters(params)
    ranked, searched = _service_search(request, param(params, "search"))
    selection = Selection(Service.id, select(Service.id).where(*conditions, *searched), (Service.name, Service.id), ranked)
    shape = "minimal" if minimal else "full" if full else "list"
    return _answer(request, selection, paging, lambda db, ids: service_items(db, ids, shape))


@guarded(PUBLIC)
@_api
def hsds_service(request):
    """One service with everything about it nested: organization, places, hours, phones, costs, categories."""
    service_id = record_id(request)
    with request.state.sessions() as db:
        found = Documents(db).services([service_id])
    if not found:
        raise not_found("service", service_id)
    return _json(found[0])


@guarded(PUBLIC)
@_api
def hsds_organizations(request):
    """A page of organizations (or all of them as NDJSON), filtered by name or category."""
    params = request.query_params
    paging, full, full_service = paging_from(params), param(params, "full"), param(params, "full_service")
    conditions = []
    if text := param(params, "search"):
        conditions.append(_words_in((Organization.name,), text))
    term_id, taxonomy_id = param(params, "taxonomy_term_id"), param(params, "taxonomy_id")
    if term_id or taxonomy_id:
        providing = select(Service.organization_id).where(_linked(Service, "service", term_id, taxonomy_id))
        conditions.append(or_(_linked(Organization, "organization", term_id, taxonomy_id), Organization.id.in_(providing)))
    selection = Selection(Organization.id, select(Organization.id).where(*conditions), (Organization.name, Organization.id))
    return _answer(request, selection, paging, lambda db, ids: organization_items(db, ids, full, full_service))


@guarded(PUBLIC)
@_api
def hsds_organization(request):
    """One organization nested with its places, programs and contacts, and the services it provides."""
    organization_id = record_id(request)
    full_service = param(request.query_params, "full_service")
    with request.state.sessions() as db:
        found = organization_items(db, [organization_id], full=True, full_service=full_service)
    if not found:
        raise not_found("organization", organization_id)
    return _json(found[0])


def _near(db, query, centre: tuple[float, float], metres: float) -> list:
    """Ids of the services at locations within `metres` of `centre`, nearest first."""
    miles = metres / METRES_PER_MILE
    dlat, dlon = miles / 69.0, miles / max(1.0, 69.0 * math.cos(math.radians(centre[0])))
    rows = db.execute(query.add_columns(Location.latitude, Location.longitude).join(Location, Location.id == ServiceAtLocation.location_id).where(
        Location.latitude.between(centre[0] - dlat, centre[0] + dlat), Location.longitude.between(centre[1] - dlon, centre[1] + dlon)))
    distances = {row[0]: geo.miles_between(centre, (row[1], row[2])) for row in rows}
    return sorted((i for i, d in distances.items() if d <= miles), key=lambda i: (distances[i], str(i)))


def _places_of(db, service_ids: list) -> list:
    """The places of these services, in the services' order."""
    rank = {service_id: index for index, service_id in enumerate(service_ids)}
    rows = db.execute(select(ServiceAtLocation.id, ServiceAtLocation.service_id).where(ServiceAtLocation.service_id.in_(service_ids))).all()
    return [row[0] for row in sorted(rows, key=lambda row: (rank[row[1]], str(row[0])))]


def _postcode(code: str):
    wanted = re.sub(r"\s+", "", code).upper()
    stored = func.upper(func.replace(Address.postal_code, " ", ""))
    places = select(Address.location_id).where(or_(stored == wanted, stored.like(f"{_escape_like(wanted)}-%", escape="\\")))
    return ServiceAtLocation.location_id.in_(places)


@guarded(PUBLIC)
@_api
def hsds_service_at_locations(request):
    """A page of services at places (or all as NDJSON), filtered like services and by postcode or distance."""
    params = request.query_params
    paging, full = paging_from(params), param(params, "full")
    postcode, proximity = param(params, "postcode"), param(params, "proximity")
    centre = None
    if proximity is not None:
        if not _ZIP.fullmatch(postcode):
            raise ApiError(400, "proximity needs postcode: a 5-digit US ZIP code to measure from.")
        if (centre := zip_centre(postcode)) is None:
            raise ApiError(400, f"We do not know where the ZIP code {postcode} is.")
    services = _service_filters(params)
    ranked_services, searched = _service_search(request, param(params, "search"))
    conditions = []
    if services or searched:
        conditions.append(ServiceAtLocation.service_id.in_(select(Service.id).where(*services, *searched)))
    if postcode and centre is None:
        conditions.append(_postcode(postcode))
    query = select(ServiceAtLocation.id).join(Service, Service.id == ServiceAtLocation.service_id).where(*conditions)
    ranked = None
    if ranked_services is not None or centre is not None:
        with request.state.sessions() as db:
            if centre is None:
                ranked = _places_of(db, ranked_services)
            else:
                if ranked_services is not None:
                    query = query.where(ServiceAtLocation.service_id.in_(ranked_services))
                ranked = _near(db, query, centre, proximity)
    selection = Selection(ServiceAtLocation.id, query, (Service.name, ServiceAtLocation.id), ranked)
    return _answer(request, selection, paging, lambda db, ids: service_at_location_items(db, ids, full))


@guarded(PUBLIC)
@_api
def hsds_service_at_location(request):
    """One service at one place, nested: the place with its address and hours, and the service."""
    link_id = record_id(request)
    with request.state.sessions() as db:
        found = service_at_location_items(db, [link_id], full=True)
    if not found:
        raise not_found("service at location", link_id)
    return _json(found[0])


@guarded(PUBLIC)
@_api
def hsds_taxonomies(request):
    """A page of taxonomies (or all as NDJSON), optionally those with words in their name."""
    params = request.query_params
    paging, text = paging_from(params), param(params, "search")
    conditions = [_words_in((Taxonomy.name,), text)] if text else []
    ours = [row["id"] for row in our_rows("taxonomy").values() if _plain_match(row["name"], text)]
    selection = Selection(Taxonomy.id, select(Taxonomy.id).where(*conditions, Taxonomy.id.not_in(ours)), (Taxonomy.name, Taxonomy.id), first=tuple(ours))
    return _answer(request, selection, paging, taxonomy_items)


def _plain_match(name: str, text: str) -> bool:
    return all(word.casefold() in name.casefold() for word in text.split()[:6])


@guarded(PUBLIC)
@_api
def hsds_taxonomy(request):
    """One taxonomy."""
    taxonomy_id = record_id(request)
    with request.state.sessions() as db:
        found = taxonomy_items(db, [taxonomy_id])
    if not found:
        raise not_found("taxonomy", taxonomy_id)
    return _json(found[0])


@guarded(PUBLIC)
@_api
def hsds_taxonomy_terms(request):
    """A page of taxonomy terms (or all as NDJSON), by taxonomy, parent, top level or words in their name."""
    params = request.query_params
    paging, text = paging_from(params), param(params, "search")
    taxonomy_id, parent_id, top_only = param(params, "taxonomy_id"), param(params, "parent_id"), param(params, "top_only")
    conditions = [_words_in((TaxonomyTerm.name,), text)] if text else []
    if taxonomy_id:
        conditions.append(TaxonomyTerm.taxonomy_id == taxonomy_id)
    if parent_id:
        conditions.append(TaxonomyTerm.parent_id == parent_id)
    if top_only:
        conditions.append(TaxonomyTerm.parent_id.is_(None))
    ours = [row["id"] for row in our_rows("taxonomy_term").values()
            if _plain_match(row["name"], text) and taxonomy_id in (None, PORTAL_TAXONOMY_ID) and not parent_id]
    selection = Selection(TaxonomyTerm.id, select(TaxonomyTerm.id).where(*conditions, TaxonomyTerm.id.not_in(ours)),
                          (TaxonomyTerm.name, TaxonomyTerm.id), first=tuple(ours))
    return _answer(request, selection, paging, taxonomy_term_items)


@guarded(PUBLIC)
@_api
def hsds_taxonomy_term(request):
    """One taxonomy term, with its taxonomy."""
    term_id = record_id(request)
    with request.state.sessions() as db:
        found = taxonomy_term_items(db, [term_id])
    if not found:
        raise not_found("taxonomy term", term_id)
    return _json(found[0])


routes = [
    Route("/api/hsds/", hsds_root, methods=METHODS, name="hsds_root"),
    Route("/api/hsds/openapi.json", hsds_openapi, methods=METHODS, name="hsds_openapi"),
    Route("/api/hsds/profile", hsds_profile, methods=METHODS, name="hsds_profile"),
    Route("/api/hsds/services", hsds_services, methods=METHODS, name="hsds_services"),
    Route("/api/hsds/services/{id}", hsds_service, methods=METHODS, name="hsds_service"),
    Route("/api/hsds/organizations", hsds_organizations, methods=METHODS, name="hsds_organizations"),
    Route("/api/hsds/organizations/{id}", hsds_organization, methods=METHODS, name="hsds_organization"),
    Route("/api/hsds/service_at_locations", hsds_service_at_locations, methods=METHODS, name="hsds_service_at_locations"),
    Route("/api/hsds/service_at_locations/{id}", hsds_service_at_location, methods=METHODS, name="hsds_service_at_location"),
    Route("/api/hsds/taxonomies", hsds_taxonomies, methods=METHODS, name="hsds_taxonomies"),
    Route("/api/hsds/taxonomies/{id}", hsds_taxonomy, methods=METHODS, name="hsds_taxonomy"),
    Route("/api/hsds/taxonomy_terms", hsds_taxonomy_terms, methods=METHODS, name="hsds_taxonomy_terms"),
    Route("/api/hsds/taxonomy_terms/{id}", hsds_taxonomy_term, methods=METHODS, name="hsds_taxonomy_term"),
]
