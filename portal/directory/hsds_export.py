"""Exporting the directory as HSDS 3.1: a tabular data package (CSV + datapackage.json) and JSON.

Rows are written in id order, so exporting the same data twice gives the same bytes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import or_, select
from sqlmodel import Session

from portal.directory.hsds_json import Documents, extension_attributes, portal_taxonomy_rows
from portal.directory.hsds_spec import EXTENSIONS, OBJECTS, fields
from portal.directory.hsds_values import to_cell

HSDS_VERSION = "3.1"
_TYPES = {"number": "number", "date": "date", "datetime": "datetime", "time": "time"}


def export(db: Session, folder: Path, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Writes every table as CSV, `datapackage.json` and `services.json`; returns rows per object."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, (_, filename) in OBJECTS.items():
        rows = _rows(db, name)
        _write_csv(folder / filename, name, rows)
        counts[name] = len(rows)
        if progress:
            progress(name, len(rows))
    (folder / "datapackage.json").write_text(json.dumps(descriptor(), indent=2) + "\n", encoding="utf-8")
    service_ids = list(db.execute(select(OBJECTS["service"][0].id).order_by(OBJECTS["service"][0].id)).scalars())
    documents = Documents(db)
    with (folder / "services.json").open("w", encoding="utf-8") as out:
        out.write("[\n")
        for start in range(0, len(service_ids), 200):
            for index, doc in enumerate(documents.services(service_ids[start:start + 200])):
                out.write(("" if start + index == 0 else ",\n") + json.dumps(doc, ensure_ascii=False))
        out.write("\n]\n")
    return counts


def _rows(db: Session, name: str) -> list[dict]:
    table = OBJECTS[name][0].__table__
    rows = [dict(row) for row in db.execute(select(table).order_by(table.c.id)).mappings()]
    if name == "attribute":
        rows.extend(_extension_rows(db))
    elif name in {"taxonomy", "taxonomy_term"} and _extension_rows(db):
        taxonomy, terms = portal_taxonomy_rows()
        present = {row["id"] for row in rows}
        rows.extend(row for row in ([taxonomy] if name == "taxonomy" else terms) if row["id"] not in present)
    return sorted(rows, key=lambda row: str(row["id"]))


def _extension_rows(db: Session) -> list[dict]:
    result = []
    for name in {extension.object for extension in EXTENSIONS}:
        table = OBJECTS[name][0].__table__
        columns = [table.c[e.column] for e in EXTENSIONS if e.object == name]
        query = select(table.c.id, *columns).where(or_(*[column.is_not(None) for column in columns]))
        for row in db.execute(query).mappings():
            result.extend(extension_attributes(name, dict(row)))
    return result


def _write_csv(path: Path, name: str, rows: list[dict]) -> None:
    names = [spec.name for spec in fields(name)]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([to_cell(row.get(column)) for column in names])


def descriptor() -> dict:
    """Our Frictionless descriptor: the official one's resources, fields and keys, repaired for 3.1."""
    resources = []
    for name, (_, filename) in OBJECTS.items():
        schema_fields, foreign_keys = [], []
        for spec in fields(name):
            entry = {"name": spec.name, "type": _TYPES.get(spec.kind, "string")}
            if spec.kind in {"uuid", "email", "uri"}:
                entry["format"] = spec.kind
            entry["constraints"] = {"required": spec.required, "unique": spec.name == "id"}
            if spec.choices:
                entry["constraints"]["enum"] = list(spec.choices)
            schema_fields.append(entry)
            if spec.references:
                foreign_keys.append({"fields": spec.name, "reference": {"resource": spec.references, "fields": "id"}})
        schema = {"fields": schema_fields, "primaryKey": "id"}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append({"name": name, "path": filename, "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
    return {
        "name": "community_health_portal_directory",
        "title": "Community resource directory (HSDS 3.1)",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "homepage": "https://openreferral.org/",
        "license": {"type": "CC-BY-SA-4.0", "name": "Creative Commons Attribution-ShareAlike 4.0",
                    "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
        "resources": resources,
    }
