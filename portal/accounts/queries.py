"""Finding people and what they may do."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from portal.accounts.models import Person, Role, RoleGrant
from portal.security.principal import Principal


def roles_of(db: Session, person_id: uuid.UUID) -> frozenset[str]:
    return frozenset(db.exec(select(RoleGrant.role).where(RoleGrant.person_id == person_id)).all())


def identify(db: Session, person_id: uuid.UUID) -> Principal | None:
    """The signed-in person as the security layer sees them; None if gone or deactivated."""
    person = db.get(Person, person_id)
    if person is None or not person.active:
        return None
    return Principal(id=person.id, name=person.name, email=person.email, roles=roles_of(db, person.id), language=person.preferred_language)


def person_by_email(db: Session, email: str) -> Person | None:
    return db.exec(select(Person).where(Person.email == email.strip().lower())).first()


def create_person(db: Session, *, email: str, name: str, roles, password_hash: str | None = None, **fields) -> Person:
    person = Person(email=email.strip().lower(), name=name, password_hash=password_hash, **fields)
    db.add(person)
    db.flush()
    for role in roles:
        db.add(RoleGrant(person_id=person.id, role=Role(role).value))
    db.flush()
    return person


def grant_role(db: Session, person: Person, role: str) -> None:
    if Role(role).value not in roles_of(db, person.id):
        db.add(RoleGrant(person_id=person.id, role=Role(role).value))
