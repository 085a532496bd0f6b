"""Directory tables: the 24 HSDS 3.1 objects, column for column, plus partner membership.

Names and column order follow the official JSON schemas; the few choices HSDS leaves open are in
docs/decisions/0002-directory-hsds.md.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlmodel import Field, SQLModel

from portal.clock import now
from portal.database import UTCDateTime
from portal.i18n import N_


def _refers_to(table: str, ondelete: str = "CASCADE") -> ForeignKey:
    # Deferred to commit, so an import may insert rows in any order (a phone before its contact).
    return ForeignKey(f"{table}.id", ondelete=ondelete, deferrable=True, initially="DEFERRED")


class Organization(SQLModel, table=True):
    """HSDS `organization`: The details about each organization delivering services."""

    __tablename__ = "organization"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=255)
    alternate_name: str | None = None
    description: str = ""
    email: str | None = Field(default=None, max_length=254)
    website: str | None = Field(default=None, max_length=2048)
    tax_status: str | None = None
    tax_id: str | None = None
    year_incorporated: float | None = None
    legal_status: str | None = None
    logo: str | None = None
    uri: str | None = None
    parent_organization_id: uuid.UUID | None = None


class Program(SQLModel, table=True):
    """HSDS `program`: The details of collections of related services."""

    __tablename__ = "program"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(sa_column_args=[_refers_to("organization")], index=True)
    name: str
    alternate_name: str | None = None
    description: str


class Service(SQLModel, table=True):
    """HSDS `service`: The details of the services provided by organizations to a range of different groups."""

    __tablename__ = "service"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(sa_column_args=[_refers_to("organization")], index=True)
    program_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("program", ondelete="SET NULL")], index=True)
    name: str
    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: str
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    wait_time: str | None = None
    fees: str | None = None
    accreditations: str | None = None
    eligibility_description: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    assured_date: date | None = None
    assurer_email: str | None = None
    licenses: str | None = None
    alert: str | None = None
    last_modified: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Ours, not HSDS: travels as an attribute (docs/decisions/0002-directory-hsds.md).
    capacity_status: str | None = None


class Location(SQLModel, table=True):
    """HSDS `location`: The locations where organizations operate."""

    __tablename__ = "location"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_type: str
    url: str | None = None
    organization_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("organization")], index=True)
    name: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    transportation: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None
    # Ours, not HSDS: an IANA zone; None means the program's (PORTAL_TIMEZONE).
    timezone: str | None = None


class ServiceAtLocation(SQLModel, table=True):
    """HSDS `service_at_location`: A link between a service and a specific location."""

    __tablename__ = "service_at_location"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(sa_column_args=[_refers_to("service")], index=True)
    location_id: uuid.UUID = Field(sa_column_args=[_refers_to("location")], index=True)
    description: str | None = None


class Address(SQLModel, table=True):
    """HSDS `address`: The addresses of locations where organizations operate."""

    __tablename__ = "address"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("location")], index=True)
    attention: str | None = None
    address_1: str
    address_2: str | None = None
    city: str
    region: str | None = None
    state_province: str
    postal_code: str
    country: str
    address_type: str


class Phone(SQLModel, table=True):
    """HSDS `phone`: The details of the telephone numbers used to contact organizations, services, and locations."""

    __tablename__ = "phone"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("location")], index=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    organization_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("organization")], index=True)
    contact_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("contact")], index=True)
    service_at_location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service_at_location")], index=True)
    number: str
    extension: float | None = None
    type: str | None = None
    description: str | None = None


class Contact(SQLModel, table=True):
    """HSDS `contact`: The details of the named contacts for services and organizations."""

    __tablename__ = "contact"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("organization")], index=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    service_at_location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service_at_location")], index=True)
    location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("location")], index=True)
    name: str | None = None
    title: str | None = None
    department: str | None = None
    email: str | None = None


class Schedule(SQLModel, table=True):
    """HSDS `schedule`: The details of when a service or location is open."""

    __tablename__ = "schedule"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("location")], index=True)
    service_at_location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service_at_location")], index=True)
    valid_from: date | None = None
    valid_to: date | None = None
    dtstart: date | None = None
    timezone: float | None = None
    until: date | None = None
    count: float | None = None
    wkst: str | None = None
    freq: str | None = None
    interval: float | None = None
    byday: str | None = None
    byweekno: str | None = None
    bymonthday: str | None = None
    byyearday: str | None = None
    description: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    schedule_link: str | None = None
    attending_type: str | None = None
    notes: str | None = None


class Funding(SQLModel, table=True):
    """HSDS `funding`: The sources of funding for a service or organization."""

    __tablename__ = "funding"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("organization")], index=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    source: str | None = None


class ServiceArea(SQLModel, table=True):
    """HSDS `service_area`: The details of the geographic area for which a service is available."""

    __tablename__ = "service_area"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    service_at_location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service_at_location")], index=True)
    name: str | None = None
    description: str | None = None
    extent: str | None = None
    extent_type: str | None = None
    uri: str | None = None


class RequiredDocument(SQLModel, table=True):
    """HSDS `required_document`: The details of any documents that are required in order to access or use services."""

    __tablename__ = "required_document"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    document: str | None = None
    uri: str | None = None


class Language(SQLModel, table=True):
    """HSDS `language`: The languages that are spoken at locations or services."""

    __tablename__ = "language"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)
    location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("location")], index=True)
    phone_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("phone")], index=True)
    name: str | None = None
    code: str | None = None
    note: str | None = None


class Accessibility(SQLModel, table=True):
    """HSDS `accessibility`: The details of the arrangements for access to locations for people who have disabilities."""

    __tablename__ = "accessibility"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    location_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("location")], index=True)
    description: str | None = None
    details: str | None = None
    url: str | None = None


class CostOption(SQLModel, table=True):
    """HSDS `cost_option`: The costs of a service at certain points in time."""

    __tablename__ = "cost_option"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(sa_column_args=[_refers_to("service")], index=True)
    valid_from: date | None = None
    valid_to: date | None = None
    option: str | None = None
    currency: str | None = None
    amount: float | None = None
    amount_description: str | None = None


class OrganizationIdentifier(SQLModel, table=True):
    """HSDS `organization_identifier`: The details of the third party identifiers for organizations, such as: company registration number, charity number, tax registration number."""

    __tablename__ = "organization_identifier"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(sa_column_args=[_refers_to("organization")], index=True)
    identifier_scheme: str | None = None
    identifier_type: str
    identifier: str


class Url(SQLModel, table=True):
    """HSDS `url`: A URL with a label."""

    __tablename__ = "url"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    label: str | None = None
    url: str
    organization_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("organization")], index=True)
    service_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("service")], index=True)


class Unit(SQLModel, table=True):
    """HSDS `unit`: The details of units which are used to measure service capacity."""

    __tablename__ = "unit"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    scheme: str | None = None
    identifier: str | None = None
    uri: str | None = None


class ServiceCapacity(SQLModel, table=True):
    """HSDS `service_capacity`: The details of service capacities for services."""

    __tablename__ = "service_capacity"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(sa_column_args=[_refers_to("service")], index=True)
    unit_id: uuid.UUID = Field(sa_column_args=[_refers_to("unit")], index=True)
    available: float
    maximum: float | None = None
    description: str | None = None
    updated: datetime = Field(sa_type=UTCDateTime)


class Taxonomy(SQLModel, table=True):
    """HSDS `taxonomy`: The taxonomies from which taxonomy terms are taken."""

    __tablename__ = "taxonomy"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    description: str
    uri: str | None = None
    version: str | None = None


class TaxonomyTerm(SQLModel, table=True):
    """HSDS `taxonomy_term`: Each service can be categorized according to one or more taxonomy terms."""

    __tablename__ = "taxonomy_term"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str | None = None
    name: str
    description: str
    parent_id: uuid.UUID | None = None
    taxonomy: str | None = None
    language: str | None = None
    taxonomy_id: uuid.UUID | None = Field(default=None, sa_column_args=[_refers_to("taxonomy")], index=True)
    term_uri: str | None = None


class Attribute(SQLModel, table=True):
    """HSDS `attribute`: A link between a service and one or more classifications that describe the nature of the service provided."""

    __tablename__ = "attribute"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    link_id: uuid.UUID = Field(index=True)
    taxonomy_term_id: uuid.UUID = Field(sa_column_args=[_refers_to("taxonomy_term")], index=True)
    link_type: str | None = None
    link_entity: str
    value: str | None = None
    label: str | None = None


class Metadata(SQLModel, table=True):
    """HSDS `metadata`: A record of the changes that have been made to the data in order to maintain provenance information."""

    __tablename__ = "metadata"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    resource_id: uuid.UUID = Field(index=True)
    resource_type: str
    last_action_date: date
    last_action_type: str
    field_name: str
    previous_value: str
    replacement_value: str
    updated_by: str


class MetaTableDescription(SQLModel, table=True):
    """HSDS `meta_table_description`: Metadata about individual tables."""

    __tablename__ = "meta_table_description"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str | None = None
    language: str | None = None
    character_set: str | None = None



class OrganizationMember(SQLModel, table=True):
    """A partner staff member keeps this organisation's listings."""

    __tablename__ = "organization_member"

    organization_id: uuid.UUID = Field(foreign_key="organization.id", primary_key=True, ondelete="CASCADE")
    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")


# What someone can say is wrong with a listing (the form's choices; labels translated when shown).
PROBLEM_KINDS = {
    "closed": N_("It has closed for good"),
    "hours": N_("The hours are wrong"),
    "phone": N_("The phone number is wrong"),
    "address": N_("The address is wrong"),
    "other": N_("Something else"),
}


class ProblemReport(SQLModel, table=True):
    """Someone told us a listing is wrong; the owning partner and coordinators see it."""

    __tablename__ = "problem_report"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    service_id: uuid.UUID = Field(foreign_key="service.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    comment: str = Field(default="", max_length=2000)
    reply_to: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime, index=True)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SearchMiss(SQLModel, table=True):
    """How often a search found nothing, per day and normalised query; never who asked."""

    __tablename__ = "search_miss"

    day: date = Field(primary_key=True)
    query: str = Field(primary_key=True, max_length=200)
    count: int = 0
