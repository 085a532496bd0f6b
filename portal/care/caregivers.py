"""Who may act for a patient: the patient and their coordinator add and remove caregivers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from portal.accounts.models import CaregiverGrant, Person, Role
from portal.accounts.queries import create_person, grant_role, person_by_email
from portal.care.models import CaseloadEntry
from portal.care.queries import is_patient
from portal.i18n import N_
from portal.security.principal import Principal

SCOPES = ("care_plan", "appointments", "messages")
SCOPE_NAMES = {"care_plan": N_("Care plan"), "appointments": N_("Appointments"), "messages": N_("Messages")}


def may_manage_caregivers(db: Session, viewer: Principal, patient_id: uuid.UUID) -> bool:
    """The patient themself, or a coordinator with the patient on their caseload."""
    if not is_patient(db, patient_id):
        return False
    if viewer.id == patient_id and Role.patient in viewer.roles:
        return True
    return Role.coordinator in viewer.roles and db.get(CaseloadEntry, (viewer.id, patient_id)) is not None


def add_caregiver(
    db: Session, patient_id: uuid.UUID, *, email: str, name: str, language: str, relationship: str, scopes: list[str], expires_at: datetime | None
) -> tuple[CaregiverGrant, Person, bool]:
    """Grant (or renew) access; returns the grant, the caregiver, and whether their account is new."""
    caregiver = person_by_email(db, email)
    created = caregiver is None
    if created:
        caregiver = create_person(db, email=email, name=name, roles=[Role.caregiver], preferred_language=language)
    else:
        grant_role(db, caregiver, Role.caregiver)
    grant = db.exec(select(CaregiverGrant).where(CaregiverGrant.caregiver_id == caregiver.id, CaregiverGrant.patient_id == patient_id)).first()
    if grant is None:
        grant = CaregiverGrant(caregiver_id=caregiver.id, patient_id=patient_id)
        db.add(grant)
    grant.relationship, grant.scopes, grant.expires_at = relationship, ",".join(scopes), expires_at
    db.flush()
    return grant, caregiver, created


def grant_of(db: Session, patient_id: uuid.UUID, grant_id: int) -> CaregiverGrant | None:
    grant = db.get(CaregiverGrant, grant_id)
    return grant if grant is not None and grant.patient_id == patient_id else None
