"""The HSDS API's records: each object in the shape a list or a single record gives it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from portal.directory.hsds_json import Documents, portal_taxonomy_rows, rows_by_id
from portal.directory.hsds_spec import PORTAL_TAXONOMY_ID, fields
from portal.directory.hsds_values import to_json
from portal.directory.models import Service


def scalars(name: str, row: dict) -> dict:
    return {spec.name: to_json(row[spec.name]) for spec in fields(name) if row.get(spec.name) is not None}


def our_rows(name: str) -> dict:
    taxonomy, terms = portal_taxonomy_rows()
    return {row["id"]: row for row in ([taxonomy] if name == "taxonomy" else terms)}


def rows_in_order(db, name: str, ids: list) -> list[dict]:
    found = rows_by_id(db, name, ids)
    if name in {"taxonomy", "taxonomy_term"}:
        found = our_rows(name) | found
    return [found[i] for i in ids if i in found]


def attach(db, docs: list[dict], rows: list[dict], name: str, column: str) -> None:
    related = rows_by_id(db, name, {row[column] for row in rows if row[column]})
    for doc, row in zip(docs, rows, strict=True):
        if row[column] in related:
            doc[name] = scalars(name, related[row[column]])


def service_items(db, ids: list, shape: str = "list") -> list[dict]:
    """Services as `minimal` (own fields), `list` (with organization and program) or `full` (all nested)."""
    if shape == "full":
        return Documents(db).services(ids)
    rows = rows_in_order(db, "service", ids)
    docs = [scalars("service", row) for row in rows]
    if shape == "list":
        attach(db, docs, rows, "organization", "organization_id")
        attach(db, docs, rows, "program", "program_id")
    return docs


def organization_items(db, ids: list, full: bool = False, full_service: bool = False) -> list[dict]:
    rows = rows_in_order(db, "organization", ids)
    if not (full or full_service):
        return [scalars("organization", row) for row in rows]
    docs = Documents(db).build("organization", rows)
    provided = db.execute(select(Service.id, Service.organization_id).where(Service.organization_id.in_(ids))
                          .order_by(Service.name, Service.id)).all()
    services = dict(zip([s for s, _ in provided], service_items(db, [s for s, _ in provided], "full" if full_service else "minimal"), strict=True))
    by_organization = defaultdict(list)
    for service_id, organization_id in provided:
        by_organization[organization_id].append(services[service_id])
    for doc, row in zip(docs, rows, strict=True):
        doc["services"] = by_organization[row["id"]]
    return docs


def service_at_location_items(db, ids: list, full: bool = False) -> list[dict]:
    rows = rows_in_order(db, "service_at_location", ids)
    service_ids = list(dict.fromkeys(row["service_id"] for row in rows))
    if full:
        docs = Documents(db).build("service_at_location", rows)
        service_rows = rows_in_order(db, "service", service_ids)
        # Built as seen from the place: without its other places, and its organization kept lean.
        services = dict(zip(service_ids, Documents(db).build("service", service_rows, path=("service_at_location",)), strict=True))
    else:
        docs = [scalars("service_at_location", row) for row in rows]
        attach(db, docs, rows, "location", "location_id")
        services = dict(zip(service_ids, service_items(db, service_ids), strict=True))
    for doc, row in zip(docs, rows, strict=True):
        doc["service"] = services[row["service_id"]]
    return docs


def taxonomy_term_items(db, ids: list) -> list[dict]:
    docs = Documents(db).build("taxonomy_term", rows_in_order(db, "taxonomy_term", ids))
    ours = scalars("taxonomy", our_rows("taxonomy")[PORTAL_TAXONOMY_ID])
    for doc in docs:
        if doc.get("taxonomy_id") == str(PORTAL_TAXONOMY_ID) and "taxonomy_detail" not in doc:
            doc["taxonomy_detail"] = ours
    return docs


def taxonomy_items(db, ids: list) -> list[dict]:
    return Documents(db).build("taxonomy", rows_in_order(db, "taxonomy", ids))
