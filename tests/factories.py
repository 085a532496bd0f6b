"""Plain factory functions with realistic defaults; each takes the database session first."""

from __future__ import annotations

import itertools
import uuid
from functools import cache

from portal.accounts.models import CaregiverGrant, Person
from portal.accounts.queries import create_person
from portal.care.models import CaseloadEntry
from portal.directory.models import Organization, OrganizationMember
from portal.security.passwords import Passwords

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# Tests hash with cheap argon2 parameters; the app under test uses the same ones (see conftest).
TEST_ARGON2 = {"time_cost": 1, "memory_cost": 1024}
_numbers = itertools.count(1)


@cache
def password_hash() -> str:
    return Passwords(TEST_ARGON2["time_cost"], TEST_ARGON2["memory_cost"]).hash(PASSWORD)


def make_person(db, *, roles=("patient",), email: str | None = None, name: str | None = None, totp: bool = False, **fields) -> Person:
    number = next(_numbers)
    fields.setdefault("password_hash", password_hash())
    return create_person(
        db, email=email or f"person{number}@example.org", name=name or f"Person {number}", roles=roles,
        totp_secret=TOTP_SECRET if totp else None, **fields,
    )


def add_to_caseload(db, coordinator: Person, patient: Person) -> None:
    db.add(CaseloadEntry(coordinator_id=coordinator.id, patient_id=patient.id))


def make_grant(db, caregiver: Person, patient: Person, **fields) -> CaregiverGrant:
    grant = CaregiverGrant(caregiver_id=caregiver.id, patient_id=patient.id, **fields)
    db.add(grant)
    return grant


def make_organisation(db, *, name: str = "Northside Food Pantry", members=()) -> Organization:
    organisation = Organization(name=name)
    db.add(organisation)
    db.flush()
    for member in members:
        db.add(OrganizationMember(organization_id=organisation.id, person_id=member.id))
    return organisation


# Chicago-area places with their ZIP centres, for directory tests.
PILSEN = (41.8515, -87.6694)  # 60608
EVANSTON = (42.0464, -87.6947)  # 60201
CICERO = (41.8456, -87.7539)  # 60804


def make_service(db, *, name: str = "Neighborhood Food Pantry", organization: Organization | None = None,
                 description: str = "Free groceries for families. Bring a bag.", place=PILSEN, postal_code: str = "60608",
                 hours=(("MO,TU,WE,TH,FR", "09:00", "17:00"),), exceptions=(), appointment: bool = False,
                 languages=("en",), free: bool = True, categories=(), zone: str | None = None, **fields):
    """A service at one location with weekly hours; `exceptions` are (from, to, opens, closes, note)."""
    from portal.directory.models import (
        Address, Attribute, CostOption, Language, Location, Phone, Schedule, Service, ServiceAtLocation,
    )

    organization = organization or make_organisation(db, name=f"{name} Inc.")
    fields.setdefault("status", "active")
    service = Service(organization_id=organization.id, name=name, description=description, **fields)
    db.add(service)
    location = Location(location_type="physical", organization_id=organization.id, name=f"{name} site",
                        latitude=place[0] if place else None, longitude=place[1] if place else None, timezone=zone)
    db.add(location)
    db.flush()
    link = ServiceAtLocation(service_id=service.id, location_id=location.id)
    db.add(link)
    db.add(Address(location_id=location.id, address_1="1800 S Blue Island Ave", city="Chicago", state_province="IL",
                   postal_code=postal_code, country="US", address_type="physical"))
    db.add(Phone(service_id=service.id, number="(312) 555-0143", type="voice"))
    db.flush()
    for byday, opens, closes in hours:
        db.add(Schedule(service_at_location_id=link.id, service_id=service.id, location_id=location.id, freq="WEEKLY",
                        byday=byday, opens_at=opens, closes_at=closes,
                        attending_type="by appointment" if appointment else None))
    if appointment and not hours:
        db.add(Schedule(service_at_location_id=link.id, attending_type="by appointment", description="Call to book."))
    for starts, ends, opens, closes, note in exceptions:
        db.add(Schedule(service_at_location_id=link.id, valid_from=starts, valid_to=ends, opens_at=opens, closes_at=closes, description=note))
    for code in languages:
        db.add(Language(service_id=service.id, code=code, name={"en": "English", "es": "Spanish"}.get(code, code)))
    db.add(CostOption(service_id=service.id, option="Free" if free else "Sliding scale", amount=0 if free else None))
    for term in categories:
        db.add(Attribute(link_id=service.id, link_entity="service", taxonomy_term_id=term.id))
    db.flush()
    return service


def make_category(db, *, name: str = "Food pantry", code: str = "food-pantry", parent=None):
    from portal.directory.models import Taxonomy, TaxonomyTerm

    taxonomy = db.get(Taxonomy, CATEGORY_TAXONOMY_ID) or Taxonomy(id=CATEGORY_TAXONOMY_ID, name="Test categories", description="For tests")
    db.add(taxonomy)
    term = TaxonomyTerm(name=name, code=code, description=name, taxonomy_id=taxonomy.id, parent_id=parent.id if parent else None)
    db.add(term)
    db.flush()
    return term


CATEGORY_TAXONOMY_ID = uuid.UUID("0c2a4e6f-1b3d-4f5a-8c7e-9d0b1a2c3e4f")
