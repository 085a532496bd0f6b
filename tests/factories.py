"""Plain factory functions with realistic defaults; each takes the database session first."""

from __future__ import annotations

import itertools
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
