"""What HSDS 3.1 says about each object, read off our models: files, fields, kinds, references, nesting.

The import, the export and the API all work from this one description, so a column added to a
model travels everywhere at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Date, Float, Uuid

from portal.database import UTCDateTime
from portal.directory import models

# Object name -> (model, file in a tabular data package), in an order where references point back.
OBJECTS: dict[str, tuple[type, str]] = {
    "organization": (models.Organization, "organizations.csv"),
    "program": (models.Program, "programs.csv"),
    "service": (models.Service, "services.csv"),
    "location": (models.Location, "locations.csv"),
    "service_at_location": (models.ServiceAtLocation, "service_at_location.csv"),
    "address": (models.Address, "addresses.csv"),
    "contact": (models.Contact, "contacts.csv"),
    "phone": (models.Phone, "phones.csv"),
    "schedule": (models.Schedule, "schedules.csv"),
    "funding": (models.Funding, "funding.csv"),
    "service_area": (models.ServiceArea, "service_areas.csv"),
    "required_document": (models.RequiredDocument, "required_documents.csv"),
    "language": (models.Language, "languages.csv"),
    "accessibility": (models.Accessibility, "accessibility.csv"),
    "cost_option": (models.CostOption, "cost_options.csv"),
    "organization_identifier": (models.OrganizationIdentifier, "organization_identifiers.csv"),
    "url": (models.Url, "url.csv"),
    "unit": (models.Unit, "units.csv"),
    "service_capacity": (models.ServiceCapacity, "service_capacity.csv"),
    "taxonomy": (models.Taxonomy, "taxonomies.csv"),
    "taxonomy_term": (models.TaxonomyTerm, "taxonomy_terms.csv"),
    "attribute": (models.Attribute, "attributes.csv"),
    "metadata": (models.Metadata, "metadata.csv"),
    "meta_table_description": (models.MetaTableDescription, "meta_table_descriptions.csv"),
}

# Our columns that HSDS has no field for; they travel as attributes (EXTENSIONS below).
OUR_COLUMNS = {("location", "timezone"), ("service", "capacity_status")}

ENUMS = {
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("schedule", "wkst"): ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
    ("schedule", "freq"): ("WEEKLY", "MONTHLY"),
}
EMAILS = {("organization", "email"), ("service", "email"), ("service", "assurer_email"), ("contact", "email")}
URIS = {
    ("accessibility", "url"), ("location", "url"), ("organization", "website"), ("organization", "uri"),
    ("required_document", "uri"), ("schedule", "schedule_link"), ("service", "url"), ("taxonomy", "uri"),
    ("taxonomy_term", "term_uri"), ("unit", "uri"), ("url", "url"),
}
TIMES = {("schedule", "opens_at"), ("schedule", "closes_at")}
# HSDS does not constrain these, but an over-long value is a mistake, not data.
MAX_TEXT = 20_000

PORTAL_TAXONOMY_ID = uuid.UUID("3d5e7f90-1a2b-4c3d-9e4f-5a6b7c8d9e01")


@dataclass(frozen=True)
class Extension:
    """One of our columns, carried in HSDS as an attribute against a term of our taxonomy."""

    object: str
    column: str
    term_id: uuid.UUID
    code: str
    name: str
    allowed: tuple[str, ...] | None = None

    def attribute_id(self, owner_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(owner_id, self.code)


CAPACITY_STATES = ("has_capacity", "waitlist", "no_capacity", "assessment_required")
EXTENSIONS = (
    Extension("location", "timezone", uuid.UUID("3d5e7f90-1a2b-4c3d-9e4f-5a6b7c8d9e02"), "time-zone", "Time zone"),
    Extension(
        "service", "capacity_status", uuid.UUID("3d5e7f90-1a2b-4c3d-9e4f-5a6b7c8d9e03"),
        "capacity-status", "Capacity status", CAPACITY_STATES,
    ),
)
EXTENSION_BY_TERM = {extension.term_id: extension for extension in EXTENSIONS}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # uuid, text, number, date, datetime, time, enum, email, uri
    required: bool
    references: str | None  # object name, for the declared foreign keys
    choices: tuple[str, ...] = ()


@cache
def fields(name: str) -> tuple[Field, ...]:
    """The HSDS fields of an object, in the order of its schema (our own columns left out)."""
    model, _ = OBJECTS[name]
    result = []
    for column in model.__table__.columns:
        if (name, column.name) in OUR_COLUMNS:
            continue
        references = next((fk.column.table.name for fk in column.foreign_keys), None)
        result.append(Field(column.name, _kind(name, column), not column.nullable, references,
                            ENUMS.get((name, column.name), ())))
    return tuple(result)


def _kind(name: str, column) -> str:
    key = (name, column.name)
    if key in ENUMS:
        return "enum"
    if key in TIMES:
        return "time"
    if key in EMAILS:
        return "email"
    if key in URIS:
        return "uri"
    if isinstance(column.type, Uuid):
        return "uuid"
    if isinstance(column.type, Float):
        return "number"
    if isinstance(column.type, UTCDateTime):
        return "datetime"
    if isinstance(column.type, Date):
        return "date"
    return "text"


# Nesting in HSDS JSON: (parent, property) -> child object. The child points at its parent through
# `<parent>_id`, except attributes (link_id) and metadata (resource_id).
NESTED_LISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "service": (
        ("additional_urls", "url"), ("phones", "phone"), ("schedules", "schedule"),
        ("service_areas", "service_area"), ("service_at_locations", "service_at_location"),
        ("languages", "language"), ("funding", "funding"), ("cost_options", "cost_option"),
        ("required_documents", "required_document"), ("contacts", "contact"),
        ("capacities", "service_capacity"),
    ),
    "organization": (
        ("additional_websites", "url"), ("funding", "funding"), ("contacts", "contact"), ("phones", "phone"),
        ("locations", "location"), ("programs", "program"), ("organization_identifiers", "organization_identifier"),
    ),
    "service_at_location": (
        ("service_areas", "service_area"), ("contacts", "contact"), ("phones", "phone"), ("schedules", "schedule"),
    ),
    "location": (
        ("languages", "language"), ("addresses", "address"), ("contacts", "contact"),
        ("accessibility", "accessibility"), ("phones", "phone"), ("schedules", "schedule"),
    ),
    "contact": (("phones", "phone"),),
    "phone": (("languages", "language"),),
}
# (parent, property) -> (child object, the parent's column that holds the child's id)
NESTED_OBJECTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (("organization", "organization", "organization_id"), ("program", "program", "program_id")),
    "service_at_location": (("location", "location", "location_id"),),
    "service_capacity": (("unit", "unit", "unit_id"),),
    "attribute": (("taxonomy_term", "taxonomy_term", "taxonomy_term_id"),),
    "taxonomy_term": (("taxonomy_detail", "taxonomy", "taxonomy_id"),),
}
# Every object but these carries `attributes` and `metadata` lists in JSON.
WITHOUT_ATTRIBUTES = {"attribute", "metadata", "taxonomy", "taxonomy_term"}
WITHOUT_METADATA = {"metadata"}


def parent_column(parent: str, child: str) -> str:
    return {"attribute": "link_id", "metadata": "resource_id"}.get(child, f"{parent}_id")
