"""Importing HSDS: check everything first, then write everything in one transaction, or nothing.

`check` turns raw rows into typed rows and lists every problem with its place; `apply` upserts by
id (so importing the same package twice changes nothing the second time).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlmodel import Session

from portal.directory import hsds_spec
from portal.directory.hsds_read import Problem, RawPackage
from portal.directory.hsds_spec import EXTENSION_BY_TERM, OBJECTS, fields
from portal.directory.hsds_values import BadValue, parse

BATCH = 500
Progress = Callable[[str, int, int], None]


@dataclass
class CheckedPackage:
    rows: dict[str, dict[uuid.UUID, dict]] = field(default_factory=lambda: {name: {} for name in OBJECTS})
    # (object, owner id) -> {our column: value}, from our extension attributes
    extensions: dict[tuple[str, uuid.UUID], dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def check(db: Session, raw: RawPackage) -> CheckedPackage:
    """Typed rows and every problem found; the database is only read (for references)."""
    checked = CheckedPackage(problems=list(raw.problems))
    places: dict[tuple[str, uuid.UUID], str] = {}
    for name, raw_rows in raw.rows.items():
        for raw_row in raw_rows:
            row = _typed(checked, name, raw_row.values, raw_row.place)
            if row is None:
                continue
            key = (name, row["id"])
            if key in places and ".csv row" in raw_row.place:
                checked.problems.append(Problem(raw_row.place, "id", f"{row['id']} is also at {places[key]}"))
                continue
            if key in places:
                # HSDS JSON repeats an object wherever it is nested, each copy with its own parent filled in.
                merged = _merge(checked.rows[name][row["id"]], row)
                if merged is None:
                    checked.problems.append(Problem(raw_row.place, "id", f"{row['id']} is also at {places[key]} with other values"))
                else:
                    checked.rows[name][row["id"]] = merged
                continue
            places[key] = raw_row.place
            checked.rows[name][row["id"]] = row
    _take_extensions(checked, places)
    _check_references(db, checked, places)
    return checked


def _merge(first: dict, second: dict) -> dict | None:
    """The two copies of one row combined, or None if they disagree on a value both give."""
    merged = dict(first)
    for column, value in second.items():
        if value is None:
            continue
        if merged.get(column) is None:
            merged[column] = value
        elif merged[column] != value:
            return None
    return merged


def _typed(checked: CheckedPackage, name: str, values: dict, place: str) -> dict | None:
    row, ok = {}, True
    for spec in fields(name):
        try:
            row[spec.name] = parse(spec, values.get(spec.name))
        except BadValue as error:
            checked.problems.append(Problem(place, spec.name, str(error)))
            ok = False
    return row if ok else None


def _take_extensions(checked: CheckedPackage, places: dict) -> None:
    """Our extension attributes become column values; they are not stored as attributes."""
    attributes = checked.rows["attribute"]
    for attribute_id, row in list(attributes.items()):
        extension = EXTENSION_BY_TERM.get(row["taxonomy_term_id"])
        if extension is None:
            continue
        place = places[("attribute", attribute_id)]
        value = row["value"] or None
        if row["link_entity"] != extension.object:
            checked.problems.append(Problem(place, "link_entity", f"must be {extension.object} for the term {extension.code}"))
        elif extension.allowed and value not in extension.allowed:
            checked.problems.append(Problem(place, "value", f"must be one of {', '.join(extension.allowed)}"))
        elif extension.column == "timezone" and value and not _is_time_zone(value):
            checked.problems.append(Problem(place, "value", f"{value[:40]!r} is not an IANA time zone"))
        else:
            checked.extensions.setdefault((extension.object, row["link_id"]), {})[extension.column] = value
        del attributes[attribute_id]


def _is_time_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _check_references(db: Session, checked: CheckedPackage, places: dict) -> None:
    wanted: dict[str, set[uuid.UUID]] = {name: set() for name in OBJECTS}
    for name, rows in checked.rows.items():
        for spec in fields(name):
            if spec.references:
                wanted[spec.references].update(row[spec.name] for row in rows.values() if row[spec.name] is not None)
    for (name, owner_id) in checked.extensions:
        wanted[name].add(owner_id)
    known = {name: set(checked.rows[name]) | _existing(db, name, ids - set(checked.rows[name])) for name, ids in wanted.items()}
    for name, rows in checked.rows.items():
        for spec in fields(name):
            if not spec.references:
                continue
            for row_id, row in rows.items():
                value = row[spec.name]
                if value is not None and value not in known[spec.references]:
                    checked.problems.append(Problem(
                        places[(name, row_id)], spec.name, f"refers to {spec.references} {value}, which is neither in the package nor in the directory"))
    for (name, owner_id) in checked.extensions:
        if owner_id not in known[name]:
            checked.problems.append(Problem("attributes", "link_id", f"refers to {name} {owner_id}, which is neither in the package nor in the directory"))


def _existing(db: Session, name: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    table = OBJECTS[name][0].__table__
    found: set[uuid.UUID] = set()
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        found.update(db.execute(select(table.c.id).where(table.c.id.in_(ids[start:start + BATCH]))).scalars())
    return found


def apply(db: Session, checked: CheckedPackage, progress: Progress | None = None) -> dict[str, int]:
    """Insert or update every row by id; returns how many rows of each object were written."""
    if checked.problems:
        raise ValueError("a package with problems is never applied")
    written = {}
    for name, rows in checked.rows.items():
        if not rows:
            continue
        table = OBJECTS[name][0].__table__
        ours = [column for (object_name, column) in hsds_spec.OUR_COLUMNS if object_name == name]
        values = [{**row, **{column: checked.extensions.get((name, row_id), {}).get(column) for column in ours}}
                  for row_id, row in rows.items()]
        for start in range(0, len(values), BATCH):
            _upsert(db, table, values[start:start + BATCH])
            if progress:
                progress(name, min(start + BATCH, len(values)), len(values))
        written[name] = len(values)
    # An extension attribute for a row already in the directory updates only that column.
    for (name, owner_id), columns in checked.extensions.items():
        if owner_id not in checked.rows[name]:
            table = OBJECTS[name][0].__table__
            db.execute(table.update().where(table.c.id == owner_id).values(**columns))
    return written


def _upsert(db: Session, table, rows: list[dict]) -> None:
    ids = [row["id"] for row in rows]
    existing = set(db.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
    new = [row for row in rows if row["id"] not in existing]
    old = [{**row, "b_id": row["id"]} for row in rows if row["id"] in existing]
    if new:
        db.execute(table.insert(), new)
    if old:
        db.execute(table.update().where(table.c.id == bindparam("b_id")), old)


def affected_services(db: Session, checked: CheckedPackage) -> set[uuid.UUID]:
    """Every service whose listing the package may have changed, for the search index."""
    from portal.directory.models import Service, ServiceAtLocation

    services = set(checked.rows["service"])
    for name, rows in checked.rows.items():
        if any(spec.name == "service_id" for spec in fields(name)):
            services.update(row["service_id"] for row in rows.values() if row.get("service_id"))
    services.update(owner for (name, owner) in checked.extensions if name == "service")
    services.update(row["link_id"] for row in checked.rows["attribute"].values() if row["link_entity"] == "service")
    locations = set(checked.rows["location"]) | {owner for (name, owner) in checked.extensions if name == "location"}
    for name in ("address", "accessibility", "language", "phone", "schedule", "contact"):
        locations.update(row["location_id"] for row in checked.rows[name].values() if row.get("location_id"))
    organizations = set(checked.rows["organization"])
    location_ids, organization_ids = list(locations), list(organizations)
    for start in range(0, max(len(location_ids), len(organization_ids)), BATCH):
        if location_ids[start:start + BATCH]:
            services.update(db.execute(select(ServiceAtLocation.service_id).where(
                ServiceAtLocation.location_id.in_(location_ids[start:start + BATCH]))).scalars())
        if organization_ids[start:start + BATCH]:
            services.update(db.execute(select(Service.id).where(
                Service.organization_id.in_(organization_ids[start:start + BATCH]))).scalars())
    return services
