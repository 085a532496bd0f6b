"""`portal demo`: the directory catalogue, the demo people and caseload (development only; running it twice changes nothing)."""

from __future__ import annotations

import io
import uuid
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from portal.accounts.models import CaregiverGrant, Role
from portal.accounts.queries import create_person, person_by_email
from portal.care.models import CaseloadEntry
from portal.database import Sessions, create_database_engine
from portal.directory.hsds_commands import import_hsds
from portal.directory.models import Organization, OrganizationMember
from portal.security.passwords import Passwords
from portal.settings import Settings

CATALOGUE = Path(__file__).resolve().parents[1] / "resources_catalog"
PASSWORD = "demo-portal-pass"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# Fixed ids, so the directory catalogue can name these organisations as the partners' own.
FOOD_BANK_ID = uuid.UUID("5f0c2d1e-8a4b-4c39-9d6e-1b2a3c4d5e61")
LEGAL_AID_ID = uuid.UUID("7a1b3c5d-2e4f-4a6b-8c9d-0e1f2a3b4c72")

PEOPLE = [
    # email, name, roles, language, totp, date of birth
    ("patient@example.org", "Maria Lopez", [Role.patient], "es", False, date(1958, 3, 14)),
    ("patient2@example.org", "James Carter", [Role.patient], "en", False, date(1971, 9, 2)),
    ("caregiver@example.org", "Rosa Lopez", [Role.caregiver], "es", False, None),
    ("partner@example.org", "Dana Whitfield", [Role.partner], "en", True, None),
    ("partner2@example.org", "Luis Ortega", [Role.partner], "en", True, None),
    ("coordinator@example.org", "Grace Kim", [Role.coordinator], "en", True, None),
    ("coordinator2@example.org", "Samuel Okafor", [Role.coordinator], "en", True, None),
    ("admin@example.org", "Alex Morgan", [Role.admin], "en", True, None),
    # Patients of the second caseload: invited, not yet signed up, so they have no password.
    ("ana.torres@example.org", "Ana Torres", [Role.patient], "es", False, date(1989, 11, 23)),
    ("david.nguyen@example.org", "David Nguyen", [Role.patient], "en", False, date(1964, 6, 8)),
]
CASELOADS = {
    "coordinator@example.org": ["patient@example.org", "patient2@example.org"],
    "coordinator2@example.org": ["ana.torres@example.org", "david.nguyen@example.org"],
}
ORGANISATIONS = [
    (FOOD_BANK_ID, "Riverside Community Food Bank", "partner@example.org"),
    (LEGAL_AID_ID, "Lakeshore Legal Aid Clinic", "partner2@example.org"),
]


def load_people(db: Session, passwords: Passwords) -> list[str]:
    password_hash = passwords.hash(PASSWORD)
    created = []
    people = {}
    for email, name, roles, language, totp, birth in PEOPLE:
        person = person_by_email(db, email)
        if person is None:
            has_password = not email.startswith(("ana.", "david."))
            person = create_person(
                db, email=email, name=name, roles=roles, password_hash=password_hash if has_password else None,
                preferred_language=language, totp_secret=TOTP_SECRET if totp else None, date_of_birth=birth,
            )
            created.append(email)
        people[email] = person
    for coordinator, patients in CASELOADS.items():
        for patient in patients:
            key = (people[coordinator].id, people[patient].id)
            if db.get(CaseloadEntry, key) is None:
                db.add(CaseloadEntry(coordinator_id=key[0], patient_id=key[1]))
    maria, rosa = people["patient@example.org"], people["caregiver@example.org"]
    if db.exec(select(CaregiverGrant).where(CaregiverGrant.caregiver_id == rosa.id, CaregiverGrant.patient_id == maria.id)).first() is None:
        db.add(CaregiverGrant(caregiver_id=rosa.id, patient_id=maria.id, relationship="hija", scopes="care_plan,appointments,messages"))
    for organisation_id, name, member in ORGANISATIONS:
        if db.get(Organization, organisation_id) is None:
            db.add(Organization(id=organisation_id, name=name))
            db.flush()
        if db.get(OrganizationMember, (organisation_id, people[member].id)) is None:
            db.add(OrganizationMember(organization_id=organisation_id, person_id=people[member].id))
    return created


def load_catalogue(sessions: Sessions) -> str:
    """The directory's seed data (resources_catalog/), imported like any HSDS package; idempotent."""
    out = io.StringIO()
    code = import_hsds(sessions, CATALOGUE, out)
    if code != 0:
        raise RuntimeError(f"the catalogue in {CATALOGUE} did not import:\n{out.getvalue()}")
    return out.getvalue().strip().splitlines()[-1]


def load_demo(settings: Settings) -> list[str]:
    """Load everything the demo needs; returns lines to print."""
    engine = create_database_engine(settings)
    try:
        sessions = Sessions(engine)
        catalogue = load_catalogue(sessions)  # first: the partners' organisations come from it
        with sessions.begin() as db:
            created = load_people(db, Passwords(settings.argon2_time_cost, settings.argon2_memory_cost))
    finally:
        engine.dispose()
    lines = [f"directory: {catalogue}", f"demo accounts (password {PASSWORD!r}; staff TOTP secret {TOTP_SECRET}):"]
    for email, name, roles, _language, totp, _birth in PEOPLE[:8]:
        lines.append(f"  {email:<28} {name:<16} {', '.join(roles)}{' (TOTP)' if totp else ''}")
    lines.append(f"created {len(created)} new account(s)" if created else "demo data already loaded")
    return lines
