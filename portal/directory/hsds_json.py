"""HSDS JSON documents built from our tables: a service with everything nested, as the API and exports give.

Children are fetched a level at a time for all parents at once, so a page of 50 services costs a
few dozen queries, not thousands.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlmodel import Session

from portal.directory.hsds_spec import (
    EXTENSIONS, NESTED_LISTS, NESTED_OBJECTS, OBJECTS, PORTAL_TAXONOMY_ID, WITHOUT_ATTRIBUTES, WITHOUT_METADATA,
    fields, parent_column,
)
from portal.directory.hsds_values import to_json

BATCH = 500
# Inside a service, its organisation is given without its locations and programs: they would repeat
# every location of the organisation in every one of its services.
LEAN = {("organization", "locations"), ("organization", "programs")}


def rows_by_id(db: Session, name: str, ids) -> dict[uuid.UUID, dict]:
    table = OBJECTS[name][0].__table__
    ids, found = list(ids), {}
    for start in range(0, len(ids), BATCH):
        for row in db.execute(select(table).where(table.c.id.in_(ids[start:start + BATCH]))).mappings():
            found[row["id"]] = dict(row)
    return found


def _children(db: Session, name: str, column: str, parent_ids: list) -> dict[uuid.UUID, list[dict]]:
    table = OBJECTS[name][0].__table__
    found = defaultdict(list)
    for start in range(0, len(parent_ids), BATCH):
        query = select(table).where(table.c[column].in_(parent_ids[start:start + BATCH])).order_by(table.c.id)
        for row in db.execute(query).mappings():
            found[row[column]].append(dict(row))
    return found


def extension_attributes(name: str, row: dict) -> list[dict]:
    """Our columns as HSDS attribute rows (docs/decisions/0002-directory-hsds.md)."""
    return [
        {"id": extension.attribute_id(row["id"]), "link_id": row["id"], "taxonomy_term_id": extension.term_id,
         "link_type": None, "link_entity": name, "value": row[extension.column], "label": None}
        for extension in EXTENSIONS if extension.object == name and row.get(extension.column)
    ]


def portal_taxonomy_rows() -> tuple[dict, list[dict]]:
    """Our taxonomy and its terms, for exports whose attributes refer to them."""
    taxonomy = {"id": PORTAL_TAXONOMY_ID, "name": "Community Health Portal listing facts",
                "description": "Facts about a listing that HSDS has no field for.", "uri": None, "version": "1"}
    terms = [{"id": e.term_id, "code": e.code, "name": e.name, "description": e.name, "parent_id": None,
              "taxonomy": taxonomy["name"], "language": "en", "taxonomy_id": PORTAL_TAXONOMY_ID, "term_uri": None}
             for e in EXTENSIONS]
    return taxonomy, terms


class Documents:
    """Builds nested HSDS JSON for rows of one object."""

    def __init__(self, db: Session, lean: bool = True):
        self.db = db
        self.skip = LEAN if lean else set()

    def services(self, ids: list[uuid.UUID]) -> list[dict]:
        rows = rows_by_id(self.db, "service", ids)
        return self.build("service", [rows[i] for i in ids if i in rows])

    def build(self, name: str, rows: list[dict], path: tuple[str, ...] = ()) -> list[dict]:
        docs = [self._scalars(name, row) for row in rows]
        if not rows:
            return docs
        ids = [row["id"] for row in rows]
        path = path + (name,)
        for prop, child in NESTED_LISTS.get(name, ()):
            if child in path or (name, prop) in self.skip and len(path) > 1:
                continue
            found = _children(self.db, child, parent_column(name, child), ids)
            built = self._build_grouped(child, found, path)
            for doc, row_id in zip(docs, ids, strict=True):
                doc[prop] = built.get(row_id, [])
        for prop, child, column in NESTED_OBJECTS.get(name, ()):
            wanted = {row[column] for row in rows if row.get(column)}
            related = rows_by_id(self.db, child, wanted)
            built = dict(zip(related, self.build(child, list(related.values()), path), strict=True))
            for doc, row in zip(docs, rows, strict=True):
                if row.get(column) in built:
                    doc[prop] = built[row[column]]
        if name not in WITHOUT_ATTRIBUTES:
            found = _children(self.db, "attribute", "link_id", ids)
            for row in rows:
                found[row["id"]].extend(extension_attributes(name, row))
            built = self._build_grouped("attribute", found, path)
            for doc, row_id in zip(docs, ids, strict=True):
                doc["attributes"] = built.get(row_id, [])
        if name not in WITHOUT_METADATA:
            found = _children(self.db, "metadata", "resource_id", ids)
            for doc, row_id in zip(docs, ids, strict=True):
                doc["metadata"] = [self._scalars("metadata", row) for row in found.get(row_id, [])]
        return docs

    def _build_grouped(self, name: str, grouped: dict, path) -> dict[uuid.UUID, list[dict]]:
        flat = [row for rows in grouped.values() for row in rows]
        built = iter(self.build(name, flat, path))
        return {parent: [next(built) for _ in rows] for parent, rows in grouped.items()}

    def _scalars(self, name: str, row: dict) -> dict:
        doc = {}
        for spec in fields(name):
            value = row.get(spec.name)
            if value is not None:
                doc[spec.name] = to_json(value)
        if name == "attribute" and row["taxonomy_term_id"] in {e.term_id for e in EXTENSIONS}:
            _, terms = portal_taxonomy_rows()
            term = next(t for t in terms if t["id"] == row["taxonomy_term_id"])
            doc["taxonomy_term"] = {k: to_json(v) for k, v in term.items() if v is not None}
        return doc
