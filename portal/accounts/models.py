"""People, their roles, and what proves who they are."""

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.clock import now
from portal.database import UTCDateTime
from portal.i18n import N_, gettext


class Role(StrEnum):
    patient = "patient"
    caregiver = "caregiver"
    partner = "partner"
    coordinator = "coordinator"
    admin = "admin"


ROLE_NAMES = {
    Role.patient: N_("Patient"),
    Role.caregiver: N_("Caregiver"),
    Role.partner: N_("Community partner"),
    Role.coordinator: N_("Care coordinator"),
    Role.admin: N_("Admin"),
}


class RoleNames(Mapping):
    """Role names in the request's language, for templates: role_names["coordinator"]."""

    def __getitem__(self, role: str) -> str:
        return gettext(ROLE_NAMES[Role(role)])

    def __iter__(self):
        return iter(role.value for role in Role)

    def __len__(self) -> int:
        return len(Role)


STAFF_ROLES = frozenset({Role.partner, Role.coordinator, Role.admin})
# Outside development these roles cannot finish signing in without a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.coordinator, Role.admin})
LANGUAGES = ("en", "es")


class Person(SQLModel, table=True):
    __tablename__ = "person"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str | None = Field(default=None, max_length=200)
    preferred_language: str = Field(default="en", max_length=5)
    phone: str = Field(default="", max_length=32)
    contact_by_email: bool = True
    contact_by_sms: bool = False
    date_of_birth: date | None = None
    active: bool = True
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_secret: str | None = Field(default=None, max_length=64)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: int | None = None


class RoleGrant(SQLModel, table=True):
    __tablename__ = "role_grant"

    person_id: uuid.UUID = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(primary_key=True, max_length=20)


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EmailToken(SQLModel, table=True):
    """A link sent by e-mail (invitation or password reset). Only the token's SHA-256 is stored."""

    __tablename__ = "email_token"

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    created_by: uuid.UUID | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OidcIdentity(SQLModel, table=True):
    __tablename__ = "oidc_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    linked_at: datetime = Field(default_factory=now, sa_type=UTCDateTime)


class CaregiverGrant(SQLModel, table=True):
    """A caregiver may act for a patient within these scopes until the grant expires."""

    __tablename__ = "caregiver_grant"
    __table_args__ = (UniqueConstraint("caregiver_id", "patient_id"),)

    id: int | None = Field(default=None, primary_key=True)
    caregiver_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    patient_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    relationship: str = Field(default="", max_length=60)
    scopes: str = Field(default="care_plan,appointments,messages", max_length=200)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def scope_list(self) -> list[str]:
        return [scope for scope in self.scopes.split(",") if scope]
