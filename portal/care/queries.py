"""Who may see which patient: every patient read goes through `patient_for`."""

from __future__ import annotations

import uuid

from sqlalchemy import or_
from sqlmodel import Session, select

from portal.accounts.models import CaregiverGrant, Person, Role, RoleGrant
from portal.care.models import CaseloadEntry
from portal.clock import now
from portal.security.principal import Principal


def is_patient(db: Session, person_id: uuid.UUID) -> bool:
    return db.get(RoleGrant, (person_id, Role.patient.value)) is not None


def live_grant(db: Session, caregiver_id: uuid.UUID, patient_id: uuid.UUID) -> CaregiverGrant | None:
    grant = db.exec(select(CaregiverGrant).where(CaregiverGrant.caregiver_id == caregiver_id, CaregiverGrant.patient_id == patient_id)).first()
    if grant is None or (grant.expires_at is not None and grant.expires_at <= now()):
        return None
    return grant


def relation_to(db: Session, viewer: Principal, patient_id: uuid.UUID) -> str | None:
    """How the viewer stands to this patient: "self", "coordinator", "caregiver", or None (no access)."""
    if not is_patient(db, patient_id):
        return None
    if viewer.id == patient_id and Role.patient in viewer.roles:
        return "self"
    if Role.coordinator in viewer.roles and db.get(CaseloadEntry, (viewer.id, patient_id)) is not None:
        return "coordinator"
    if Role.caregiver in viewer.roles and live_grant(db, viewer.id, patient_id) is not None:
        return "caregiver"
    return None


def patient_for(db: Session, viewer: Principal, patient_id: uuid.UUID) -> Person | None:
    """The patient if this viewer may see their record: themself, their coordinator, or a caregiver with a live grant."""
    return db.get(Person, patient_id) if relation_to(db, viewer, patient_id) else None


def caseload(db: Session, coordinator_id: uuid.UUID, search: str = "") -> list[Person]:
    statement = (
        select(Person)
        .join(CaseloadEntry, CaseloadEntry.patient_id == Person.id)
        .where(CaseloadEntry.coordinator_id == coordinator_id)
        .order_by(Person.name)
    )
    if search:
        like = f"%{search.lower()}%"
        statement = statement.where(or_(Person.name.ilike(like), Person.email.like(like)))
    return list(db.exec(statement).all())


def care_team(db: Session, patient_id: uuid.UUID) -> list[Person]:
    return list(
        db.exec(select(Person).join(CaseloadEntry, CaseloadEntry.coordinator_id == Person.id).where(CaseloadEntry.patient_id == patient_id).order_by(Person.name)).all()
    )


def caregivers_of(db: Session, patient_id: uuid.UUID) -> list[tuple[CaregiverGrant, Person]]:
    rows = db.exec(select(CaregiverGrant, Person).join(Person, Person.id == CaregiverGrant.caregiver_id).where(CaregiverGrant.patient_id == patient_id)).all()
    return [(grant, person) for grant, person in rows]


def cared_for(db: Session, caregiver_id: uuid.UUID) -> list[tuple[CaregiverGrant, Person]]:
    rows = db.exec(select(CaregiverGrant, Person).join(Person, Person.id == CaregiverGrant.patient_id).where(CaregiverGrant.caregiver_id == caregiver_id).order_by(Person.name)).all()
    return [(grant, person) for grant, person in rows]
